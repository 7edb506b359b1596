"""Training trajectory maths, with no Django: where the programme planned to be, where the
current weekly rate leads by go-live (with a prediction interval), when the target is reached
at that rate, and the weekly completions needed to hit it.

The model: the number of people newly trained in each of the last ``window`` whole weeks is
a sample of the programme's weekly rate. The forecast carries on from today's actual number
at the mean of that sample. For ``h`` weeks ahead the total still to come is the sum of ``h``
new weeks, so its variance is ``h * s**2`` plus ``h**2 * s**2 / n`` for not knowing the mean
exactly; the band is that total +/- a Student-t quantile with ``n - 1`` degrees of freedom.
It is kept between today's number (nobody is un-trained) and the whole population.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

WEEK = dt.timedelta(days=7)


@dataclass(frozen=True)
class ForecastPoint:
    on: dt.date
    expected: float
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Forecast:
    as_of: dt.date
    go_live_on: dt.date
    population: int
    target: float  # a number of people
    current: int
    weekly_rate: float | None  # None: no completions yet to measure a rate from
    weeks_measured: int
    projected: float
    projected_low: float | None
    projected_high: float | None
    target_reached_on: dt.date | None  # None: never at the current rate
    weekly_needed: float | None  # None: go-live has passed and the target was missed
    points: list[ForecastPoint]

    @property
    def target_met(self) -> bool:
        return self.current >= self.target

    def percent(self, count: float | None) -> float | None:
        if count is None or not self.population:
            return None
        return round(100 * count / self.population, 1)

    @property
    def projected_percent(self) -> float | None:
        return self.percent(self.projected)

    @property
    def misses_target(self) -> bool:
        return self.projected < self.target


def cumulative_on(trained_on: Sequence[tuple[dt.date, int]], day: dt.date) -> int:
    """How many were trained by the end of ``day``, from (date, newly trained) pairs."""
    return sum(count for on, count in trained_on if on <= day)


def weekly_increments(
    trained_on: Sequence[tuple[dt.date, int]], *, as_of: dt.date, window: int
) -> list[int]:
    """Newly trained in each of the last ``window`` whole weeks ending on ``as_of``, oldest
    first; weeks before the first completion are left out (no rate measured there yet)."""
    if not trained_on:
        return []
    first = min(on for on, _ in trained_on)
    weeks = []
    for back in range(window, 0, -1):
        end = as_of - (back - 1) * WEEK
        start = end - WEEK
        if end < first:
            continue
        weeks.append(cumulative_on(trained_on, end) - cumulative_on(trained_on, start))
    return weeks


def prediction_band(
    increments: Sequence[int], horizon_weeks: float, *, confidence: float = 0.8
) -> tuple[float, float | None]:
    """(expected further, half-width of the band) for ``horizon_weeks`` ahead; the half-width
    is None with fewer than two weeks measured."""
    n = len(increments)
    if n == 0:
        return 0.0, None
    mean = sum(increments) / n
    expected = mean * horizon_weeks
    if n < 2:
        return expected, None
    variance = sum((x - mean) ** 2 for x in increments) / (n - 1)
    t = float(stats.t.ppf(0.5 + confidence / 2, n - 1))
    half = t * math.sqrt(variance * (horizon_weeks + horizon_weeks**2 / n))
    return expected, half


def forecast(
    trained_on: Sequence[tuple[dt.date, int]],
    *,
    population: int,
    target_percent: float,
    as_of: dt.date,
    go_live_on: dt.date,
    window: int = 6,
    confidence: float = 0.8,
) -> Forecast:
    """The trajectory forecast from (date, newly trained that day) pairs."""
    target = population * target_percent / 100
    current = cumulative_on(trained_on, as_of)
    increments = weekly_increments(trained_on, as_of=as_of, window=window)
    rate = sum(increments) / len(increments) if increments else None
    points = [ForecastPoint(as_of, float(current), float(current), float(current))]
    day = as_of + WEEK
    while day < go_live_on + WEEK:
        on = min(day, go_live_on)
        points.append(
            _point(
                increments,
                current,
                population=population,
                as_of=as_of,
                on=on,
                confidence=confidence,
            )
        )
        day += WEEK
    last = points[-1] if go_live_on > as_of else points[0]
    return Forecast(
        as_of=as_of,
        go_live_on=go_live_on,
        population=population,
        target=target,
        current=current,
        weekly_rate=rate,
        weeks_measured=len(increments),
        projected=last.expected,
        projected_low=last.low,
        projected_high=last.high,
        target_reached_on=_target_reached_on(trained_on, target, current, rate, as_of),
        weekly_needed=_weekly_needed(target, current, as_of, go_live_on),
        points=points,
    )


def _point(
    increments: Sequence[int],
    current: int,
    *,
    population: int,
    as_of: dt.date,
    on: dt.date,
    confidence: float,
) -> ForecastPoint:
    horizon = (on - as_of).days / 7
    further, half = prediction_band(increments, horizon, confidence=confidence)
    expected = min(current + further, population)
    if half is None:
        return ForecastPoint(on, expected, None, None)
    low = min(max(current + further - half, current), population)
    high = min(max(current + further + half, current), population)
    return ForecastPoint(on, expected, low, high)


def _target_reached_on(
    trained_on: Sequence[tuple[dt.date, int]],
    target: float,
    current: int,
    rate: float | None,
    as_of: dt.date,
) -> dt.date | None:
    if current >= target:
        # Already met: the first day the cumulative number reached it.
        for on in sorted({on for on, _ in trained_on}):
            if cumulative_on(trained_on, on) >= target:
                return on
        return as_of
    if not rate or rate <= 0:
        return None
    days = math.ceil((target - current) / rate * 7)
    return as_of + dt.timedelta(days=days)


def _weekly_needed(
    target: float, current: int, as_of: dt.date, go_live_on: dt.date
) -> float | None:
    if current >= target:
        return 0.0
    weeks_left = (go_live_on - as_of).days / 7
    if weeks_left <= 0:
        return None
    return (target - current) / weeks_left


def planned_on(points: Sequence[tuple[dt.date, float]], day: dt.date) -> float | None:
    """The planned value on ``day``, read off the plan by straight lines between its points;
    zero before the first point is not assumed (None), the last value holds after it."""
    ordered = sorted(points)
    if not ordered or day < ordered[0][0]:
        return None
    for (left_day, left), (right_day, right) in itertools.pairwise(ordered):
        if left_day <= day <= right_day:
            span = (right_day - left_day).days
            return left + (right - left) * (day - left_day).days / span
    return ordered[-1][1]
