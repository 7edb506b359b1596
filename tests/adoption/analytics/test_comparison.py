"""The statistics against answers computed here, independently, with numpy, scipy and
statsmodels."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from adoption.analytics import comparison, stats_wording

MARKER = dt.date(2025, 3, 3)


def daily(values_by_offset: dict[int, float | None]) -> list[tuple[dt.date, float | None]]:
    return [(MARKER + dt.timedelta(days=k), v) for k, v in sorted(values_by_offset.items())]


def noisy(seed: int, before: float, after: float, days: int = 28) -> dict[int, float | None]:
    rng = np.random.default_rng(seed)
    return {k: float((before if k < 0 else after) + rng.normal(0, 3)) for k in range(-days, days)}


def test_mean_ci_matches_the_t_interval() -> None:
    data = [12.0, 15.0, 11.0, 14.0, 18.0, 13.0]

    result = comparison.mean_ci(data)

    low, high = stats.t.interval(0.95, len(data) - 1, loc=np.mean(data), scale=stats.sem(data))
    assert result.value == pytest.approx(np.mean(data))
    assert (result.low, result.high) == (pytest.approx(low), pytest.approx(high))


def test_a_single_day_has_a_mean_but_no_interval() -> None:
    assert comparison.mean_ci([4.0]) == comparison.Mean(4.0, None, None, 1)


def test_before_after_change_matches_welchs_t_test() -> None:
    series = daily(noisy(1, 100, 118))

    result = comparison.compare(series, MARKER, days_before=28, days_after=28)

    assert result is not None
    before = [v for d, v in series if d < MARKER]
    after = [v for d, v in series if d >= MARKER]
    welch = stats.ttest_ind(after, before, equal_var=False)
    ci = welch.confidence_interval(0.95)
    assert result.change.absolute == pytest.approx(np.mean(after) - np.mean(before))
    assert (result.change.low, result.change.high) == (
        pytest.approx(ci.low),
        pytest.approx(ci.high),
    )
    assert result.change.p_value == pytest.approx(welch.pvalue)
    assert result.change.percent == pytest.approx(
        100 * (np.mean(after) - np.mean(before)) / np.mean(before)
    )


def test_the_settling_period_and_days_without_data_are_left_out() -> None:
    values: dict[int, float | None] = dict.fromkeys(range(-5, 0), 10.0)
    values |= {0: 500.0, 1: 500.0, 2: 20.0, 3: None, 4: 20.0}  # 0 and 1 are settling days

    result = comparison.compare(daily(values), MARKER, days_before=5, days_after=3, settling_days=2)

    assert result is not None
    assert (result.change.before.n, result.change.after.n) == (5, 2)
    assert result.change.after.value == 20.0


def test_segmented_regression_coefficients_are_least_squares_with_newey_west_errors() -> None:
    values = noisy(2, 50, 60)
    for k in values:  # a gentle upward trend throughout
        values[k] = (values[k] or 0) + 0.2 * k
    series = daily(values)

    result = comparison.compare(series, MARKER, days_before=28, days_after=28, settling_days=3)

    assert result is not None
    assert result.regression is not None
    t = np.array([k for k in sorted(values) if k < 0 or 3 <= k < 31], dtype=float)
    y = np.array([values[int(k)] for k in t])
    post = (t >= 0).astype(float)
    x = np.column_stack([np.ones_like(t), t, post, post * (t - 3)])
    beta = np.linalg.inv(x.T @ x) @ x.T @ y
    fit = sm.OLS(y, x).fit(cov_type="HAC", cov_kwds={"maxlags": 7, "use_correction": True})
    assert result.regression.level_change == pytest.approx(beta[2])
    assert result.regression.slope_change == pytest.approx(beta[3], abs=1e-9)
    assert result.regression.level.se == pytest.approx(fit.bse[2])
    dof = len(y) - 4
    assert result.regression.p_value == pytest.approx(
        2 * stats.t.sf(abs(beta[2] / fit.bse[2]), dof)
    )


def test_difference_in_differences_subtracts_the_control_areas_change() -> None:
    treated, control = daily(noisy(3, 100, 120)), daily(noisy(4, 80, 84))

    did = comparison.difference_in_differences(
        [treated], [control], MARKER, days_before=28, days_after=28
    )

    assert did is not None

    def mean(series: list[tuple[dt.date, float | None]], after: bool) -> float:
        return float(np.mean([v for d, v in series if (d >= MARKER) == after]))

    expected = (mean(treated, True) - mean(treated, False)) - (
        mean(control, True) - mean(control, False)
    )
    assert did.absolute.value == pytest.approx(expected)
    assert did.absolute.low < expected < did.absolute.high
    assert did.control == comparison.AreaChange(mean(control, False), mean(control, True))


def test_no_comparison_without_data_on_both_sides() -> None:
    series = daily(dict.fromkeys(range(0, 10), 5.0))

    assert comparison.compare(series, MARKER, days_before=7, days_after=7) is None


def test_summary_reads_as_a_plain_english_sentence() -> None:
    series = daily(
        {**{k: 100.0 + (k % 2) for k in range(-4, 0)}, **{k: 118.0 + (k % 2) for k in range(0, 4)}}
    )
    control = daily({**dict.fromkeys(range(-4, 0), 50.0), **dict.fromkeys(range(0, 4), 51.0)})
    result = comparison.compare(series, MARKER, days_before=4, days_after=4)
    did = comparison.difference_in_differences(
        [series], [control], MARKER, days_before=4, days_after=4
    )
    assert result is not None
    assert did is not None

    text = stats_wording.summary(
        result,
        did,
        metric="Pathology orders per day",
        unit="per day",
        scope="Ward 7B",
        marker="order-set change",
        controls="the control area",
    )

    change = result.change
    assert text.startswith(
        "Pathology orders per day on Ward 7B rose 18% "
        f"(95% CI {change.percent_low:.0f}% to {change.percent_high:.0f}%), from 100 to 118 "
        "per day, after the order-set change on 3 March 2025. Over the 8 days every area "
        "compared has data, each area against its own mean before, Ward 7B rose 17.9% and "
        "the control area rose 2.0%, so the difference in differences is +15.9 percentage "
        "points (95% CI +15.3 to +16.5)."
    )
    assert "segmented regression allowing for day-to-day correlation" in text


def test_summary_says_when_a_rise_is_for_the_worse() -> None:
    series = daily({**dict.fromkeys(range(-3, 0), 2.0), **dict.fromkeys(range(0, 3), 4.0)})
    result = comparison.compare(series, MARKER, days_before=3, days_after=3)
    assert result is not None

    text = stats_wording.summary(
        result,
        None,
        metric="Login failure rate",
        unit="%",
        scope="all areas",
        marker="go-live",
        higher_is_better=False,
    )

    assert "rose 100%" in text
    assert "a change for the worse" in text


# The permutation test, against scipy.stats.permutation_test.


def mean_difference(after: np.ndarray, before: np.ndarray, axis: int) -> np.ndarray:
    return np.mean(after, axis=axis) - np.mean(before, axis=axis)


def test_permutation_test_enumerates_every_split_of_a_small_sample() -> None:
    # 3 days each: 20 ways to choose the "after" days; only the real split differs by +3,
    # so one-sided p = 1/20 and two-sided 2/20.
    result = comparison.permutation_test([1.0, 2.0, 3.0], [4.0, 5.0, 6.0])

    assert result == comparison.PermutationTest(3.0, 0.1, 20, exact=True)


def test_exact_permutation_p_value_matches_scipy() -> None:
    before = [12.0, 15.0, 11.0, 14.0, 18.0, 13.0, 12.0]
    after = [16.0, 14.0, 19.0, 15.0, 17.0, 21.0]

    result = comparison.permutation_test(before, after)

    expected = stats.permutation_test(
        (after, before),
        mean_difference,
        permutation_type="independent",
        vectorized=True,
        n_resamples=np.inf,
        alternative="two-sided",
    )
    assert result is not None
    assert result.exact
    assert result.permutations == 1716  # 13 choose 6
    assert result.difference == pytest.approx(expected.statistic)
    assert result.p_value == pytest.approx(expected.pvalue)


def test_random_permutation_p_value_agrees_with_scipy_within_sampling_error() -> None:
    series = noisy(4, 100, 102)
    before = [v for k, v in series.items() if k < 0 and v is not None]
    after = [v for k, v in series.items() if k >= 0 and v is not None]

    result = comparison.permutation_test(before, after)

    expected = stats.permutation_test(
        (after, before),
        mean_difference,
        permutation_type="independent",
        vectorized=True,
        n_resamples=comparison.PERMUTATIONS,
        alternative="two-sided",
        rng=np.random.default_rng(99),
    )
    assert result is not None
    assert not result.exact
    assert result.permutations == comparison.PERMUTATIONS
    # Two estimates from 9,999 relabellings each: their standard error is under 0.01.
    assert abs(result.p_value - expected.pvalue) < 0.03
    assert 0.01 < result.p_value < 0.99  # a real test: neither extreme


def test_the_permutation_test_is_seeded_so_the_same_data_gives_the_same_p_value() -> None:
    series = noisy(5, 100, 101)
    before = [v for k, v in series.items() if k < 0 and v is not None]
    after = [v for k, v in series.items() if k >= 0 and v is not None]

    first = comparison.permutation_test(before, after)
    again = comparison.permutation_test(before, after)
    other_seed = comparison.permutation_test(before, after, seed=1)

    assert first == again
    assert other_seed is not None
    assert first is not None
    assert other_seed.p_value != first.p_value


def test_comparison_summary_reports_the_permutation_test() -> None:
    series = daily(noisy(1, 100, 118))
    result = comparison.compare(series, MARKER, days_before=28, days_after=28)
    assert result is not None
    assert result.permutation is not None

    text = stats_wording.summary(
        result, None, metric="Pathology orders per day", unit="per day", scope="Ward 7B", marker="x"
    )

    assert result.permutation.p_value < 0.001
    assert "is unlikely to be chance (permutation test, p < 0.001)" in text
