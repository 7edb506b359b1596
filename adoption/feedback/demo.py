"""Demo staff feedback for ``seed_demo``: a survey of the live wave with answers over its
first weeks. Idempotent: fixed seeds and submission ids."""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.utils import timezone

from adoption.feedback import services
from adoption.models import Survey, SurveyResponse
from golive.models import GoLive, Programme, User

SURVEY_TITLE = "How is the new EPR working for you?"
SURVEY_RESPONSES = 240
DEMO_COMMENTS = [
    "Logging in takes too long at the start of a shift.",
    "Ordering bloods is much quicker with the new order sets.",
    "The training did not cover drug charts on nights.",
    "Handover is easier now that notes are in one place.",
    "",
    "",
]


def _seed_survey(live: GoLive, user: User) -> str:
    """A survey of the live wave with answers spread over its first weeks, improving as
    staff settle in; submission ids are fixed, so re-seeding adds nothing."""
    survey, _ = Survey.objects.get_or_create(
        go_live=live, title=SURVEY_TITLE, defaults={"created_by": user}
    )
    areas = list(live.areas.order_by("pk"))
    rng = random.Random(31)  # noqa: S311 - demo data, not security
    made = 0
    for n in range(SURVEY_RESPONSES):
        week = n * 8 // SURVEY_RESPONSES  # weeks 0 to 7 after go-live
        mood = min(5, max(1, round(rng.gauss(2.6 + 0.25 * week, 1.0))))
        answers = {
            name: min(5, max(1, mood + rng.choice((-1, 0, 0, 1)))) for name in SurveyResponse.ITEMS
        }
        response, created = services.record_response(
            survey=survey,
            submission=uuid.uuid5(uuid.NAMESPACE_URL, f"golive-demo-survey-{n}"),
            area=areas[n % len(areas)],
            role_group=rng.choice(["nursing", "medical", "ahp", ""]),
            answers=answers,
            comment=rng.choice(DEMO_COMMENTS),
        )
        if created:
            moment = timezone.now().replace(
                year=live.user_go_live_date.year,
                month=live.user_go_live_date.month,
                day=live.user_go_live_date.day,
            ) + dt.timedelta(days=7 * week + rng.randint(0, 6))
            SurveyResponse.objects.filter(pk=response.pk).update(submitted_at=moment)
            made += 1
    return f"Staff survey: {made} new responses"


def seed_feedback_demo(*, programme: Programme, user: User) -> list[str]:
    """The staff survey of the programme's first (live) wave."""
    live = GoLive.objects.filter(programme=programme).order_by("user_go_live_date").first()
    return [] if live is None else [_seed_survey(live, user)]
