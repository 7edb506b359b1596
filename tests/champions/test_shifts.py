from __future__ import annotations

import datetime as dt

import pytest

from champions.shifts import default_period, shift_span, supporters_needed

UTC = dt.UTC


def test_a_summer_early_shift_is_stored_an_hour_earlier_in_utc() -> None:
    starts, ends = shift_span(dt.date(2026, 7, 1), dt.time(7, 0), dt.time(15, 0))

    assert starts == dt.datetime(2026, 7, 1, 6, 0, tzinfo=UTC)
    assert ends == dt.datetime(2026, 7, 1, 14, 0, tzinfo=UTC)


def test_a_night_shift_ends_the_next_morning() -> None:
    starts, ends = shift_span(dt.date(2026, 1, 10), dt.time(20, 0), dt.time(8, 0))

    assert starts == dt.datetime(2026, 1, 10, 20, 0, tzinfo=UTC)
    assert ends == dt.datetime(2026, 1, 11, 8, 0, tzinfo=UTC)


def test_the_night_the_clocks_go_back_is_thirteen_hours_long() -> None:
    starts, ends = shift_span(dt.date(2026, 10, 24), dt.time(20, 0), dt.time(8, 0))

    assert ends - starts == dt.timedelta(hours=13)


def test_the_night_the_clocks_go_forward_is_eleven_hours_long() -> None:
    starts, ends = shift_span(dt.date(2026, 3, 28), dt.time(20, 0), dt.time(8, 0))

    assert ends - starts == dt.timedelta(hours=11)


def test_default_period_is_the_fortnight_around_user_go_live() -> None:
    first, last = default_period(dt.date(2026, 6, 15))

    assert (first, last) == (dt.date(2026, 6, 8), dt.date(2026, 6, 21))
    assert (last - first).days + 1 == 14


@pytest.mark.parametrize(
    ("staff", "ratio", "needed"),
    [(0, 10, 0), (1, 10, 1), (10, 10, 1), (11, 10, 2), (25, 10, 3), (25, 5, 5)],
)
def test_one_supporter_is_needed_per_ratio_of_staff_rounded_up(
    staff: int, ratio: int, needed: int
) -> None:
    assert supporters_needed(staff, ratio) == needed


def test_a_ratio_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        supporters_needed(5, 0)
