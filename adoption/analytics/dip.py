"""The go-live dip and the recovery from it: pure calculations on a daily series, with no
Django, so they are tested against answers computed independently.

A daily series is a list of ``(date, value)`` pairs with ``None`` for days without data.
Every figure is measured against one fixed baseline, the 28 days before go-live, so it
does not move with the dates a page shows. A V-shaped drop is reported three ways because
smoothing hides it: the go-live day itself, the deepest single day, and the deepest 7-day
mean (which flattens the bottom and reads shallower). Recovery is reported daily (3 days
running back at 95 % of the baseline) and smoothed (the 7-day mean back at 95 %), which
lags the daily figure by a few days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

DailySeries = Sequence[tuple[dt.date, float | None]]

BASELINE_DAYS = 28  # the baseline: the mean of the days before go-live
SMOOTHING = 7  # days in a smoothed (trailing) mean
TOLERANCE = 0.95  # recovered: back at 95 % of the baseline
HOLD_DAYS = 3  # daily recovery: days running at or above the tolerance
FOLLOW_DAYS = 180  # how long after go-live the dip is looked for
MINUS = "\N{MINUS SIGN}"
DASH = "\N{EN DASH}"

BEFORE_GO_LIVE = "before go-live"
STEADY_STATE = "steady state: no use before go-live"

NOT_ENOUGH_DATA = "Not enough data"
NOT_YET = "Not yet"
NO_DIP = "No dip"


@dataclass(frozen=True)
class Point:
    """A day (or the last day of a 7-day window) after go-live and its value."""

    day: int  # days after go-live: 0 is the go-live day
    value: float
    change: float  # % change from the baseline (negative: fewer than the baseline)

    @property
    def change_text(self) -> str:
        return percent_text(self.change)


@dataclass(frozen=True)
class Dip:
    baseline: float | None
    baseline_source: str  # BEFORE_GO_LIVE, STEADY_STATE, or "" when there is none
    go_live_day: Point | None  # the go-live day itself
    deepest_day: Point | None  # lowest daily value after go-live (highest if lower is better)
    deepest_week: Point | None  # lowest 7-day mean, at the last day of its window
    recovery_daily: int | None  # first day of HOLD_DAYS running back in tolerance
    recovery_smoothed: int | None  # first day the 7-day mean is back in tolerance
    daily_dipped: bool = False  # the deepest day fell outside the tolerance
    weekly_dipped: bool = False  # the deepest 7-day mean fell outside the tolerance

    @property
    def go_live_day_text(self) -> str:
        return self.go_live_day.change_text if self.go_live_day else DASH

    @property
    def deepest_day_text(self) -> str:
        point = self.deepest_day
        return f"{point.change_text}, day {point.day}" if point else DASH

    @property
    def deepest_week_text(self) -> str:
        point = self.deepest_week
        if point is None:
            return DASH
        return f"{point.change_text}, days {point.day - SMOOTHING + 1}{DASH}{point.day}"

    @property
    def recovery_daily_text(self) -> str:
        return self._recovery_text(self.deepest_day, self.daily_dipped, self.recovery_daily)

    @property
    def recovery_smoothed_text(self) -> str:
        return self._recovery_text(self.deepest_week, self.weekly_dipped, self.recovery_smoothed)

    def _recovery_text(self, deepest: Point | None, dipped: bool, day: int | None) -> str:
        if self.baseline is None or deepest is None:
            return NOT_ENOUGH_DATA
        if not dipped:
            return NO_DIP
        return NOT_YET if day is None else f"Day {day}"


def percent_text(value: float | None) -> str:
    """A signed whole percentage with a true minus sign: "−28%", "+4%", "0%"."""
    if value is None:
        return DASH
    rounded = round(value)
    if rounded < 0:
        return f"{MINUS}{-rounded}%"
    return f"+{rounded}%" if rounded > 0 else "0%"


def rolling_means(values: Sequence[float | None], window: int) -> list[float | None]:
    """Trailing means over ``window`` days; None until a full window of data exists."""
    means: list[float | None] = []
    for end in range(len(values)):
        chunk = values[max(0, end - window + 1) : end + 1]
        known = [v for v in chunk if v is not None]
        means.append(sum(known) / len(known) if len(chunk) == window and known else None)
    return means


def baseline(series: DailySeries, go_live: dt.date) -> tuple[float | None, str]:
    """The mean of the ``BASELINE_DAYS`` before go-live, when a week of them has data and
    there was some use (an upgrade or a later release). For a first go-live there is
    nothing before (or only zeros: the area did not use the EPR yet), so the baseline is
    the steady state: the mean of the last ``BASELINE_DAYS`` days of data, once there are
    at least twice that many after go-live."""
    before = [v for d, v in series if v is not None and -BASELINE_DAYS <= (d - go_live).days < 0]
    if len(before) >= SMOOTHING and sum(before) > 0:
        return sum(before) / len(before), BEFORE_GO_LIVE
    after = [v for d, v in sorted(series) if v is not None and (d - go_live).days >= 0]
    if len(after) >= 2 * BASELINE_DAYS:
        tail = after[-BASELINE_DAYS:]
        if sum(tail) > 0:
            return sum(tail) / len(tail), STEADY_STATE
    return None, ""


def dip_and_recovery(
    series: DailySeries, go_live: dt.date, *, higher_is_better: bool = True
) -> Dip:
    """The go-live dip and the recovery from it, against the baseline (``baseline``).
    Only the ``FOLLOW_DAYS`` after go-live are searched. When lower is better (waiting
    times, failed log-ins) the "dip" is a peak and recovery is falling back to within
    the tolerance of the baseline."""
    level, source = baseline(series, go_live)
    values = _after(series, go_live)
    if level is None:
        return Dip(None, "", None, None, None, None, None)

    def point(day: int, value: float) -> Point:
        return Point(day, value, 100.0 * (value - level) / level)

    def recovered(value: float) -> bool:
        if higher_is_better:
            return value >= TOLERANCE * level
        return value <= level / TOLERANCE

    pick = min if higher_is_better else max
    daily = [(i, v) for i, v in enumerate(values) if v is not None]
    weekly = [(i, m) for i, m in enumerate(rolling_means(values, SMOOTHING)) if m is not None]
    deepest_day = point(*pick(daily, key=lambda p: p[1])) if daily else None
    deepest_week = point(*pick(weekly, key=lambda p: p[1])) if weekly else None
    daily_dipped = deepest_day is not None and not recovered(deepest_day.value)
    weekly_dipped = deepest_week is not None and not recovered(deepest_week.value)
    first = values[0] if values else None
    return Dip(
        baseline=level,
        baseline_source=source,
        go_live_day=point(0, first) if first is not None else None,
        deepest_day=deepest_day,
        deepest_week=deepest_week,
        recovery_daily=_held_from(values, deepest_day, recovered) if daily_dipped else None,
        recovery_smoothed=next(
            (i for i, m in weekly if deepest_week and i > deepest_week.day and recovered(m)),
            None,
        )
        if weekly_dipped
        else None,
        daily_dipped=daily_dipped,
        weekly_dipped=weekly_dipped,
    )


def _after(series: DailySeries, go_live: dt.date) -> list[float | None]:
    """Values from the go-live day to the last day with data, one per calendar day
    (``None`` where no data), for at most ``FOLLOW_DAYS`` days."""
    by_day = {(d - go_live).days: v for d, v in series}
    known = [k for k, v in by_day.items() if 0 <= k < FOLLOW_DAYS and v is not None]
    if not known:
        return []
    return [by_day.get(k) for k in range(max(known) + 1)]


def _held_from(
    values: Sequence[float | None], deepest: Point | None, recovered: Callable[[float], bool]
) -> int | None:
    """The first day after the deepest day from which ``HOLD_DAYS`` days running (each
    with data) are back within the tolerance."""
    if deepest is None:
        return None
    for start in range(deepest.day + 1, len(values) - HOLD_DAYS + 1):
        run = values[start : start + HOLD_DAYS]
        if all(v is not None and recovered(v) for v in run):
            return start
    return None
