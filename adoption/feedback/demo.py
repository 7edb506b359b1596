"""Demo staff feedback for ``seed_demo``: a survey of the live wave with answers over its
first weeks, so the feedback page shows the small-number rule at work (busy areas shown,
quiet area-weeks and one quiet area withheld) and a few repeat responses left out.
Idempotent: fixed seeds and submission ids."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import Counter

from django.utils import timezone

from adoption.feedback import respondents, services
from adoption.feedback.score import period_of
from adoption.models import Survey, SurveyResponse
from golive.models import Area, GoLive, Programme, User

SURVEY_TITLE = "How is the new EPR working for you?"
SURVEY_RESPONSES = 240  # spread over every area but the last, over eight weeks
QUIET_AREA_RESPONSES = 3  # the last area: below the small-number rule
REPEATS = 6  # respondents who sent the survey again the same week: kept, not counted
DEMO_COMMENTS = [
    "Logging in takes too long at the start of a shift.",
    "Ordering bloods is much quicker with the new order sets.",
    "The training did not cover drug charts on nights.",
    "Handover is easier now that notes are in one place.",
    "",
    "",
]


def _moment(live: GoLive, week: int, rng: random.Random) -> dt.datetime:
    day = live.user_go_live_date + dt.timedelta(days=7 * week + rng.randint(0, 6))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10 + rng.randint(0, 8))))


def _answer(
    survey: Survey, *, n: int, respondent: int, area: Area, at: dt.datetime, rng: random.Random
) -> bool:
    """One demo response (``n`` fixes its submission id); True when it was new."""
    week = (at.date() - survey.go_live.user_go_live_date).days // 7
    mood = min(5, max(1, round(rng.gauss(2.6 + 0.25 * week, 1.0))))
    answers = {
        name: min(5, max(1, mood + rng.choice((-1, 0, 0, 1)))) for name in SurveyResponse.ITEMS
    }
    recorded = services.record_response(
        survey=survey,
        submission=uuid.uuid5(uuid.NAMESPACE_URL, f"golive-demo-survey-{n}"),
        respondent=respondents.respondent_hash(
            survey_token=survey.token, respondent_id=f"golive-demo-respondent-{respondent}"
        ),
        at=at,
        area=area,
        role_group=rng.choice(["nursing", "medical", "ahp", ""]),
        answers=answers,
        comment=rng.choice(DEMO_COMMENTS),
    )
    return recorded.created


def _seed_survey(live: GoLive, user: User) -> str:
    """Answers spread over the wave's first eight weeks, improving as staff settle in; the
    last area answers only a few times; a few respondents answer twice in one week."""
    survey, _ = Survey.objects.get_or_create(
        go_live=live, title=SURVEY_TITLE, defaults={"created_by": user}
    )
    areas = list(live.areas.order_by("pk"))
    busy, quiet = (areas[:-1], areas[-1]) if len(areas) > 1 else (areas, None)
    rng = random.Random(31)  # noqa: S311 - demo data, not security
    made, sent = 0, []
    for n in range(SURVEY_RESPONSES):
        # Fewer answer as weeks pass (most in the first weeks, a few by week 8), so busy
        # areas' early weeks are shown and their late weeks withheld.
        at = _moment(live, int(8 * (n / SURVEY_RESPONSES) ** 2), rng)
        sent.append((busy[n % len(busy)], at))
        made += _answer(survey, n=n, respondent=n, area=busy[n % len(busy)], at=at, rng=rng)
    if quiet is not None:
        for k in range(QUIET_AREA_RESPONSES):
            n = SURVEY_RESPONSES + k
            made += _answer(
                survey, n=n, respondent=n, area=quiet, at=_moment(live, k, rng), rng=rng
            )
    for k, r in enumerate(_busiest(sent)[:REPEATS]):
        # Respondent r sends the survey again an hour later: the same week, so a repeat.
        area, at = sent[r]
        n = SURVEY_RESPONSES + QUIET_AREA_RESPONSES + k
        made += _answer(
            survey, n=n, respondent=r, area=area, at=at + dt.timedelta(hours=1), rng=rng
        )
    repeats = SurveyResponse.objects.filter(survey=survey, is_repeat=True).count()
    return f"Staff survey: {made} new responses ({repeats} repeats, not counted)"


def _busiest(sent: list[tuple[Area, dt.datetime]]) -> list[int]:
    """Respondents in the area-weeks with most answers first: repeats are counted only in
    the area-weeks whose figures are shown, and the demo should show some."""
    sizes = Counter((area.pk, period_of(at)) for area, at in sent)
    return sorted(range(len(sent)), key=lambda n: (-sizes[sent[n][0].pk, period_of(sent[n][1])], n))


def seed_feedback_demo(*, programme: Programme, user: User) -> list[str]:
    """The staff survey of the programme's first (live) wave."""
    live = GoLive.objects.filter(programme=programme).order_by("user_go_live_date").first()
    return [] if live is None else [_seed_survey(live, user)]
