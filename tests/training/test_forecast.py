"""The trajectory maths against answers computed here independently with numpy and scipy."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from scipy import stats

from training.forecast import forecast, planned_on, weekly_increments

AS_OF = dt.date(2026, 3, 2)
GO_LIVE = dt.date(2026, 4, 13)  # six weeks after AS_OF


def _daily(counts_per_week: list[int], *, end: dt.date = AS_OF) -> list[tuple[dt.date, int]]:
    """Completions landing on the last day of each week, the last week ending on ``end``."""
    weeks = len(counts_per_week)
    return [
        (end - dt.timedelta(days=7 * (weeks - 1 - i)), n)
        for i, n in enumerate(counts_per_week)
        if n
    ]


def test_the_forecast_carries_on_at_the_mean_weekly_rate_with_a_t_prediction_interval() -> None:
    weekly = [30, 42, 35, 50, 38, 45]
    result = forecast(
        _daily([100, *weekly]), population=1000, target_percent=90, as_of=AS_OF, go_live_on=GO_LIVE
    )

    sample = np.array(weekly, dtype=float)
    h = 6.0
    mean, sd, n = sample.mean(), sample.std(ddof=1), len(sample)
    half = stats.t.ppf(0.9, n - 1) * sd * np.sqrt(h + h**2 / n)
    current = 100 + sum(weekly)
    assert result.current == current
    assert result.weekly_rate == pytest.approx(mean)
    assert result.projected == pytest.approx(current + h * mean)
    assert result.projected_low == pytest.approx(current + h * mean - half)
    assert result.projected_high == pytest.approx(current + h * mean + half)


def test_the_weekly_completions_needed_spread_the_gap_over_the_weeks_left() -> None:
    result = forecast(
        _daily([100, 40, 40]), population=1000, target_percent=80, as_of=AS_OF, go_live_on=GO_LIVE
    )

    assert result.weekly_needed == pytest.approx((800 - 180) / 6)


def test_the_target_date_is_when_the_current_rate_closes_the_gap() -> None:
    result = forecast(
        _daily([0, 70, 70]), population=1000, target_percent=70, as_of=AS_OF, go_live_on=GO_LIVE
    )

    days = int(np.ceil((700 - 140) / 70 * 7))
    assert result.target_reached_on == AS_OF + dt.timedelta(days=days)
    assert result.target_reached_on > GO_LIVE
    assert result.misses_target


def test_with_no_completions_yet_there_is_no_rate_band_or_target_date() -> None:
    result = forecast([], population=200, target_percent=90, as_of=AS_OF, go_live_on=GO_LIVE)

    assert (result.current, result.weekly_rate, result.projected) == (0, None, 0)
    assert (result.projected_low, result.target_reached_on) == (None, None)
    assert result.weekly_needed == pytest.approx(180 / 6)


def test_flat_progress_forecasts_no_change_and_never_reaches_the_target() -> None:
    trained = [(AS_OF - dt.timedelta(days=60), 50)]

    result = forecast(trained, population=100, target_percent=90, as_of=AS_OF, go_live_on=GO_LIVE)

    assert result.weekly_rate == 0
    assert (result.projected, result.projected_low, result.projected_high) == (50, 50, 50)
    assert result.target_reached_on is None
    assert result.weekly_needed == pytest.approx(40 / 6)


def test_a_target_already_met_needs_nothing_more_and_is_dated_when_it_was_reached() -> None:
    trained = [(dt.date(2026, 2, 1), 60), (dt.date(2026, 2, 10), 35), (dt.date(2026, 2, 20), 5)]

    result = forecast(trained, population=100, target_percent=90, as_of=AS_OF, go_live_on=GO_LIVE)

    assert (result.target_met, result.misses_target) == (True, False)
    assert result.weekly_needed == 0
    assert result.target_reached_on == dt.date(2026, 2, 10)


def test_the_band_never_falls_below_today_nor_rises_above_everyone() -> None:
    result = forecast(
        _daily([0, 1, 90, 0, 85, 2]), population=200, target_percent=90, as_of=AS_OF,
        go_live_on=GO_LIVE,
    )  # fmt: skip

    for point in result.points:
        assert point.low is not None
        assert point.high is not None
        assert result.current <= point.low <= point.expected <= point.high <= 200


def test_weeks_before_the_first_completion_are_not_counted_as_zero_rate() -> None:
    assert weekly_increments(_daily([20, 30]), as_of=AS_OF, window=6) == [20, 30]


def test_the_forecast_ends_on_go_live_day() -> None:
    result = forecast(
        _daily([10, 10]), population=100, target_percent=50, as_of=AS_OF,
        go_live_on=AS_OF + dt.timedelta(days=10),
    )  # fmt: skip

    assert [p.on for p in result.points] == [
        AS_OF,
        AS_OF + dt.timedelta(days=7),
        AS_OF + dt.timedelta(days=10),
    ]
    assert result.projected == pytest.approx(20 + 10 * 10 / 7)


def test_the_plan_is_read_by_straight_lines_between_its_points() -> None:
    plan = [(dt.date(2026, 1, 1), 0.0), (dt.date(2026, 1, 11), 50.0), (dt.date(2026, 2, 1), 90.0)]

    assert planned_on(plan, dt.date(2026, 1, 6)) == pytest.approx(
        np.interp(5, [0, 10, 31], [0, 50, 90])
    )
    assert planned_on(plan, dt.date(2025, 12, 31)) is None
    assert planned_on(plan, dt.date(2026, 3, 1)) == 90.0
