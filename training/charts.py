"""The trajectory as a chart: plan, actual, and the forecast with its band, in percent of
the staff who must train, one point a week up to go-live."""

from __future__ import annotations

import datetime as dt

from golive.charts import Chart, Marker, Series
from training.forecast import WEEK, cumulative_on, planned_on
from training.selectors import Compliance, Trajectory

HISTORY_WEEKS = 12


def _weeks(trajectory: Trajectory) -> list[dt.date]:
    result = trajectory.forecast
    starts = [result.as_of - HISTORY_WEEKS * WEEK]
    starts += [day for day, _ in trajectory.planned[:1]] + [day for day, _ in trajectory.actual[:1]]
    start = max(min(starts), result.as_of - 52 * WEEK)
    weeks_back = (result.as_of - start).days // 7
    past = [result.as_of - back * WEEK for back in range(weeks_back, 0, -1)]
    return past + [point.on for point in result.points]


def _percent(count: float | None, population: int) -> float | None:
    if count is None or not population:
        return None
    return round(100 * count / population, 1)


def trajectory_chart(trajectory: Trajectory) -> Chart:
    result = trajectory.forecast
    days = _weeks(trajectory)
    points = {point.on: point for point in result.points}
    n = result.population
    planned = [planned_on(trajectory.planned, day) for day in days]
    actual = [
        _percent(cumulative_on(trajectory.actual, day), n) if day <= result.as_of else None
        for day in days
    ]
    forecast = [_percent(points[d].expected, n) if d in points else None for d in days]
    low = [_percent(points[d].low, n) if d in points else None for d in days]
    high = [_percent(points[d].high, n) if d in points else None for d in days]
    series = [
        Series("Planned %", [round(v, 1) if v is not None else None for v in planned]),
        Series("Actual %", actual),
        Series("Forecast %", forecast, dashed=True),
        Series("Forecast low (80% interval) %", low, dashed=True),
        Series("Forecast high (80% interval) %", high, dashed=True),
    ]
    return Chart(
        dom_id="training-trajectory",
        title="Staff trained: plan, actual and forecast to go-live (% of staff who must train)",
        labels=[day.isoformat() for day in days],
        series=series,
        y_label="% trained",
        markers=[
            Marker(result.as_of.isoformat(), "Today"),
            Marker(result.go_live_on.isoformat(), "Go-live"),
        ],
    )


MAX_AREA_LINES = 6


def compliance_chart(compliance: Compliance) -> Chart:
    """Overall compliance, and a line per area when there are few enough to read."""
    series = [Series("All your areas %", list(compliance.overall))]
    if len(compliance.by_area) <= MAX_AREA_LINES:
        series += [Series(f"{label} %", values) for label, values in compliance.by_area]
    return Chart(
        dom_id="training-compliance",
        title="EPR training compliance since go-live (% of staff who must train)",
        labels=[week.isoformat() for week in compliance.weeks],
        series=series,
        y_label="% trained",
    )
