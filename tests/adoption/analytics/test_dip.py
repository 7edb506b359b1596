"""Dip and recovery against answers computed here, independently, with numpy.

The baseline is the 28 days before go-live (``before``), so 4 weeks: each day after go-live
is compared with the mean of its weekday, ``before.reshape(4, 7).mean(axis=0)[day % 7]``
(28 is a whole number of weeks, so day ``d`` after go-live falls on the weekday of baseline
days ``d % 7``, ``d % 7 + 7`` ...), and a 7-day mean with the flat mean."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from adoption.analytics import dip

GO_LIVE = dt.date(2025, 3, 3)
BASELINE_DAYS = 28
SMOOTHING = 7
TOLERANCE = 0.95
HOLD = 3


def series(before: np.ndarray | None, after: np.ndarray) -> list[tuple[dt.date, float | None]]:
    """Daily values: ``before`` ends the day before go-live, ``after`` starts on it."""
    values: list[tuple[dt.date, float | None]] = []
    if before is not None:
        start = GO_LIVE - dt.timedelta(days=len(before))
        values += [(start + dt.timedelta(days=i), float(v)) for i, v in enumerate(before)]
    values += [(GO_LIVE + dt.timedelta(days=i), float(v)) for i, v in enumerate(after)]
    return values


def usual(before: np.ndarray, n: int) -> np.ndarray:
    """What each of the ``n`` days from go-live is compared with: its weekday's mean."""
    return before.reshape(-1, SMOOTHING).mean(axis=0)[np.arange(n) % SMOOTHING]


def first_held(ok: np.ndarray) -> int:
    """The first day from go-live from which ``HOLD`` days running are ``ok``."""
    return next(d for d in range(len(ok) - HOLD + 1) if ok[d : d + HOLD].all())


