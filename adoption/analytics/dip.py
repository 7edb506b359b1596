"""The go-live dip and the recovery from it: pure calculations on a daily series, with no
Django, so they are tested against answers computed independently.

A daily series is a list of ``(date, value)`` pairs with ``None`` for days without data.
Every figure is measured against one fixed baseline, the 28 days before go-live, so it
does not move with the dates a page shows. Each day is compared with the mean of the same
weekday in the baseline (28 days hold 4 of each), so a quiet weekend is not read as a dip;
a 7-day mean covers each weekday once and is compared with the flat mean.

Recovery is measured from the start of the dip, the first day within 28 days of go-live
that falls below 95 % of the baseline (from the go-live day itself when there is none):
daily, the first day from which 3 days running are back at 95 %; smoothed, the first day
the 7-day mean is back at 95 %. The depth of the dip is then looked for only between
go-live and that recovery, so a bank holiday months later is not reported as the go-live
dip, and a dip that starts on the third working day is not missed. A
V-shaped drop is reported three ways because smoothing hides it: the go-live day itself,
the deepest single day, and the deepest 7-day mean (which flattens the bottom and reads
shallower).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

DailySeries = Sequence[tuple[dt.date, float | None]]

BASELINE_DAYS = 28  # the baseline: the mean of the days before go-live (4 of each weekday)
SMOOTHING = 7  # days in a smoothed (trailing) mean
TOLERANCE = 0.95  # recovered: back at 95 % of the baseline
HOLD_DAYS = 3  # daily recovery: days running at or above the tolerance
FOLLOW_DAYS = 180  # how long after go-live the dip is looked for
# The dip must start within this many days of go-live (hypercare): a dip that begins on the
# first working days after a weekend go-live is the go-live's; a quiet day months later
# (a bank holiday) is not.
DIP_START_DAYS = 28
# Use before go-live counts as the baseline only with at least this many days of it ...
MIN_BASELINE_DAYS = 7
# ... and at least this share of the mean use after go-live. A real baseline (an upgrade,
# a later release) runs near the level after go-live: even a go-live that halved use for
# all 180 days stays far above 10 %. Test events after a technical go-live, a pilot user
# or two, run at a few events a day against hundreds: measured against them every later
# day reads "+5000 %" and no dip could show, so the steady state is the honest baseline.
MIN_BASELINE_SHARE = 0.10
WEEKDAYS = 7
MINUS = "\N{MINUS SIGN}"
DASH = "\N{EN DASH}"

BEFORE_GO_LIVE = "before go-live"
STEADY_STATE = "steady state: little or no use before go-live"

NOT_ENOUGH_DATA = "Not enough data"
NOT_YET = "Not yet"
NO_DIP = "No dip"


@dataclass(frozen=True)
class Baseline:
    level: float  # the flat mean per day: the figure shown
    source: str  # BEFORE_GO_LIVE or STEADY_STATE
    by_weekday: tuple[float, ...] | None  # the mean of each weekday (Monday first), if known

    def expected(self, day: dt.date) -> float:
        """What a usual ``day`` holds: its weekday's mean when every weekday is known."""
        return self.by_weekday[day.weekday()] if self.by_weekday else self.level


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
    baseline: float | None  # the flat mean per day
    baseline_source: str  # BEFORE_GO_LIVE, STEADY_STATE, or "" when there is none
    go_live_day: Point | None  # the go-live day itself
    deepest_day: Point | None  # lowest day from go-live to recovery (highest if lower is better)
    deepest_week: Point | None  # lowest 7-day mean up to its recovery, at its window's last day
    recovery_daily: int | None  # first day from go-live of HOLD_DAYS running in tolerance
    recovery_smoothed: int | None  # first day from go-live the 7-day mean is in tolerance
    daily_dipped: bool = False  # the deepest day fell outside the tolerance
    weekly_dipped: bool = False  # the deepest 7-day mean fell outside the tolerance
    by_weekday: bool = False  # days were compared with their weekday's baseline mean

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


def baseline(series: DailySeries, go_live: dt.date) -> Baseline | None:
    """The mean of the ``BASELINE_DAYS`` before go-live, when there was real use then (an
    upgrade or a later release; see ``MIN_BASELINE_SHARE``). For a first go-live there is
    nothing before (or only zeros, or a trickle of test events), so the baseline is the
    steady state: the mean of the last ``BASELINE_DAYS`` days of data, once there are at
    least twice that many after go-live."""
    before = [
        (d, v) for d, v in series if v is not None and -BASELINE_DAYS <= (d - go_live).days < 0
    ]
    if _real_use([v for _, v in before], [v for v in _after(series, go_live) if v is not None]):
        return _baseline_of(before, BEFORE_GO_LIVE)
    after = sorted((d, v) for d, v in series if v is not None and (d - go_live).days >= 0)
    if len(after) >= 2 * BASELINE_DAYS:
        tail = after[-BASELINE_DAYS:]
        if sum(v for _, v in tail) > 0:
            return _baseline_of(tail, STEADY_STATE)
    return None


