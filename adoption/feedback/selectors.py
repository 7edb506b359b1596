"""Read side of staff feedback: responses scoped to the areas a user may see, their net
experience score per area and week under the small-number rule (``golive.small_numbers``),
the comments that rule lets through, and the repeats left out."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from adoption.feedback.score import net_experience_score
from adoption.models import Survey, SurveyResponse
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


# A group not shown, whether for its own few responses or to protect another group's: the
# two look alike, so that the mark itself gives nothing away.
HIDDEN = Figure(responses=None, score=None, suppressed=True)


@dataclass(frozen=True)
class ScoreRow:
    area: Area
    total: Figure
    by_week: dict[dt.date, Figure]


@dataclass(frozen=True)
class Comments:
    shown: list[SurveyResponse]  # from area-weeks whose figures are shown
    withheld: int  # the others: counted, not shown


@dataclass(frozen=True)
class SurveyCount:
    survey: Survey
    counted: int  # counted responses in the area-weeks shown
    repeats: int  # repeat responses in the area-weeks shown


def _figure(sheets: list[list[int]]) -> Figure:
    if not sheets:
        return Figure(responses=0, score=None, suppressed=False)
    if not small_numbers.is_shown(len(sheets)):
        return HIDDEN
    answers = [answer for sheet in sheets for answer in sheet]
    return Figure(responses=len(sheets), score=net_experience_score(answers), suppressed=False)


def _week_figures(
    weeks: list[dt.date], sheets: dict[dt.date, list[list[int]]], total: Figure
) -> dict[dt.date, Figure]:
    """An area's weekly figures. Under a shown total, the weeks hidden by the small-number
    rule must not add up to 1-4 responses, or the total minus the weeks shown gives them
    back (a total of 7 beside one week of 5 is a hidden week of 2, its score recoverable
    too). Then the smallest shown weeks are hidden as well. That costs one week's figure
    (one hidden week of 5 or more always lifts the hidden sum to 5), where hiding the
    area's total instead would cost the one figure people compare areas by, and would
    only move the problem to any sum over areas."""
    by_week = {week: _figure(sheets.get(week, [])) for week in weeks}
    if total.suppressed or total.responses is None:
        return by_week
    shown = {
        week: figure.responses
        for week, figure in by_week.items()
        if figure.responses and not figure.suppressed
    }
    hidden = total.responses - sum(shown.values())
    for week in small_numbers.complementary(shown, hidden):
        by_week[week] = HIDDEN
    return by_week


def scores_by_area(responses: QuerySet[SurveyResponse]) -> tuple[list[ScoreRow], list[dt.date]]:
    """Net experience score per area, overall and per week (a response's week is its period:
    weeks start on Monday), each group suppressed below the small-number rule, and further
    weeks hidden where the area's total would give a hidden week back. The one source of
    these figures for the page, the export and the API."""
    sheets: dict[int, dict[dt.date, list[list[int]]]] = defaultdict(lambda: defaultdict(list))
    areas: dict[int, Area] = {}
    for response in responses:
        areas[response.area_id] = response.area
        sheets[response.area_id][response.period].append(response.answers())
    weeks = sorted({week for per_area in sheets.values() for week in per_area})
    rows = []
    for pk, area in sorted(areas.items(), key=lambda item: item[1].name):
        total = _figure([sheet for week in sheets[pk].values() for sheet in week])
        rows.append(
            ScoreRow(area=area, total=total, by_week=_week_figures(weeks, sheets[pk], total))
        )
    return rows, weeks


def shown_cells(rows: list[ScoreRow]) -> set[tuple[int, dt.date]]:
    """(area id, week) of every area-week whose figures are shown: the only responses that
    counts and comments may speak of."""
    return {
        (row.area.pk, week)
        for row in rows
        for week, figure in row.by_week.items()
        if figure.responses and not figure.suppressed
    }


def _in_cells(cells: set[tuple[int, dt.date]]) -> Q:
    weeks_by_area: dict[int, list[dt.date]] = defaultdict(list)
    for area_id, week in cells:
        weeks_by_area[area_id].append(week)
    condition = Q(pk__in=[])  # nothing, when no cell is shown
    for area_id, weeks in weeks_by_area.items():
        condition |= Q(area_id=area_id, period__in=weeks)
    return condition


def _scoped(access: Access, go_live: GoLive) -> QuerySet[SurveyResponse]:
    return SurveyResponse.objects.filter(
        survey__go_live=go_live, area__in=access.areas().values("pk")
    )


def visible_responses(access: Access, go_live: GoLive) -> QuerySet[SurveyResponse]:
    """Counted responses (repeats left out) about areas the user may see, for the go-live's
    surveys."""
    return _scoped(access, go_live).filter(is_repeat=False).select_related("area", "theme")


def repeats_excluded(access: Access, go_live: GoLive, rows: list[ScoreRow]) -> int:
    """Repeat responses (one respondent, one survey, one week, after the first) in the
    area-weeks shown: stored, and left out of every figure. Counted only where the figures
    are shown, because a user who sees one area would otherwise learn of answers from a
    week that is hidden."""
    return _scoped(access, go_live).filter(_in_cells(shown_cells(rows)), is_repeat=True).count()


def survey_counts(access: Access, go_live: GoLive, rows: list[ScoreRow]) -> list[SurveyCount]:
    """Each survey of the go-live with its counted and repeat responses in the area-weeks
    shown. A count over the whole go-live would, less the area totals shown, give back a
    hidden area's count (243 - 240 = 3)."""
    tallies = (
        _scoped(access, go_live)
        .filter(_in_cells(shown_cells(rows)))
        .order_by()
        .values("survey")
        .annotate(
            counted=Count("pk", filter=Q(is_repeat=False)),
            repeats=Count("pk", filter=Q(is_repeat=True)),
        )
    )
    by_survey = {tally["survey"]: tally for tally in tallies}
    none = {"counted": 0, "repeats": 0}
    return [
        SurveyCount(
            survey,
            by_survey.get(survey.pk, none)["counted"],
            by_survey.get(survey.pk, none)["repeats"],
        )
        for survey in Survey.objects.filter(go_live=go_live)
    ]


def comments(responses: QuerySet[SurveyResponse], rows: list[ScoreRow]) -> Comments:
    """Comments from the area-weeks whose figures are shown, newest first; the rest are
    counted, not shown. A comment from a hidden week is as traceable as its figures (a
    ward's week where two people answered), whether or not the week is printed beside it.
    Everyone reads them by this rule, the programme manager tagging themes included: the
    survey promises anonymity. A withheld comment appears once its week is shown."""
    with_text = responses.exclude(comment="")
    in_shown = _in_cells(shown_cells(rows))
    shown = list(with_text.filter(in_shown).order_by("-submitted_at", "-pk")[:COMMENTS_SHOWN])
    return Comments(shown=shown, withheld=with_text.exclude(in_shown).count())


def can_manage_feedback(access: Access, go_live: GoLive) -> bool:
    return access.has(Capability.MANAGE_ADOPTION, programme=go_live.programme)
