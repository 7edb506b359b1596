"""Read side of staff feedback: responses scoped to the areas a user may see, and their net
experience score per area and week."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from adoption.feedback.score import net_experience_score, week_of
from adoption.models import SurveyResponse
from golive.access import Access, Capability
from golive.models import Area, GoLive


@dataclass(frozen=True)
class ScoreRow:
    area: Area
    responses: int
    score: int | None
    by_week: dict[dt.date, int | None]


def visible_responses(access: Access, go_live: GoLive) -> QuerySet[SurveyResponse]:
    """Responses about areas the user may see, for the go-live's surveys."""
    return SurveyResponse.objects.filter(
        survey__go_live=go_live, area__in=access.areas().values("pk")
    ).select_related("area", "theme")


def scores_by_area(responses: QuerySet[SurveyResponse]) -> tuple[list[ScoreRow], list[dt.date]]:
    """Net experience score per area, overall and per week (weeks start on Monday)."""
    answers: dict[int, list[int]] = defaultdict(list)
    weekly: dict[int, dict[dt.date, list[int]]] = defaultdict(lambda: defaultdict(list))
    counts: dict[int, int] = defaultdict(int)
    areas: dict[int, Area] = {}
    for response in responses:
        week = week_of(response.submitted_at.date())
        areas[response.area_id] = response.area
        counts[response.area_id] += 1
        answers[response.area_id].extend(response.answers())
        weekly[response.area_id][week].extend(response.answers())
    weeks = sorted({week for per_area in weekly.values() for week in per_area})
    rows = [
        ScoreRow(
            area=area,
            responses=counts[pk],
            score=net_experience_score(answers[pk]),
            by_week={w: net_experience_score(weekly[pk].get(w, [])) for w in weeks},
        )
        for pk, area in sorted(areas.items(), key=lambda item: item[1].name)
    ]
    return rows, weeks


def can_manage_feedback(access: Access, go_live: GoLive) -> bool:
    return access.has(Capability.MANAGE_ADOPTION, programme=go_live.programme)