def _real_use(before: list[float], after: list[float]) -> bool:
    if sum(1 for v in before if v > 0) < MIN_BASELINE_DAYS:
        return False
    level = sum(before) / len(before)
    return not after or level >= MIN_BASELINE_SHARE * sum(after) / len(after)


def _baseline_of(days: list[tuple[dt.date, float]], source: str) -> Baseline:
    """The flat mean of ``days`` and, when every weekday has data among them, each
    weekday's own mean."""
    by_weekday: dict[int, list[float]] = defaultdict(list)
    for day, value in days:
        by_weekday[day.weekday()].append(value)
    means = (
        tuple(sum(by_weekday[w]) / len(by_weekday[w]) for w in range(WEEKDAYS))
        if len(by_weekday) == WEEKDAYS
        else None
    )
    return Baseline(sum(v for _, v in days) / len(days), source, means)


def dip_and_recovery(
    series: DailySeries, go_live: dt.date, *, higher_is_better: bool = True
) -> Dip:
    """The go-live dip and the recovery from it, against the baseline (``baseline``).
    Only the ``FOLLOW_DAYS`` after go-live are searched. When lower is better (waiting
    times, failed log-ins) the "dip" is a peak and recovery is falling back to within
    the tolerance of the baseline."""
    base = baseline(series, go_live)
    if base is None:
        return Dip(None, "", None, None, None, None, None)
    values = _after(series, go_live)
    expected = [base.expected(go_live + dt.timedelta(days=i)) for i in range(len(values))]

    def within(value: float, usual: float) -> bool:
        if higher_is_better:
            return value >= TOLERANCE * usual
        return value <= usual / TOLERANCE

    def point(day: int, value: float, usual: float) -> Point:
        return Point(day, value, 100.0 * (value - usual) / usual)

    pick = min if higher_is_better else max
    # Daily: each day against its weekday. A weekday with no use in the baseline (a
    # clinic shut on Sundays) expects nothing, so it is never the deepest day.
    start = _first_out(
        [(i, v, e) for i, (v, e) in enumerate(zip(values, expected, strict=True))], within
    )
    recovery_daily = _held_from(values, expected, within, start)
    days = [
        point(i, v, e)
        for i, (v, e) in enumerate(zip(values, expected, strict=True))
        if v is not None and e > 0 and (recovery_daily is None or i <= recovery_daily)
    ]
    deepest_day = pick(days, key=lambda p: p.change) if days else None
    # Smoothed: a full week covers each weekday once, so against the flat mean.
    weekly = [(i, m) for i, m in enumerate(rolling_means(values, SMOOTHING)) if m is not None]
    week_start = _first_out([(i, m, base.level) for i, m in weekly], within)
    recovery_smoothed = next(
        (i for i, m in weekly if i >= week_start and within(m, base.level)), None
    )
    weeks = [
        point(i, m, base.level)
        for i, m in weekly
        if recovery_smoothed is None or i <= recovery_smoothed
    ]
    deepest_week = pick(weeks, key=lambda p: p.change) if weeks else None
    first, usual = (values[0], expected[0]) if values else (None, 0.0)
    return Dip(
        baseline=base.level,
        baseline_source=base.source,
        go_live_day=point(0, first, usual) if first is not None and usual > 0 else None,
        deepest_day=deepest_day,
        deepest_week=deepest_week,
        recovery_daily=recovery_daily,
        recovery_smoothed=recovery_smoothed,
        daily_dipped=deepest_day is not None
        and not within(deepest_day.value, expected[deepest_day.day]),
        weekly_dipped=deepest_week is not None and not within(deepest_week.value, base.level),
        by_weekday=base.by_weekday is not None,
    )


def _after(series: DailySeries, go_live: dt.date) -> list[float | None]:
    """Values from the go-live day to the last day with data, one per calendar day
    (``None`` where no data), for at most ``FOLLOW_DAYS`` days."""
    by_day = {(d - go_live).days: v for d, v in series}
    known = [k for k, v in by_day.items() if 0 <= k < FOLLOW_DAYS and v is not None]
    if not known:
        return []
    return [by_day.get(k) for k in range(max(known) + 1)]


def _first_out(
    days: Sequence[tuple[int, float | None, float]], within: Callable[[float, float], bool]
) -> int:
    """Where the dip starts: the first of ``(day, value, usual)`` within ``DIP_START_DAYS``
    of go-live outside the tolerance (a day whose weekday had no use before is never
    out); 0, the go-live day, when none is."""
    return next(
        (
            day
            for day, value, usual in days
            if day < DIP_START_DAYS and value is not None and usual > 0 and not within(value, usual)
        ),
        0,
    )


def _held_from(
    values: Sequence[float | None],
    expected: Sequence[float],
    within: Callable[[float, float], bool],
    first: int = 0,
) -> int | None:
    """The first day from ``first`` (the start of the dip) from which ``HOLD_DAYS`` days
    running (each with data) are back within the tolerance of what a usual such day
    holds."""
    for start in range(first, len(values) - HOLD_DAYS + 1):
        run = range(start, start + HOLD_DAYS)
        if all((v := values[i]) is not None and within(v, expected[i]) for i in run):
            return start
    return None
