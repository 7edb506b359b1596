"""A chart's daily figures as weekly means, for printed tables: a board reads a year as 53
rows rather than 365."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from golive.charts import Chart


@dataclass(frozen=True)
class Week:
    start: dt.date  # the Monday, or the first day of the range
    end: dt.date  # the Sunday, or the last day of the range
    mean: float | None  # over the days with a figure; None when none has one
    days: int  # days with a figure


def weekly_means(days: Sequence[dt.date], values: Sequence[float | None]) -> list[Week]:
    """Monday-to-Sunday weeks over consecutive ``days`` (the first and last may be part
    weeks), each with the mean of the days that have a figure."""
    weeks: list[Week] = []
    bucket: list[tuple[dt.date, float | None]] = []
    for day, value in zip(days, values, strict=True):
        if bucket and day.weekday() == 0:
            weeks.append(_week(bucket))
            bucket = []
        bucket.append((day, value))
    if bucket:
        weeks.append(_week(bucket))
    return weeks


def _week(bucket: list[tuple[dt.date, float | None]]) -> Week:
    known = [value for _, value in bucket if value is not None]
    return Week(
        start=bucket[0][0],
        end=bucket[-1][0],
        mean=sum(known) / len(known) if known else None,
        days=len(known),
    )


def chart_weeks(chart: Chart) -> list[Week]:
    """Weekly means of a daily chart's first series (labels are ISO dates)."""
    if not chart.series:
        return []
    days = [dt.date.fromisoformat(label) for label in chart.labels]
    return weekly_means(days, chart.series[0].values)
