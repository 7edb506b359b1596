from __future__ import annotations

from support.stats import percentile


def test_the_median_of_an_odd_list_is_its_middle_value() -> None:
    assert percentile([5, 1, 3], 0.5) == 3


def test_the_90th_percentile_is_a_real_value_by_nearest_rank() -> None:
    assert percentile(list(range(1, 11)), 0.9) == 9
    assert percentile(list(range(1, 21)), 0.9) == 18


def test_no_values_have_no_percentile() -> None:
    assert percentile([], 0.5) is None
