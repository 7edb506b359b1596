"""Statistics written as people write them."""

from __future__ import annotations

import pytest

from adoption.analytics import stats_wording

MINUS = "\N{MINUS SIGN}"


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.0, "p < 0.001"),
        (0.00049, "p < 0.001"),
        (0.0012, "p = 0.001"),
        (0.034, "p = 0.034"),
        (0.0499, "p = 0.0499"),  # not "0.050": that reads as not significant
        (0.05, "p = 0.050"),
        (0.1234, "p = 0.12"),
        (0.5, "p = 0.50"),
        (0.996, "p > 0.99"),
    ],
)
def test_p_values_read_as_people_write_them(p: float, text: str) -> None:
    assert stats_wording.p_value(p) == text


def test_a_change_that_rounds_to_nothing_reads_as_no_clear_change_with_its_interval() -> None:
    assert stats_wording.change_phrase(0.3, -1.2, 1.8) == (
        f"showed no clear change (95% CI {MINUS}1% to 2%)"
    )
    assert stats_wording.change_phrase(-0.2, -0.4, 0.44) == (
        f"showed no clear change (95% CI {MINUS}0.4% to 0.4%)"
    )


def test_a_small_change_that_is_clear_gets_the_decimals_to_show_it() -> None:
    assert stats_wording.change_phrase(0.3, 0.1, 0.5) == "rose 0.3% (95% CI 0.1% to 0.5%)"


def test_an_estimate_and_its_interval_share_their_decimals() -> None:
    assert stats_wording.change_phrase(18.3, 9.1, 27.6) == "rose 18% (95% CI 9% to 28%)"
    assert stats_wording.change_phrase(1.4, 0.2, 2.6) == "rose 1.4% (95% CI 0.2% to 2.6%)"
    assert stats_wording.change_phrase(-1.4, -2.6, -0.2) == (
        f"fell 1.4% (95% CI {MINUS}2.6% to {MINUS}0.2%)"
    )


def test_counts_follow_their_unit() -> None:
    assert stats_wording.change_phrase(12.0, 4.5, 19.5, unit=" per day", least=1) == (
        "rose by 12.0 per day (95% CI 4.5 to 19.5)"
    )


def test_numbers_use_a_true_minus_sign_and_never_show_minus_zero() -> None:
    assert stats_wording.number(-3.25) == f"{MINUS}3.2"
    assert stats_wording.number(1234.5) == "1,234"
    assert stats_wording.number(-0.004) == f"{MINUS}0.004"
    assert stats_wording.fixed(-0.0001, 1) == "0.0"
    assert stats_wording.fixed(2.0, 0, sign=True) == "+2"


def test_a_signed_difference_keeps_its_interval_at_the_same_decimals() -> None:
    assert stats_wording.signed_estimate(15.91, 15.34, 16.48, unit=" percentage points") == (
        "+15.9 percentage points (95% CI +15.3 to +16.5)"
    )
    assert stats_wording.signed_estimate(-4.2, -9.8, 1.4) == f"{MINUS}4 (95% CI {MINUS}10 to +1)"


@pytest.mark.parametrize(
    ("first", "second", "least", "places"),
    [
        (17.6, 2.4, 0, 1),  # 18 − 2 would not read as 15
        (18.2, 2.1, 0, 0),  # 18 − 2 = 16
        (17.94, 2.45, 1, 2),  # 17.9 − 2.5 would not read as 15.5
    ],
)
def test_figures_meant_to_be_subtracted_get_the_decimals_at_which_they_add_up(
    first: float, second: float, least: int, places: int
) -> None:
    assert stats_wording.adding_decimals(first, second, first - second, least=least) == places


def test_an_estimate_without_an_interval_says_so() -> None:
    assert stats_wording.signed_estimate(3.2, None, None, unit=" per day", least=1) == (
        "+3.2 per day (interval cannot be estimated)"
    )