def planted_v(seed: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """28 days around 200 a day, then a V: 45% down at the bottom (day 3), back in 10 days,
    with noise of a few events a day throughout."""
    rng = np.random.default_rng(seed)
    before = 200 + rng.normal(0, 3, BASELINE_DAYS)
    days = np.arange(60)
    depth = 0.45 * np.clip(1 - np.abs(days - 3) / 10, 0, None)
    after = 200 * (1 - depth) + rng.normal(0, 3, len(days))
    return before, after


def test_a_planted_v_shaped_dip_gives_the_known_depths_and_recoveries() -> None:
    before, after = planted_v()

    result = dip.dip_and_recovery(series(before, after), GO_LIVE)

    base = before.mean()
    expected = usual(before, len(after))
    change = 100 * (after - expected) / expected
    daily = first_held(after >= TOLERANCE * expected)
    bottom = int(np.argmin(change[: daily + 1]))
    means = np.convolve(after, np.ones(SMOOTHING) / SMOOTHING, mode="valid")
    smoothed = int(np.argmax(means >= TOLERANCE * base)) + SMOOTHING - 1
    lowest = int(np.argmin(means[: smoothed - SMOOTHING + 2]))
    assert result.baseline == pytest.approx(base)
    assert result.baseline_source == dip.BEFORE_GO_LIVE
    assert result.by_weekday
    assert result.go_live_day is not None
    assert result.go_live_day.change == pytest.approx(change[0])
    assert result.deepest_day is not None
    assert (result.deepest_day.day, result.deepest_day.change) == (
        bottom,
        pytest.approx(change[bottom]),
    )
    assert result.deepest_week is not None
    assert result.deepest_week.day == lowest + SMOOTHING - 1
    assert result.deepest_week.change == pytest.approx(100 * (means[lowest] - base) / base)
    assert result.recovery_daily == daily
    assert result.recovery_smoothed == smoothed
    assert result.recovery_daily_text == f"Day {daily}"
    # What the named figures are for: smoothing reads shallower and recovers later.
    assert result.deepest_week.change > result.deepest_day.change + 5
    assert smoothed > daily


def test_a_weekly_pattern_without_a_dip_is_no_dip_recovered_from_go_live() -> None:
    # Weekends at 60% of weekdays before and after go-live; GO_LIVE is a Monday.
    rng = np.random.default_rng(7)
    week = np.array([200.0] * 5 + [120.0] * 2)
    before = np.tile(week, 4) + rng.normal(0, 2, BASELINE_DAYS)
    after = np.tile(week, 10) + rng.normal(0, 2, 70)

    result = dip.dip_and_recovery(series(before, after), GO_LIVE)

    expected = usual(before, len(after))
    assert (after >= TOLERANCE * expected).all()  # no day is below its weekday's usual
    assert result.recovery_daily == 0
    assert result.recovery_daily_text == dip.NO_DIP
    assert result.recovery_smoothed == SMOOTHING - 1
    assert result.recovery_smoothed_text == dip.NO_DIP
    assert result.deepest_day is not None
    assert result.deepest_day.day <= result.recovery_daily
    assert result.baseline == pytest.approx(before.mean())  # shown as the flat mean


def test_a_bank_holiday_months_later_is_not_the_go_live_dip() -> None:
    before, after = planted_v()
    after = np.concatenate([after, 200 + np.random.default_rng(5).normal(0, 3, 60)])
    after[100] = 0.5 * after[100]  # a bank holiday at half the usual

    result = dip.dip_and_recovery(series(before, after), GO_LIVE)

    expected = usual(before, len(after))
    change = 100 * (after - expected) / expected
    daily = first_held(after >= TOLERANCE * expected)
    assert daily < 20
    assert result.recovery_daily == daily
    assert result.deepest_day is not None
    assert 0 <= result.deepest_day.day <= daily
    assert result.deepest_day.change == pytest.approx(change[: daily + 1].min())
    assert result.deepest_week is not None
    assert result.recovery_smoothed is not None
    assert result.deepest_week.day <= result.recovery_smoothed < 30


def test_a_dip_that_starts_on_the_fourth_day_is_found_and_recovered_from() -> None:
    # A Friday go-live: the weekend is fine, then Monday to Wednesday run at 40%.
    rng = np.random.default_rng(11)
    before = 200 + rng.normal(0, 2, BASELINE_DAYS)
    after = 200 + rng.normal(0, 2, 60)
    after[3:6] = 0.4 * after[3:6]

    result = dip.dip_and_recovery(series(before, after), GO_LIVE)

    expected = usual(before, len(after))
    ok = after >= TOLERANCE * expected
    start = int(np.argmin(ok))  # the first day below the tolerance
    daily = start + first_held(ok[start:])
    change = 100 * (after - expected) / expected
    assert (start, daily) == (3, 6)
    assert result.recovery_daily == daily
    assert result.recovery_daily_text == f"Day {daily}"
    assert result.deepest_day is not None
    assert result.deepest_day.change == pytest.approx(change[: daily + 1].min())
    means = np.convolve(after, np.ones(SMOOTHING) / SMOOTHING, mode="valid")  # ends on day i+6
    week_ok = means >= TOLERANCE * before.mean()
    week_start = int(np.argmin(week_ok))
    smoothed = week_start + int(np.argmax(week_ok[week_start:])) + SMOOTHING - 1
    assert result.recovery_smoothed == smoothed
    assert result.recovery_smoothed_text == f"Day {smoothed}"


def test_a_quiet_day_after_the_first_four_weeks_is_no_go_live_dip() -> None:
    rng = np.random.default_rng(12)
    before = 200 + rng.normal(0, 2, BASELINE_DAYS)
    after = 200 + rng.normal(0, 2, 60)
    after[40] = 0.3 * after[40]

    result = dip.dip_and_recovery(series(before, after), GO_LIVE)

    assert result.recovery_daily_text == dip.NO_DIP
    assert result.recovery_smoothed_text == dip.NO_DIP


def test_a_trickle_of_test_events_before_go_live_is_not_the_baseline() -> None:
    # A technical go-live: 2 test events a day for the 28 days, then real use of ~200.
    before = np.full(BASELINE_DAYS, 2.0)
    after = np.array([120.0] * 5 + [200.0] * 65)

    result = dip.dip_and_recovery(series(before, after), GO_LIVE)

    assert before.mean() < dip.MIN_BASELINE_SHARE * after.mean()
    assert result.baseline_source == dip.STEADY_STATE
    assert result.baseline == pytest.approx(after[-BASELINE_DAYS:].mean())
    assert result.go_live_day is not None
    assert result.go_live_day.change == pytest.approx(-40.0)
    assert result.recovery_daily == 5


def test_a_few_days_of_use_before_go_live_are_not_the_baseline() -> None:
    before = np.array([0.0] * 22 + [150.0] * 6)  # 6 days of use: fewer than a week

    result = dip.dip_and_recovery(series(before, np.full(20, 200.0)), GO_LIVE)

    assert result.baseline is None  # and not yet 56 days for a steady state
    assert result.recovery_daily_text == dip.NOT_ENOUGH_DATA


def test_real_use_before_go_live_stays_the_baseline_even_after_a_deep_dip() -> None:
    before = np.full(BASELINE_DAYS, 100.0)
    after = np.array([15.0] * 10 + [100.0] * 60)

    result = dip.dip_and_recovery(series(before, after), GO_LIVE)

    assert result.baseline_source == dip.BEFORE_GO_LIVE
    assert result.go_live_day is not None
    assert result.go_live_day.change == pytest.approx(-85.0)


def test_the_figures_read_as_signed_percentages_with_their_days() -> None:
    after = np.array([72.0, 55.0, 60.0, 90.0, 100.0, 100.0, 100.0] + [100.0] * 20)

    result = dip.dip_and_recovery(series(np.full(28, 100.0), after), GO_LIVE)

    assert result.go_live_day_text == "\N{MINUS SIGN}28%"
    assert result.deepest_day_text == "\N{MINUS SIGN}45%, day 1"
    assert result.recovery_daily_text == "Day 4"
    assert result.deepest_week_text.endswith("days 0\N{EN DASH}6")


def test_a_day_without_data_breaks_the_run_of_recovered_days() -> None:
    after: list[float | None] = [50.0, 100.0, None, 100.0, 100.0, 100.0, 100.0]
    values = series(np.full(28, 100.0), np.array([]))
    values += [(GO_LIVE + dt.timedelta(days=i), v) for i, v in enumerate(after)]

    result = dip.dip_and_recovery(values, GO_LIVE)

    assert result.recovery_daily == 3


def test_for_a_lower_is_better_metric_the_dip_is_a_peak() -> None:
    rng = np.random.default_rng(9)
    before = 10 + rng.normal(0, 0.2, BASELINE_DAYS)
    after = np.array([30.0, 40.0, 25.0, 12.0, 10.0, 10.0, 10.0, 10.0] + [10.0] * 20)

    result = dip.dip_and_recovery(series(before, after), GO_LIVE, higher_is_better=False)

    expected = usual(before, len(after))
    daily = first_held(after <= expected / TOLERANCE)
    change = 100 * (after - expected) / expected
    peak = int(np.argmax(change[: daily + 1]))
    assert result.deepest_day is not None
    assert result.deepest_day.day == peak == 1
    assert result.deepest_day.change == pytest.approx(change[1])
    assert result.recovery_daily == daily


def test_recovery_is_not_yet_when_use_stays_below_the_baseline() -> None:
    after = np.array([60.0] * 7 + [90.0] * 20)  # 90% of the baseline: not back

    result = dip.dip_and_recovery(series(np.full(28, 100.0), after), GO_LIVE)

    assert (result.recovery_daily, result.recovery_smoothed) == (None, None)
    assert result.recovery_daily_text == dip.NOT_YET
    assert result.recovery_smoothed_text == dip.NOT_YET


def test_without_a_baseline_every_figure_says_not_enough_data() -> None:
    result = dip.dip_and_recovery(series(None, np.full(20, 50.0)), GO_LIVE)

    assert result.baseline is None
    assert result.go_live_day is None
    assert result.recovery_daily_text == dip.NOT_ENOUGH_DATA
    assert result.recovery_smoothed_text == dip.NOT_ENOUGH_DATA
    assert result.go_live_day_text == dip.DASH


def test_a_first_go_live_with_only_zeros_before_is_measured_against_its_steady_state() -> None:
    after = np.array([50.0] * 10 + [100.0] * 60)

    result = dip.dip_and_recovery(series(np.zeros(28), after), GO_LIVE)

    assert result.baseline_source == dip.STEADY_STATE
    assert result.baseline == pytest.approx(after[-BASELINE_DAYS:].mean())
    assert result.deepest_day is not None
    assert result.deepest_day.change == pytest.approx(-50.0)
    # The 7-day mean is back at 95 only when its window holds no 50s: days 10 to 16.
    assert result.recovery_smoothed == 16
    assert result.recovery_daily == 10


def test_use_that_never_falls_below_the_tolerance_is_no_dip() -> None:
    after = np.array([97.0, 96.0, 99.0] + [100.0] * 20)

    result = dip.dip_and_recovery(series(np.full(28, 100.0), after), GO_LIVE)

    assert result.recovery_daily_text == dip.NO_DIP
    assert result.recovery_smoothed_text == dip.NO_DIP
    assert result.recovery_daily == 0  # recovered from the go-live day


def test_only_the_days_after_go_live_within_the_follow_up_are_searched() -> None:
    after = np.array([100.0] * dip.FOLLOW_DAYS + [1.0] * 5)  # a data outage much later

    result = dip.dip_and_recovery(series(np.full(28, 100.0), after), GO_LIVE)

    assert result.recovery_daily_text == dip.NO_DIP


def test_percent_text_uses_a_true_minus_and_a_plus() -> None:
    assert [dip.percent_text(v) for v in (-27.6, 4.4, 0.2, None)] == [
        "\N{MINUS SIGN}28%",
        "+4%",
        "0%",
        dip.DASH,
    ]
