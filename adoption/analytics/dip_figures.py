"""Dip and recovery per area and per wave, read from the rollups, and as export columns.

The dip is measured on EPR events per day (failed log-ins aside: people still log in but
do less) from the 28 days before go-live to 180 days after, whatever dates the page
shows, so the figures do not change with the date filter. Each read is one query for the
events of every area involved plus the (cached) covered days, and is cached until the
rollups change (``analytics_cache``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum

from adoption.analytics import cache as analytics_cache
from adoption.analytics import dip, metrics
from adoption.analytics.dip import Dip
from adoption.definitions import DIP_KEYS
from adoption.models import DailyRollup, EventType
from golive import definitions
from golive.access import Access
from golive.models import GoLive

EventsByArea = dict[int, dict[dt.date, int]]
NOT_LIVE_YET = "Not live yet"


def window(go_live_date: dt.date) -> tuple[dt.date, dt.date]:
    """The days a dip is measured over: the baseline before go-live and the days after."""
    return (
        go_live_date - dt.timedelta(days=dip.BASELINE_DAYS),
        go_live_date + dt.timedelta(days=dip.FOLLOW_DAYS - 1),
    )


def _events(
    area_ids: tuple[int, ...], start: dt.date, end: dt.date, role_group: str
) -> EventsByArea:
    """Events recorded (failed log-ins aside) per area and day: one query."""
    rows = DailyRollup.objects.filter(area_id__in=area_ids, local_date__range=(start, end)).exclude(
        event_type=EventType.LOGIN_FAILED
    )
    if role_group:
        rows = rows.filter(role_group=role_group)
    counts: EventsByArea = defaultdict(dict)
    grouped = rows.values("area_id", "local_date").annotate(n=Sum("events"))
    for area_id, day, n in grouped.values_list("area_id", "local_date", "n"):
        counts[area_id][day] = n
    return counts


def _series(
    events: EventsByArea, area_ids: tuple[int, ...], days: list[dt.date], covered: set[dt.date]
) -> dip.DailySeries:
    """The areas' events summed per day; ``None`` on days no extract covered."""
    return [
        (
            day,
            float(sum(events.get(a, {}).get(day, 0) for a in area_ids)) if day in covered else None,
        )
        for day in days
    ]


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def area_dips(
    go_live_date: dt.date, area_ids: tuple[int, ...], role_group: str = ""
) -> dict[int, Dip]:
    """Each area's dip and recovery around ``go_live_date``."""
    ids = tuple(sorted(area_ids))
    if not ids:
        return {}

    def compute() -> dict[int, Dip]:
        start, end = window(go_live_date)
        events = _events(ids, start, end, role_group)
        covered = metrics.covered_days(start, end)
        days = _days(start, end)
        return {
            area_id: dip.dip_and_recovery(_series(events, (area_id,), days, covered), go_live_date)
            for area_id in ids
        }

    return analytics_cache.remember("area_dips", (ids, go_live_date, role_group), compute)


# Waves: dip and recovery of each go-live, side by side.


@dataclass(frozen=True)
class WaveRow:
    go_live: GoLive
    areas: int
    dip: Dip


def wave_rows(
    access: Access, go_live: GoLive, *, today: dt.date, role_group: str = ""
) -> list[WaveRow]:
    """EPR events per day around each live wave of ``go_live``'s programme, over the areas
    of each wave the user sees. Three queries (waves, their areas, events) whatever the
    number of waves, besides the cached covered days."""
    waves = list(
        access.go_lives()
        .filter(programme=go_live.programme, user_go_live_date__lte=today)
        .order_by("user_go_live_date")
    )
    through = GoLive.areas.through.objects.filter(
        golive_id__in=[w.pk for w in waves], area_id__in=access.areas().values("pk")
    )
    scopes: dict[int, list[int]] = defaultdict(list)
    for wave_id, area_id in through.values_list("golive_id", "area_id"):
        scopes[wave_id].append(area_id)
    shown = [(w, tuple(sorted(scopes[w.pk]))) for w in waves if scopes.get(w.pk)]
    if not shown:
        return []
    parts = tuple((w.pk, w.user_go_live_date, ids) for w, ids in shown)
    dips = analytics_cache.remember(
        "wave_dips", (parts, role_group), lambda: _wave_dips(parts, role_group)
    )
    return [WaveRow(w, len(ids), dips[w.pk]) for w, ids in shown]


def _wave_dips(
    parts: tuple[tuple[int, dt.date, tuple[int, ...]], ...], role_group: str
) -> dict[int, Dip]:
    start = min(window(day0)[0] for _, day0, _ in parts)
    end = max(window(day0)[1] for _, day0, _ in parts)
    every = tuple(sorted({a for _, _, ids in parts for a in ids}))
    events = _events(every, start, end, role_group)
    covered = metrics.covered_days(start, end)
    return {
        wave_id: dip.dip_and_recovery(_series(events, ids, _days(*window(day0)), covered), day0)
        for wave_id, day0, ids in parts
    }


# Export columns: the names come from the registry when the export is made.


def header() -> list[str]:
    """The dip and recovery columns of an export."""
    baseline, go_live_day, deepest_day, deepest_week, daily, smoothed = (
        definitions.label(key) for key in DIP_KEYS
    )
    return [
        baseline,
        f"{baseline}: from",
        f"{go_live_day} (%)",
        f"{deepest_day} (%)",
        f"{deepest_day}: day after go-live",
        f"{deepest_week} (%)",
        f"{deepest_week}: last day after go-live",
        daily,
        smoothed,
    ]


def cells(figures: Dip | None) -> list[object]:
    """The dip and recovery columns of one export row."""
    if figures is None:  # a go-live still to come
        return [None] * (len(header()) - 2) + [NOT_LIVE_YET, NOT_LIVE_YET]
    return [
        _round(figures.baseline),
        figures.baseline_source,
        _round(figures.go_live_day.change if figures.go_live_day else None),
        _round(figures.deepest_day.change if figures.deepest_day else None),
        figures.deepest_day.day if figures.deepest_day else None,
        _round(figures.deepest_week.change if figures.deepest_week else None),
        figures.deepest_week.day if figures.deepest_week else None,
        figures.recovery_daily_text,
        figures.recovery_smoothed_text,
    ]


def notes() -> list[str]:
    """What each dip and recovery column means, for an export's notes."""
    return definitions.notes(DIP_KEYS)


def _round(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value, places)


def wave_header() -> list[str]:
    return ["go-live", "user go-live date", "areas", *header()]


def wave_table(rows: list[WaveRow]) -> list[list[object]]:
    return [
        [row.go_live.name, row.go_live.user_go_live_date.isoformat(), row.areas, *cells(row.dip)]
        for row in rows
    ]
