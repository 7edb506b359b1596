"""Difference-in-differences against the average control area and Newey–West errors,
against answers computed here independently (numpy, statsmodels) on data with a planted
effect."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from adoption.analytics import comparison, stats_wording

MARKER = dt.date(2025, 3, 3)
DAYS = 28
Series = list[tuple[dt.date, float | None]]


def as_series(values: np.ndarray) -> Series:
    """``values`` for the days from DAYS before the marker; NaN: a day without data."""
    return [
        (MARKER + dt.timedelta(days=k - DAYS), None if np.isnan(v) else float(v))
        for k, v in enumerate(values)
    ]


def ar1(rng: np.random.Generator, n: int, phi: float, sd: float) -> np.ndarray:
    noise = np.zeros(n)
    for t in range(1, n):
        noise[t] = phi * noise[t - 1] + rng.normal(0, sd)
    return noise


AFTER = np.arange(2 * DAYS) >= DAYS


def sum_based_did(treated: np.ndarray, controls: list[np.ndarray]) -> tuple[float, float, float]:
    """The method this replaced: the treated change minus the change of the SUM of the
    controls, with a Welch interval over the four groups of days."""
    total = np.sum(controls, axis=0)
    groups = [treated[AFTER], treated[~AFTER], total[AFTER], total[~AFTER]]
    estimate = (groups[0].mean() - groups[1].mean()) - (groups[2].mean() - groups[3].mean())
    terms = [np.var(g, ddof=1) / len(g) for g in groups]
    se = np.sqrt(sum(terms))
    df = sum(terms) ** 2 / sum(t**2 / (len(g) - 1) for t, g in zip(terms, groups, strict=True))
    half = stats.t.ppf(0.975, df) * se
    return estimate, estimate - half, estimate + half


def test_an_additive_lift_on_a_ward_is_recovered_against_controls_ten_times_its_size() -> None:
    rng = np.random.default_rng(7)
    n = 2 * DAYS
    # A trend every area shares, in events a day: a wandering level and a step at the
    # marker (a busy winter), noisy from day to day.
    common = ar1(rng, n, 0.6, 3.0) + 25.0 * AFTER
    lift = 12.0
    treated = 40 + common + lift * AFTER + rng.normal(0, 3, n)
    small = 40 + common + rng.normal(0, 3, n)
    big = 400 + common + rng.normal(0, 10, n)  # an emergency department

    did = comparison.difference_in_differences(
        [as_series(treated)],
        [as_series(small), as_series(big)],
        MARKER,
        days_before=DAYS,
        days_after=DAYS,
    )

    assert did is not None
    mean_control = (small + big) / 2
    expected = (treated[AFTER].mean() - treated[~AFTER].mean()) - (
        mean_control[AFTER].mean() - mean_control[~AFTER].mean()
    )
    assert did.absolute.value == pytest.approx(expected)
    assert did.absolute.low < lift < did.absolute.high
    assert did.absolute.p_value < 0.05
    # Summing the controls counts the shared step twice and the big area's noise in full.
    old, old_low, old_high = sum_based_did(treated, [small, big])
    assert not old_low < lift < old_high
    assert old == pytest.approx(lift - 25.0, abs=6)


def test_a_relative_lift_is_recovered_when_the_shared_trend_scales_with_size() -> None:
    rng = np.random.default_rng(11)
    n = 2 * DAYS
    trend = 1 + ar1(rng, n, 0.5, 0.02) + 0.15 * AFTER  # everyone 15% busier after
    lift = 0.20  # the ward: 20% more on top

    def area(size: float, lifted: bool = False) -> np.ndarray:
        level = size * (trend + (lift * AFTER if lifted else 0))
        return level + rng.normal(0, np.sqrt(size), n)

    treated, small, big = area(30, lifted=True), area(30), area(300)

    did = comparison.difference_in_differences(
        [as_series(treated)],
        [as_series(small), as_series(big)],
        MARKER,
        days_before=DAYS,
        days_after=DAYS,
    )

    assert did is not None
    assert did.relative is not None

    def percent(values: np.ndarray) -> float:
        return 100 * (values[AFTER].mean() / values[~AFTER].mean() - 1)

    # The ward's % change minus the mean of the controls' % changes: each counts once.
    expected = percent(treated) - (percent(small) + percent(big)) / 2
    assert did.relative.value == pytest.approx(expected)
    assert did.treated_percent == pytest.approx(percent(treated))
    assert did.control_percent == pytest.approx((percent(small) + percent(big)) / 2)
    assert did.relative.low < 100 * lift < did.relative.high
    # The sum-based method, read as a % of the ward's level before, is nowhere near.
    _, _, old_high = sum_based_did(treated, [small, big])
    assert old_high / treated[~AFTER].mean() * 100 < 0


def test_each_control_area_has_its_own_row_and_the_average_adds_up() -> None:
    before, after = [10.0, 12.0] * 2, [15.0, 17.0] * 2
    treated = as_series(np.array([0.0] * (DAYS - 4) + before + after + [0.0] * (DAYS - 4)))
    first = as_series(np.r_[[np.nan] * (DAYS - 4), [20.0] * 4, [22.0] * 4, [np.nan] * 24])
    empty: Series = []

    did = comparison.difference_in_differences(
        [treated], [first, empty], MARKER, days_before=4, days_after=4
    )

    assert did is not None
    assert did.controls == [comparison.AreaChange(20.0, 22.0), None]
    assert did.control_count == 1
    assert did.controls[0] is not None
    assert did.controls[0].percent == pytest.approx(10.0)
    assert did.absolute.value == pytest.approx(did.treated.change - did.control.change)
    assert did.absolute.value == pytest.approx(5.0 - 2.0)


def test_no_difference_in_differences_without_control_data_on_both_sides() -> None:
    treated = as_series(np.arange(2 * DAYS, dtype=float))
    before_only = as_series(np.r_[np.ones(DAYS), [np.nan] * DAYS])

    assert (
        comparison.difference_in_differences(
            [treated], [before_only], MARKER, days_before=DAYS, days_after=DAYS
        )
        is None
    )


# Newey–West errors on autocorrelated days.


def newey_west_cov(x: np.ndarray, residuals: np.ndarray, lags: int) -> np.ndarray:
    """The Newey–West covariance by hand: Bartlett weights 1 − l/(lags + 1), scaled by
    n/(n − k) for small samples."""
    n, k = x.shape
    scores = x * residuals[:, None]
    meat = scores.T @ scores
    for lag in range(1, lags + 1):
        weight = 1 - lag / (lags + 1)
        gamma = scores[lag:].T @ scores[:-lag]
        meat += weight * (gamma + gamma.T)
    bread = np.linalg.inv(x.T @ x)
    return bread @ meat @ bread * n / (n - k)


def test_segmented_regression_errors_are_newey_west_on_autocorrelated_noise() -> None:
    rng = np.random.default_rng(3)
    n = 2 * DAYS
    t = np.arange(n, dtype=float) - DAYS
    y = 50 + 0.1 * t + 6.0 * AFTER + ar1(rng, n, 0.7, 2.0)

    result = comparison.compare(as_series(y), MARKER, days_before=DAYS, days_after=DAYS)

    assert result is not None
    assert result.regression is not None
    x = np.column_stack([np.ones(n), t, AFTER, AFTER * t])
    lags = comparison.hac_maxlags(n)
    fit = sm.OLS(y, x).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True
    )
    by_hand = np.sqrt(np.diag(newey_west_cov(x, y - x @ fit.params, lags)))
    level = result.regression.level
    assert result.regression.maxlags == lags == 7
    assert level.value == pytest.approx(fit.params[2])
    assert level.se == pytest.approx(fit.bse[2])
    assert level.se == pytest.approx(by_hand[2])
    assert result.regression.slope.se == pytest.approx(by_hand[3])
    assert level.p_value == pytest.approx(fit.pvalues[2])
    low, high = fit.conf_int(0.05)[2]
    assert (level.low, level.high) == (pytest.approx(low), pytest.approx(high))
    # Positively correlated days: plain least squares errors would be too narrow.
    plain = sm.OLS(y, x).fit()
    assert level.se > plain.bse[2]


def test_difference_in_differences_errors_are_newey_west_on_the_daily_gap() -> None:
    rng = np.random.default_rng(5)
    n = 2 * DAYS
    treated = 30 + 4.0 * AFTER + ar1(rng, n, 0.6, 2.0)
    control = 30 + ar1(rng, n, 0.6, 2.0)

    did = comparison.difference_in_differences(
        [as_series(treated)], [as_series(control)], MARKER, days_before=DAYS, days_after=DAYS
    )

    assert did is not None
    x = np.column_stack([np.ones(n), AFTER])
    gap = treated - control
    fit = sm.OLS(gap, x).fit()
    se = np.sqrt(newey_west_cov(x, gap - x @ fit.params, comparison.hac_maxlags(n))[1, 1])
    assert did.absolute.value == pytest.approx(fit.params[1])
    assert did.absolute.se == pytest.approx(se)
    assert (did.days, did.maxlags) == (n, 7)


@pytest.mark.parametrize(
    ("days", "lags"),
    [(6, 1), (12, 3), (28, 7), (56, 7), (360, 7), (1000, 7)],
)
def test_lags_are_at_least_a_week_but_at_most_a_quarter_of_the_days(days: int, lags: int) -> None:
    assert comparison.hac_maxlags(days) == lags


# The summary sentence, days every area has, and errors that cannot be estimated.


def shown_percents(text: str) -> list[float]:
    """The signed or unsigned % figures and the difference, in order, after "Over the"."""
    tail = text[text.index("Over the") :]
    found = re.findall(r"(rose|fell) (\d+(?:\.\d+)?)%", tail)
    values = [float(size) * (1 if word == "rose" else -1) for word, size in found]
    difference = re.search(r"differences is ([+\N{MINUS SIGN}]\d+(?:\.\d+)?) percentage", tail)
    assert difference is not None
    return [*values, float(difference.group(1).replace("\N{MINUS SIGN}", "-"))]


def test_with_several_touched_areas_the_sentences_figures_add_up() -> None:
    rng = np.random.default_rng(17)
    n = 2 * DAYS
    # A big touched area up 5%, a small one up 40%: together up about 8%, on average 22.5%.
    big = as_series(1000 * (1 + 0.05 * AFTER) + rng.normal(0, 5, n))
    small = as_series(20 * (1 + 0.40 * AFTER) + rng.normal(0, 0.5, n))
    controls = [as_series(size * (1 + 0.02 * AFTER) + rng.normal(0, 1, n)) for size in (50, 60)]
    total = as_series(np.array([b[1] + s[1] for b, s in zip(big, small, strict=True)], dtype=float))
    result = comparison.compare(total, MARKER, days_before=DAYS, days_after=DAYS)
    did = comparison.difference_in_differences(
        [big, small], controls, MARKER, days_before=DAYS, days_after=DAYS
    )
    assert result is not None
    assert did is not None
    assert did.treated_percent is not None
    assert did.control_percent is not None

    text = stats_wording.summary(
        result,
        did,
        metric="Orders per day",
        unit="per day",
        scope="2 areas together",
        touched="the 2 touched areas on average",
        marker="change",
        controls="the 2 control areas on average",
    )

    touched, control, difference = shown_percents(text)
    assert touched == pytest.approx(did.treated_percent, abs=0.5)
    assert touched == pytest.approx(22.5, abs=1)
    assert control == pytest.approx(did.control_percent, abs=0.5)
    assert touched - control == pytest.approx(difference)
    # The headline is the two areas' total (the big one's 5% dominates it), and says so.
    together = stats_wording.change_phrase(
        result.change.percent or 0.0, result.change.percent_low, result.change.percent_high
    )
    assert together.startswith("rose 5.")
    assert f"2 areas together {together}" in text


def test_the_average_area_uses_only_days_every_area_has() -> None:
    treated = as_series(np.full(2 * DAYS, 20.0))
    small = as_series(np.full(2 * DAYS, 10.0))
    # A big area with no value on alternate days before: averaging whichever areas report
    # each day would make the mean control area rise from 32.5 to 55.
    big = as_series(np.where((np.arange(2 * DAYS) % 2 == 1) & ~AFTER, np.nan, 100.0))

    did = comparison.difference_in_differences(
        [treated], [small, big], MARKER, days_before=DAYS, days_after=DAYS
    )

    assert did is not None
    assert did.days == DAYS // 2 + DAYS
    assert did.control == comparison.AreaChange(55.0, 55.0)
    assert did.absolute.value == pytest.approx(0.0)
    # Each control area's row is on the same days, so the rows average to the control row.
    rows = [row for row in did.controls if row is not None]
    assert np.mean([r.before for r in rows]) == pytest.approx(did.control.before)
    assert np.mean([r.after for r in rows]) == pytest.approx(did.control.after)


def test_a_control_with_data_on_a_few_days_is_left_out_rather_than_cutting_the_days() -> None:
    treated = as_series(np.where(AFTER, 24.0, 20.0))
    steady = as_series(np.full(2 * DAYS, 10.0))
    sparse_values = np.full(2 * DAYS, np.nan)
    sparse_values[[0, 1, DAYS, DAYS + 1]] = 50.0  # two days on each side
    sparse = as_series(sparse_values)

    did = comparison.difference_in_differences(
        [treated], [steady, sparse], MARKER, days_before=DAYS, days_after=DAYS
    )

    assert did is not None
    assert did.days == 2 * DAYS  # every day, not the sparse area's four
    assert did.control_count == 1
    assert did.controls[1] is None  # shown as left out
    assert did.absolute.value == pytest.approx(4.0)


def test_an_error_that_cannot_be_estimated_gives_no_interval_and_no_p_value() -> None:
    # Values so large their squares overflow: the Newey–West error comes out undefined.
    n = 2 * DAYS
    wobble = np.arange(n) % 2
    treated = as_series(1e160 * (1 + AFTER + wobble / 3))
    control = as_series(1e160 * (1 + wobble / 5))

    did = comparison.difference_in_differences(
        [treated], [control], MARKER, days_before=DAYS, days_after=DAYS
    )
    result = comparison.compare(treated, MARKER, days_before=DAYS, days_after=DAYS)

    assert did is not None
    assert result is not None
    assert result.regression is not None
    assert did.absolute.value > 0
    assert (did.absolute.se, did.absolute.low, did.absolute.p_value) == (None, None, None)
    assert result.regression.level.p_value is None
    text = stats_wording.summary(
        result, did, metric="Orders per day", unit="per day", scope="Ward 7B", marker="change"
    )
    assert "p < 0.001" not in text.split("permutation test")[0]
    assert "unlikely to be noise" not in text
    assert result.change.low is None  # the Welch interval cannot be estimated either
    assert "cannot be estimated" in text
