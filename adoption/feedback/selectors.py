"""Read side of staff feedback: responses scoped to the areas a user may see, their net
experience score per area and week under the small-number rule (``golive.small_numbers``),
the comments that rule lets through, and the repeats left out."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from adoption.feedback.score import net_experience_score
from adoption.models import SurveyResponse
from golive import small_numbers
from golive.access import Access, Capability
from golive.models import Area, GoLive

COMMENTS_SHOWN = 50


@dataclass(frozen=True)
class Figure:
    """Responses and score of one group. Both are None when the group is suppressed (it has
    responses, but fewer than the small-number rule allows); a group with no responses at
    all is not suppressed: it has nothing to hide."""

    responses: int | None
    score: int | None
    suppressed: bool


@dataclass(frozen=True)
class ScoreRow:
    area: Area
    total: Figure
    by_week: dict[dt.date, Figure]


@dataclass(frozen=True)
class Comments:
    shown: list[tuple[SurveyResponse, dt.date | None]]  # the week, when its figures are shown
    withheld: int  # comments from areas with too few responses: counted, not shown


def _figure(sheets: list[list[int]]) -> Figure:
    if not sheets:
        return Figure(responses=0, score=None, suppressed=False)
    if not small_numbers.is_shown(len(sheets)):
        return Figure(responses=None, score=None, suppressed=True)
    answers = [answer for sheet in sheets for answer in sheet]
    return Figure(responses=len(sheets), score=net_experience_score(answers), suppressed=False)


def visible_responses(access: Access, go_live: GoLive) -> QuerySet[SurveyResponse]:
    """Counted responses (repeats left out) about areas the user may see, for the go-live's
    surveys."""
    return SurveyResponse.objects.filter(
        survey__go_live=go_live, area__in=access.areas().values("pk"), is_repeat=False
    ).select_related("area", "theme")


def repeats_excluded(access: Access, go_live: GoLive) -> int:
    """Repeat responses (one respondent, one survey, one week, after the first) about areas
    the user may see: stored, and left out of every figure."""
    return SurveyResponse.objects.filter(
        survey__go_live=go_live, area__in=access.areas().values("pk"), is_repeat=True
    ).count()


def scores_by_area(responses: QuerySet[SurveyResponse]) -> tuple[list[ScoreRow], list[dt.date]]:
    """Net experience score per area, overall and per week (a response's week is its period:
    weeks start on Monday), each group suppressed below the small-number rule."""
    sheets: dict[int, dict[dt.date, list[list[int]]]] = defaultdict(lambda: defaultdict(list))
    areas: dict[int, Area] = {}
    for response in responses:
        areas[response.area_id] = response.area
        sheets[response.area_id][response.period].append(response.answers())
    weeks = sorted({week for per_area in sheets.values() for week in per_area})
    rows = [
        ScoreRow(
            area=area,
            total=_figure([sheet for week in sheets[pk].values() for sheet in week]),
            by_week={week: _figure(sheets[pk].get(week, [])) for week in weeks},
        )
        for pk, area in sorted(areas.items(), key=lambda item: item[1].name)
    ]
    return rows, weeks


def comments(responses: QuerySet[SurveyResponse], rows: list[ScoreRow]) -> Comments:
    """Comments from areas whose figures are shown, newest first, each with its week only
    when that area-week's figures are shown too; the rest are counted, not shown. Everyone
    reads them by this rule, the programme manager tagging themes included: the survey
    promises anonymity, and a comment from a ward where two people answered is as good as
    signed. A withheld comment appears once its area reaches the threshold."""
    shown_areas = [row.area.pk for row in rows if not row.total.suppressed]
    shown_weeks = {
        (row.area.pk, week)
        for row in rows
        for week, figure in row.by_week.items()
        if not figure.suppressed
    }
    with_text = responses.exclude(comment="")
    shown = [
        (response, response.period if (response.area_id, response.period) in shown_weeks else None)
        for response in with_text.filter(area__in=shown_areas)[:COMMENTS_SHOWN]
    ]
    return Comments(shown=shown, withheld=with_text.exclude(area__in=shown_areas).count())


def can_manage_feedback(access: Access, go_live: GoLive) -> bool:
    return access.has(Capability.MANAGE_ADOPTION, programme=go_live.programme)
