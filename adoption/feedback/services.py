"""Staff feedback: the writes behind the survey pages, and the throttle on the public
survey link. A response is anonymous: it records an area and a role group, never who
answered."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from adoption.feedback.score import period_of
from adoption.feedback.selectors import can_manage_feedback
from adoption.models import FeedbackTheme, Survey, SurveyResponse
from golive.access import Access
from golive.models import Area, GoLive, User

# Submissions one client (an address; an IPv6 /64) may send to one survey link per minute.
# Answering takes a person about a minute, so 10 a minute from one address is ten people
# answering at once behind one network address: a busy huddle on the ward's Wi-Fi, or a
# trust's staff behind one proxy. Repeats from one browser are caught by the respondent
# check (``respondents``), not here; this limit bounds the one thing that check cannot
# stop, a script that clears its cookies and loads a fresh page for every submission, to
# 10 a minute per address (it was 30, which let a script post a ward's week in seconds).
SURVEY_SUBMISSIONS_PER_MINUTE = 10
THROTTLE_SECONDS = 60
# And per hour: a minute's limit alone still let one address send 14,400 a day. The hour
# is sized for a ward's shared computers, which sit behind one address: a large ward has
# about 60 staff across all its shifts, and the most that answer within one hour is the
# whole team handed the link at a huddle or handover. 60 an hour lets all of them through
# from one address and holds a script to 60 an hour (a ward's week of responses takes it
# an hour, not seconds, and shows up in the repeat and response counts meanwhile).
SURVEY_SUBMISSIONS_PER_HOUR = 60
HOUR_SECONDS = 3600


@transaction.atomic
def open_survey(*, access: Access, user: User, go_live: GoLive, title: str) -> Survey:
    if not can_manage_feedback(access, go_live):
        raise PermissionDenied("You may not run surveys for this go-live.")
    return Survey.objects.create(go_live=go_live, title=title, created_by=user)


@transaction.atomic
def set_survey_open(*, access: Access, survey: Survey, is_open: bool) -> Survey:
    if not can_manage_feedback(access, survey.go_live):
        raise PermissionDenied("You may not run surveys for this go-live.")
    survey.is_open = is_open
    survey.save(update_fields=["is_open"])
    return survey


@dataclass(frozen=True)
class Recorded:
    response: SurveyResponse
    created: bool  # False: this submission was already stored (a double click, a resend)

    @property
    def is_repeat(self) -> bool:
        return self.response.is_repeat


def record_response(
    *,
    survey: Survey,
    submission: uuid.UUID,
    respondent: str,
    at: dt.datetime,
    area: Area,
    role_group: str,
    answers: dict[str, int],
    comment: str,
) -> Recorded:
    """Store one anonymous response. The same ``submission`` twice (a double click, a resent
    form) stores nothing new. ``respondent`` is the hash from ``respondents.respondent_hash``
    (empty: unknown, always counted); a second response from one respondent to one survey in
    one period (``score.period_of(at)``) is stored with ``is_repeat`` set, so nothing is
    lost and it is left out of scores, counts and comments. The caller has checked that the
    survey is open and the area is in its go-live."""
    existing = SurveyResponse.objects.filter(submission=submission).first()
    if existing is not None:
        return Recorded(existing, created=False)
    period = period_of(at)
    fields = {
        "survey": survey,
        "submission": submission,
        "respondent": respondent,
        "period": period,
        "submitted_at": at,
        "area": area,
        "role_group": role_group,
        "comment": comment,
        **answers,
    }
    already_counted = (
        bool(respondent)
        and SurveyResponse.objects.filter(
            survey=survey, respondent=respondent, period=period, is_repeat=False
        ).exists()
    )
    try:
        with transaction.atomic():
            return Recorded(
                SurveyResponse.objects.create(**fields, is_repeat=already_counted), True
            )
    except IntegrityError:
        # A race: either two copies of this submission (the other was stored) or two
        # responses from one respondent (the other counts; this one is a repeat).
        stored = SurveyResponse.objects.filter(submission=submission).first()
        if stored is not None:
            return Recorded(stored, created=False)
    with transaction.atomic():
        return Recorded(SurveyResponse.objects.create(**fields, is_repeat=True), True)


@transaction.atomic
def tag_response(
    *, access: Access, response: SurveyResponse, theme: FeedbackTheme | None
) -> SurveyResponse:
    go_live = response.survey.go_live
    if not can_manage_feedback(access, go_live):
        raise PermissionDenied("You may not tag feedback for this go-live.")
    if theme is not None and theme.programme_id != go_live.programme_id:
        raise PermissionDenied("That theme belongs to another programme.")
    response.theme = theme
    response.save(update_fields=["theme"])
    return response


@transaction.atomic
def save_theme(
    *,
    access: Access,
    go_live: GoLive,
    theme: FeedbackTheme | None,
    name: str,
    you_said: str,
    we_did: str,
) -> FeedbackTheme:
    if not can_manage_feedback(access, go_live):
        raise PermissionDenied("You may not edit feedback themes for this programme.")
    theme = theme or FeedbackTheme(programme=go_live.programme)
    theme.name, theme.you_said, theme.we_did = name, you_said, we_did
    theme.full_clean()
    theme.save()
    return theme


# Throttling the public survey link.


def _count(key: str, seconds: int) -> int:
    cache.add(key, 0, timeout=seconds)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr: this is the first of a new window
        cache.set(key, 1, timeout=seconds)
        return 1


def survey_submission_wait(*, token: str, client: str) -> int:
    """Count one submission to a survey link from a client, in the minute and in the hour
    since the client's first in each; the seconds it must wait when either limit
    (``SURVEY_SUBMISSIONS_PER_MINUTE``, ``SURVEY_SUBMISSIONS_PER_HOUR``) is passed, the
    longer window first, else 0. The counts live in the cache under a hash (the address is
    not stored) and expire with their window."""
    digest = hashlib.sha256(f"{token}|{client}".encode()).hexdigest()
    minute = _count(f"golive:survey-submissions:{digest}", THROTTLE_SECONDS)
    hour = _count(f"golive:survey-submissions-hour:{digest}", HOUR_SECONDS)
    if hour > SURVEY_SUBMISSIONS_PER_HOUR:
        return HOUR_SECONDS
    if minute > SURVEY_SUBMISSIONS_PER_MINUTE:
        return THROTTLE_SECONDS
    return 0
