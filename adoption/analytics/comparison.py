"""Before/after comparisons: pure statistics on daily series, with no Django, so they are
tested against independently computed answers.

A daily series is a list of ``(date, value)`` pairs with ``None`` for days without data.

Daily use is autocorrelated (a busy day is followed by busy days, and weekdays differ from
weekends), so the segmented regression and the difference-in-differences use Newey–West
(HAC) standard errors from statsmodels. The plain before/after interval (Welch) and the
permutation test still treat days as independent, and percentage intervals treat the
"before" mean as fixed: the pages say so.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm
from scipy import stats

DailySeries = Sequence[tuple[dt.date, float | None]]
CONFIDENCE = 0.95
SIGNIFICANCE = 0.05
# Random relabellings for the permutation test when there are more ways to split the days
# than this (then the p-value is estimated; with fewer, every split is tried: exact).
PERMUTATIONS = 9999
PERMUTATION_SEED = 20260301  # fixed: the same data always gives the same p-value
PERMUTATION_CHUNK = 1000  # relabellings per numpy block (bounds memory at long windows)
WEEK = 7


@dataclass(frozen=True)
class Mean:
    value: float
    low: float | None  # None with fewer than two days
    high: float | None
    n: int


@dataclass(frozen=True)
class Change:
    before: Mean
    after: Mean
    absolute: float
    low: float | None
    high: float | None
    p_value: float | None

    @property
    def percent(self) -> float | None:
        return _percent(self.absolute, self.before.value)

    @property
    def percent_low(self) -> float | None:
        return None if self.low is None else _percent(self.low, self.before.value)

    @property
    def percent_high(self) -> float | None:
        return None if self.high is None else _percent(self.high, self.before.value)


@dataclass(frozen=True)
class Estimate:
    """A coefficient with its Newey–West (HAC) standard error, 95% interval and two-sided
    p-value (t distribution on the residual degrees of freedom). The error, interval and
    p-value are None when the error cannot be estimated (it came out infinite or undefined,
    e.g. from values too large to square): the estimate stands, its uncertainty is unknown."""

    value: float
    se: float | None
    low: float | None
    high: float | None
    p_value: float | None


@dataclass(frozen=True)
class SegmentedRegression:
    """Interrupted time series: y = b0 + b1·t + b2·after + b3·after·(t − t_after), fitted by
    least squares with Newey–West errors using ``maxlags`` days of autocorrelation."""

    level: Estimate  # b2: the step at the end of the settling period
    slope: Estimate  # b3: the change in the daily trend
    n: int
    maxlags: int

    @property
    def level_change(self) -> float:
        return self.level.value

    @property
    def slope_change(self) -> float:
        return self.slope.value

    @property
    def p_value(self) -> float | None:
        return self.level.p_value


@dataclass(frozen=True)
class PermutationTest:
    """Is the difference in means (after − before) bigger than relabelling the days at
    random gives? Two-sided, as scipy.stats.permutation_test reports it."""

    difference: float
    p_value: float
    permutations: int  # splits tried (all of them when ``exact``)
    exact: bool


@dataclass(frozen=True)
class Comparison:
    marker: dt.date
    days_before: int
    days_after: int
    settling_days: int
    change: Change
    regression: SegmentedRegression | None
    permutation: PermutationTest | None = None


@dataclass(frozen=True)
class AreaChange:
    """One area's (or the average area's) daily mean before and after."""

    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before

    @property
    def percent(self) -> float | None:
        return _percent(self.change, self.before)


@dataclass(frozen=True)
class DifferenceInDifferences:
    """The treated areas' change against the average control area's, on the days every
    area compared has data. ``absolute`` is in the metric's unit (the average treated area's
    change minus the average control area's): a mean of levels, so a big area moves it more
    than a small one. ``relative`` is in percentage points (the mean of the treated areas' %
    changes minus the mean of the control areas' % changes), so a big control area counts
    as much as a small one; ``treated_percent − control_percent == relative.value``. Both
    intervals are Newey–West; the relative one treats each area's "before" mean as fixed."""

    treated: AreaChange  # the average treated area
    control: AreaChange  # the average control area
    # Each control area, in the order given, on the days compared, so they average to
    # ``control`` (None: no data in a window, or none on the days compared).
    controls: list[AreaChange | None]
    absolute: Estimate
    treated_percent: float | None
    control_percent: float | None
    relative: Estimate | None  # None when no area had anything before
    days: int
    maxlags: int

    @property
    def control_count(self) -> int:
        return sum(1 for row in self.controls if row is not None)


def _percent(value: float, base: float) -> float | None:
    return None if base == 0 else 100.0 * value / base


def mean_ci(values: Sequence[float], confidence: float = CONFIDENCE) -> Mean:
    """Mean with a t-distribution confidence interval."""
    data = np.asarray(values, dtype=float)
    n = len(data)
    if n == 0:
        raise ValueError("no values")
    mean = float(data.mean())
    if n < 2:
        return Mean(mean, None, None, n)
    with np.errstate(all="ignore"):  # an infinite spread is reported as no interval
        half = _t(confidence, n - 1) * float(data.std(ddof=1)) / math.sqrt(n)
    if not math.isfinite(half):
        return Mean(mean, None, None, n)
    return Mean(mean, mean - half, mean + half, n)


def _t(confidence: float, df: float) -> float:
    return float(stats.t.ppf(0.5 + confidence / 2, df))


def _welch(parts: Sequence[tuple[Sequence[float], float]]) -> tuple[float, float] | None:
    """Standard error and Welch–Satterthwaite degrees of freedom of a signed sum of means
    (``(values, sign)`` pairs). None when a group has fewer than two values, or when the
    spread cannot be estimated (values too large to square): no interval, rather than an
    infinite one."""
    terms = []
    for values, _sign in parts:
        if len(values) < 2:
            return None
        with np.errstate(all="ignore"):
            terms.append((float(np.var(values, ddof=1)) / len(values), len(values) - 1))
    variance = sum(v for v, _ in terms)
    if not math.isfinite(variance):
        return None
    if variance == 0:
        return 0.0, float(sum(df for _, df in terms))
    df = variance**2 / sum(v**2 / df for v, df in terms)
    return math.sqrt(variance), df


def _change(
    before: Sequence[float], after: Sequence[float], confidence: float = CONFIDENCE
) -> Change:
    absolute = float(np.mean(after) - np.mean(before))
    low = high = p_value = None
    spread = _welch([(after, 1), (before, -1)])
    if spread is not None:
        se, df = spread
        half = _t(confidence, df) * se
        low, high = absolute - half, absolute + half
        p_value = _two_sided_p(absolute, se, df)
    return Change(
        mean_ci(before, confidence), mean_ci(after, confidence), absolute, low, high, p_value
    )


def _two_sided_p(estimate: float, se: float, df: float) -> float:
    if se == 0:
        return 0.0 if estimate else 1.0
    return float(2 * stats.t.sf(abs(estimate / se), df))


def _windows(
    series: DailySeries, marker: dt.date, days_before: int, days_after: int, settling: int
) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """(day offset, value) pairs before the marker and after the settling period."""
    before, after = [], []
    for day, value in series:
        if value is None:
            continue
        offset = (day - marker).days
        if -days_before <= offset < 0:
            before.append((offset, value))
        elif settling <= offset < settling + days_after:
            after.append((offset, value))
    return before, after


# Newey–West errors.


def hac_maxlags(n: int) -> int:
    """Days of autocorrelation the Newey–West errors allow for, for ``n`` daily values.

    Newey and West's (1994) rule of thumb, floor(4·(n/100)^(2/9)), gives only 3 lags for a
    month or two of days; daily EPR use also repeats weekly (weekdays against weekends), so
    at least a week of lags is used. Never more than a quarter of the days: with few days
    the long-run variance would be estimated from a handful of products and be noisier than
    the problem it corrects."""
    rule = math.floor(4 * (n / 100) ** (2 / 9))
    return max(1, min(max(rule, WEEK), n // 4))


def _hac_fit(y: np.ndarray, design: np.ndarray) -> tuple[np.ndarray, np.ndarray, float] | None:
    """Coefficients, Newey–West standard errors (small-sample corrected) and residual
    degrees of freedom; None when the design cannot be fitted. A degenerate series can give
    non-finite errors: ``_estimate`` reports those as unknown, so numpy's warnings about
    them are silenced here."""
    n, k = design.shape
    if n <= k or np.linalg.matrix_rank(design) < k:
        return None
    with np.errstate(all="ignore"):
        fit = sm.OLS(y, design).fit(
            cov_type="HAC",
            cov_kwds={"maxlags": hac_maxlags(n), "use_correction": True},
            use_t=True,
        )
    return np.asarray(fit.params), np.asarray(fit.bse), float(fit.df_resid)


def _estimate(value: float, se: float, df: float) -> Estimate:
    # A non-finite error is not a small one: calling it zero would print "p < 0.001".
    if not math.isfinite(se):
        return Estimate(value, None, None, None, None)
    # A perfect fit leaves a standard error of rounding noise: call it zero, as the data say.
    if se <= 1e-12 * max(1.0, abs(value)):
        se = 0.0
    half = _t(CONFIDENCE, df) * se
    return Estimate(value, se, value - half, value + half, _two_sided_p(value, se, df))


def segmented_regression(
    before: Sequence[tuple[int, float]], after: Sequence[tuple[int, float]], start: int
) -> SegmentedRegression | None:
    """The interrupted time series with Newey–West errors; None with too few days to fit
    it. Days without data are skipped, so lags count days with data."""
    points = [(t, y, 0.0) for t, y in before] + [(t, y, 1.0) for t, y in after]
    n = len(points)
    if n < 6 or len(before) < 2 or len(after) < 2:
        return None
    t = np.array([p[0] for p in points], dtype=float)
    y = np.array([p[1] for p in points], dtype=float)
    post = np.array([p[2] for p in points])
    design = np.column_stack([np.ones(n), t, post, post * (t - start)])
    fitted = _hac_fit(y, design)
    if fitted is None:
        return None
    coef, se, df = fitted
    return SegmentedRegression(
        level=_estimate(float(coef[2]), float(se[2]), df),
        slope=_estimate(float(coef[3]), float(se[3]), df),
        n=n,
        maxlags=hac_maxlags(n),
    )


# The permutation test.


def _split_differences(pooled: np.ndarray, after: np.ndarray, k: int) -> np.ndarray:
    """For each row of a boolean matrix marking ``k`` days "after": the mean of those days
    minus the mean of the rest."""
    sums = after.astype(float) @ pooled
    return sums / k - (pooled.sum() - sums) / (len(pooled) - k)


def permutation_test(
    before: Sequence[float],
    after: Sequence[float],
    *,
    permutations: int = PERMUTATIONS,
    seed: int = PERMUTATION_SEED,
) -> PermutationTest | None:
    """Two-sided permutation test of the difference in means. Exact (every split of the
    pooled days into the two group sizes) when there are at most ``permutations`` splits;
    otherwise ``permutations`` random splits from a generator seeded with ``seed``, counting
    the observed split too, as scipy does. None when a group is empty."""
    x = np.asarray(before, dtype=float)
    y = np.asarray(after, dtype=float)
    if len(x) == 0 or len(y) == 0:
        return None
    pooled = np.concatenate([y, x])
    n, k = len(pooled), len(y)
    observed = float(y.mean() - x.mean())
    # Splits equal to the observed one, up to rounding, count as at least as extreme.
    tolerance = 1e-12 * max(1.0, abs(observed))
    greater = less = 0
    exact = math.comb(n, k) <= permutations
    if exact:
        splits = itertools.combinations(range(n), k)
        total = math.comb(n, k)
        blocks = (list(itertools.islice(splits, PERMUTATION_CHUNK)) for _ in itertools.count())
        for block in blocks:
            if not block:
                break
            mask = np.zeros((len(block), n), dtype=bool)
            mask[np.arange(len(block))[:, None], np.array(block)] = True
            diffs = _split_differences(pooled, mask, k)
            greater += int(np.count_nonzero(diffs >= observed - tolerance))
            less += int(np.count_nonzero(diffs <= observed + tolerance))
        p_greater, p_less = greater / total, less / total
    else:
        rng = np.random.default_rng(seed)
        total = permutations
        labels = np.zeros(n, dtype=bool)
        labels[:k] = True
        for start in range(0, permutations, PERMUTATION_CHUNK):
            size = min(PERMUTATION_CHUNK, permutations - start)
            mask = rng.permuted(np.tile(labels, (size, 1)), axis=1)
            diffs = _split_differences(pooled, mask, k)
            greater += int(np.count_nonzero(diffs >= observed - tolerance))
            less += int(np.count_nonzero(diffs <= observed + tolerance))
        p_greater, p_less = (greater + 1) / (total + 1), (less + 1) / (total + 1)
    return PermutationTest(observed, min(1.0, 2 * min(p_greater, p_less)), total, exact)


def compare(
    series: DailySeries,
    marker: dt.date,
    *,
    days_before: int,
    days_after: int,
    settling_days: int = 0,
) -> Comparison | None:
    """Before/after figures for ``series`` around ``marker``: the window of ``days_before``
    days before it, and ``days_after`` days starting ``settling_days`` after it. None when
    either window has no data."""
    _check_windows(days_before, days_after, settling_days)
    before, after = _windows(series, marker, days_before, days_after, settling_days)
    if not before or not after:
        return None
    values_before = [v for _, v in before]
    values_after = [v for _, v in after]
    return Comparison(
        marker=marker,
        days_before=days_before,
        days_after=days_after,
        settling_days=settling_days,
        change=_change(values_before, values_after),
        regression=segmented_regression(before, after, settling_days),
        permutation=permutation_test(values_before, values_after),
    )


def _check_windows(days_before: int, days_after: int, settling_days: int) -> None:
    if days_before < 1 or days_after < 1 or settling_days < 0:
        raise ValueError("windows need at least one day and a settling period of 0 or more")


# Difference-in-differences against the average control area.

ByDay = dict[int, float]  # day offset from the marker -> value, inside the two windows


def _by_day(series: DailySeries, marker: dt.date, windows: tuple[int, int, int]) -> ByDay:
    before, after = _windows(series, marker, *windows)
    return dict(before + after)


def _average_area(areas: Sequence[ByDay]) -> ByDay:
    """Per day, the mean over the areas, on the days every area has a value. Averaging
    whichever areas have data each day would let the mix of areas change from day to day
    (a ratio metric has no value on a day without users), and a big area missing before
    but present after would read as a change."""
    if not areas:
        return {}
    days = sorted(set.intersection(*(set(area) for area in areas)))
    return {day: float(np.mean([a[day] for a in areas])) for day in days}


# An area is compared only with data on at least this share of each window's days: the
# average area is taken on the days every area has, so one area with two days of data
# would otherwise cut every other area's comparison down to those two days.
MIN_COVERAGE = 0.5


def _covered(values: ByDay, days_before: int, days_after: int) -> bool:
    before = sum(1 for day in values if day < 0)
    after = len(values) - before
    return before >= max(2, math.ceil(MIN_COVERAGE * days_before)) and after >= max(
        2, math.ceil(MIN_COVERAGE * days_after)
    )


def _area_change(values: ByDay) -> AreaChange | None:
    before = [v for day, v in values.items() if day < 0]
    after = [v for day, v in values.items() if day >= 0]
    if not before or not after:
        return None
    return AreaChange(float(np.mean(before)), float(np.mean(after)))


def _relative(values: ByDay) -> ByDay | None:
    """The area's values as % above or below its own "before" mean; None when it had
    nothing before (no % change can be said of it)."""
    change = _area_change(values)
    if change is None or change.before == 0:
        return None
    return {day: 100.0 * (v / change.before - 1.0) for day, v in values.items()}


@dataclass(frozen=True)
class _Step:
    estimate: Estimate
    treated: AreaChange  # over the days the estimate used, so the figures add up to it
    control: AreaChange
    days: list[int]  # the day offsets compared
    maxlags: int


def _step(treated: ByDay, control: ByDay) -> _Step | None:
    """The after − before step in the daily treated − control gap: least squares on an
    "after" indicator with Newey–West errors. With the control subtracted day by day, noise
    the areas share (a busy week for everyone) cancels instead of widening the interval."""
    days = sorted(treated.keys() & control.keys())
    post = np.array([1.0 if day >= 0 else 0.0 for day in days])
    if post.sum() < 2 or len(days) - post.sum() < 2:
        return None
    gap = np.array([treated[day] - control[day] for day in days])
    fitted = _hac_fit(gap, np.column_stack([np.ones(len(days)), post]))
    if fitted is None:
        return None
    coef, se, df = fitted
    return _Step(
        _estimate(float(coef[1]), float(se[1]), df),
        _change_on(treated, days),
        _change_on(control, days),
        days,
        hac_maxlags(len(days)),
    )


def _change_on(values: ByDay, days: Sequence[int]) -> AreaChange:
    """Means before and after over ``days`` (each of them in ``values``)."""
    before = [values[day] for day in days if day < 0]
    after = [values[day] for day in days if day >= 0]
    return AreaChange(float(np.mean(before)), float(np.mean(after)))


def difference_in_differences(
    treated: Sequence[DailySeries],
    controls: Sequence[DailySeries],
    marker: dt.date,
    *,
    days_before: int,
    days_after: int,
    settling_days: int = 0,
) -> DifferenceInDifferences | None:
    """The average treated area's change against the average control area's (each area's
    own series, averaged per day over the days every area has), in the metric's unit and in
    % (each area against its own "before" mean, then averaged), with Newey–West intervals.
    Summing the controls instead would count their shared trend once per area. The mean in
    the metric's unit still leans towards the big areas (an emergency department up 100 a
    day and three wards up 2 make the mean control area up 26.5); only the % figure counts
    each area once whatever its size. None without two days of treated and control data on
    each side."""
    _check_windows(days_before, days_after, settling_days)
    windows = (days_before, days_after, settling_days)
    treated_days = [
        values
        for values in (_by_day(s, marker, windows) for s in treated)
        if _covered(values, days_before, days_after)
    ]
    control_days = [_by_day(s, marker, windows) for s in controls]
    usable = [values for values in control_days if _covered(values, days_before, days_after)]
    if not treated_days or not usable:
        return None
    absolute = _step(_average_area(treated_days), _average_area(usable))
    if absolute is None:
        return None
    treated_relative = [r for r in map(_relative, treated_days) if r]
    control_relative = [r for r in map(_relative, usable) if r]
    relative = (
        _step(_average_area(treated_relative), _average_area(control_relative))
        if treated_relative and control_relative
        else None
    )
    return DifferenceInDifferences(
        treated=absolute.treated,
        control=absolute.control,
        controls=[
            _change_on(values, absolute.days) if _covered(values, days_before, days_after) else None
            for values in control_days
        ],
        absolute=absolute.estimate,
        # Relative series are 0 on average before, so their "after" mean is the % change.
        treated_percent=relative.treated.change if relative else None,
        control_percent=relative.control.change if relative else None,
        relative=relative.estimate if relative else None,
        days=len(absolute.days),
        maxlags=absolute.maxlags,
    )
