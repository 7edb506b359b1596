"""Difference-in-differences against the average control area and Newey–West errors,
against answers computed here independently (numpy, statsmodels) on data with a planted
effect."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from adoption.analytics import comparison

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
