"""Before/after comparisons and go-live dip and recovery: pure statistics on daily series,
with no Django, so they are tested against independently computed answers.

A daily series is a list of ``(date, value)`` pairs with ``None`` for days without data.

Caveats the summary does not hide: days are treated as independent (daily use is often
autocorrelated, which makes intervals too narrow), and the percentage interval treats the
"before" mean as fixed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

DailySeries = Sequence[tuple[dt.date, float | None]]
CONFIDENCE = 0.95
SIGNIFICANCE = 0.05
# Random relabellings for the permutation test when there are more ways to split the days
# than this (then the p-value is estimated; with fewer, every split is tried: exact).
PERMUTATIONS = 9999
PERMUTATION_SEED = 20260301  # fixed: the same data always gives the same p-value
PERMUTATION_CHUNK = 1000  # relabellings per numpy block (bounds memory at long windows)


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
class SegmentedRegression:
    """Interrupted time series: y = b0 + b1·t + b2·after + b3·after·(t − t_after)."""

    level_change: float
    slope_change: float
    p_value: float  # for the level change
    n: int


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
    control: Change | None
    did: Change | None  # difference-in-differences: change minus the control's change
    permutation: PermutationTest | None = None


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
    half = _t(confidence, n - 1) * float(data.std(ddof=1)) / math.sqrt(n)
    return Mean(mean, mean - half, mean + half, n)


def _t(confidence: float, df: float) -> float:
    return float(stats.t.ppf(0.5 + confidence / 2, df))


def _welch(parts: Sequence[tuple[Sequence[float], float]]) -> tuple[float, float] | None:
    """Standard error and Welch–Satterthwaite degrees of freedom of a signed sum of means
    (``(values, sign)`` pairs). None when a group has fewer than two values."""
    terms = []
    for values, _sign in parts:
        if len(values) < 2:
            return None
        terms.append((float(np.var(values, ddof=1)) / len(values), len(values) - 1))
    variance = sum(v for v, _ in terms)
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


def segmented_regression(
    before: Sequence[tuple[int, float]], after: Sequence[tuple[int, float]], start: int
) -> SegmentedRegression | None:
    """OLS fit of the interrupted time series; None with too few days to fit it."""
    points = [(t, y, 0.0) for t, y in before] + [(t, y, 1.0) for t, y in after]
    n = len(points)
    if n < 6 or len(before) < 2 or len(after) < 2:
        return None
    t = np.array([p[0] for p in points], dtype=float)
    y = np.array([p[1] for p in points], dtype=float)
    post = np.array([p[2] for p in points])
    design = np.column_stack([np.ones(n), t, post, post * (t - start)])
    coef, _, rank, _ = np.linalg.lstsq(design, y, rcond=None)
    if rank < design.shape[1]:
        return None
    residuals = y - design @ coef
    df = n - design.shape[1]
    sigma2 = float(residuals @ residuals) / df
    covariance = sigma2 * np.linalg.pinv(design.T @ design)
    se = math.sqrt(max(float(covariance[2, 2]), 0.0))
    return SegmentedRegression(
        level_change=float(coef[2]),
        slope_change=float(coef[3]),
        p_value=_two_sided_p(float(coef[2]), se, df),
        n=n,
    )


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
    control: DailySeries | None = None,
) -> Comparison | None:
    """Before/after figures for ``series`` around ``marker``: the window of ``days_before``
    days before it, and ``days_after`` days starting ``settling_days`` after it. With a
    ``control`` series (untouched areas), also difference-in-differences. None when either
    window has no data."""
    if days_before < 1 or days_after < 1 or settling_days < 0:
        raise ValueError("windows need at least one day and a settling period of 0 or more")
    before, after = _windows(series, marker, days_before, days_after, settling_days)
    if not before or not after:
        return None
    values_before = [v for _, v in before]
    values_after = [v for _, v in after]
    control_change = did = None
    if control is not None:
        c_before, c_after = _windows(control, marker, days_before, days_after, settling_days)
        if c_before and c_after:
            cb, ca = [v for _, v in c_before], [v for _, v in c_after]
            control_change = _change(cb, ca)
            did = _difference_in_differences(values_before, values_after, cb, ca)
    return Comparison(
        marker=marker,
        days_before=days_before,
        days_after=days_after,
        settling_days=settling_days,
        change=_change(values_before, values_after),
        regression=segmented_regression(before, after, settling_days),
        control=control_change,
        did=did,
        permutation=permutation_test(values_before, values_after),
    )


def _difference_in_differences(
    before: Sequence[float],
    after: Sequence[float],
    control_before: Sequence[float],
    control_after: Sequence[float],
) -> Change:
    estimate = float(
        (np.mean(after) - np.mean(before)) - (np.mean(control_after) - np.mean(control_before))
    )
    low = high = p_value = None
    spread = _welch([(after, 1), (before, -1), (control_after, -1), (control_before, 1)])
    if spread is not None:
        se, df = spread
        half = _t(CONFIDENCE, df) * se
        low, high, p_value = estimate - half, estimate + half, _two_sided_p(estimate, se, df)
    return Change(mean_ci(before), mean_ci(after), estimate, low, high, p_value)


# The sentence people read.


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"


def _signed_percent(change: Change) -> str:
    if change.percent is None:
        return f"{change.absolute:+,.1f}"
    return f"{change.percent:+.0f}%"


def summary(
    comparison: Comparison,
    *,
    metric: str,
    unit: str,
    scope: str,
    marker: str,
    higher_is_better: bool = True,
) -> str:
    """e.g. "Pathology orders per day on Ward 7B rose 18% (95% CI 9% to 27%) after the
    order-set change on 3 March 2025; control areas: +2%." plus whether it may be noise."""
    change = comparison.change
    direction = (
        "rose" if change.absolute > 0 else "fell" if change.absolute < 0 else "did not change"
    )
    when = f"{comparison.marker.day} {comparison.marker:%B %Y}"
    if change.percent is not None and change.absolute:
        size = f" {abs(change.percent):.0f}%"
        if change.percent_low is not None and change.percent_high is not None:
            size += f" (95% CI {change.percent_low:.0f}% to {change.percent_high:.0f}%)"
    elif change.absolute:
        size = f" by {_number(abs(change.absolute))} {unit}"
        if change.low is not None and change.high is not None:
            size += f" (95% CI {_number(change.low)} to {_number(change.high)})"
    else:
        size = ""
    sentence = (
        f"{metric} on {scope} {direction}{size}, from {_number(change.before.value)} to "
        f"{_number(change.after.value)} {unit}, after the {marker} on {when}"
    )
    if comparison.control is not None:
        sentence += f"; control areas: {_signed_percent(comparison.control)}"
    sentence += "."
    if change.absolute and (change.absolute > 0) != higher_is_better:
        sentence += " For this metric, that is a change for the worse."
    regression = comparison.regression
    if regression is not None:
        if regression.p_value < SIGNIFICANCE:
            sentence += (
                " The step at the change is unlikely to be noise "
                f"(segmented regression, p = {regression.p_value:.3f})."
            )
        else:
            sentence += (
                " The step at the change could be noise "
                f"(segmented regression, p = {regression.p_value:.2f})."
            )
    else:
        sentence += " Too few days to fit a trend to the change."
    permutation = comparison.permutation
    if permutation is not None and change.absolute:
        verdict = "is unlikely to be" if permutation.p_value < SIGNIFICANCE else "could be"
        sentence += (
            f" Shuffling the days between before and after, a difference this large "
            f"{verdict} chance (permutation test, {_p(permutation.p_value)})."
        )
    return sentence


def _p(value: float) -> str:
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"
