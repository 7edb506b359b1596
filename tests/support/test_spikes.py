from __future__ import annotations

import datetime as dt

from support.spikes import bursts, hourly_counts, share_spikes

NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


def arrivals(key: str, count: int, *, minutes_ago_from: int, minutes_ago_to: int):
    """``count`` arrivals of ``key`` spread evenly between the two offsets before NOW."""
    span = minutes_ago_from - minutes_ago_to
    step = span / count
    return [(NOW - dt.timedelta(minutes=minutes_ago_from - step * i), key) for i in range(count)]


def test_login_taking_over_the_last_hour_is_a_spike() -> None:
    pattern = arrivals("Access", 12, minutes_ago_from=59, minutes_ago_to=1) + arrivals(
        "Printing", 8, minutes_ago_from=59, minutes_ago_to=1
    )
    spikes = share_spikes(pattern, now=NOW, threshold=0.4, min_count=10)
    assert [(s.key, s.count, s.total) for s in spikes] == [("Access", 12, 20)]
    assert spikes[0].share == 0.6


def test_a_share_at_the_threshold_is_not_a_spike() -> None:
    pattern = arrivals("Access", 10, minutes_ago_from=50, minutes_ago_to=1) + arrivals(
        "Other", 15, minutes_ago_from=50, minutes_ago_to=1
    )
    spikes = share_spikes(pattern, now=NOW, threshold=0.4, min_count=10)
    assert [s.key for s in spikes] == ["Other"]  # Access is exactly 40%: not above it


def test_a_few_tickets_in_a_quiet_hour_are_not_a_spike() -> None:
    pattern = arrivals("Access", 3, minutes_ago_from=50, minutes_ago_to=1)
    assert share_spikes(pattern, now=NOW, threshold=0.4, min_count=10) == []


def test_tickets_before_the_last_hour_do_not_count_towards_a_spike() -> None:
    pattern = arrivals("Access", 30, minutes_ago_from=180, minutes_ago_to=61) + arrivals(
        "Other", 10, minutes_ago_from=50, minutes_ago_to=1
    )
    spikes = share_spikes(pattern, now=NOW, threshold=0.4, min_count=10)
    assert [s.key for s in spikes] == ["Other"]


def test_an_area_logging_many_times_its_usual_rate_is_a_burst() -> None:
    usual = arrivals("Ward 7B", 24, minutes_ago_from=24 * 60 + 59, minutes_ago_to=61)
    now_busy = arrivals("Ward 7B", 6, minutes_ago_from=50, minutes_ago_to=1)
    found = bursts(usual + now_busy, now=NOW, factor=3, min_count=5)
    assert [(b.key, b.count, b.baseline_per_window) for b in found] == [("Ward 7B", 6, 1.0)]


def test_an_area_that_is_always_busy_is_not_a_burst() -> None:
    usual = arrivals("ED", 24 * 5, minutes_ago_from=24 * 60 + 59, minutes_ago_to=61)
    now_busy = arrivals("ED", 6, minutes_ago_from=50, minutes_ago_to=1)
    assert bursts(usual + now_busy, now=NOW, factor=3, min_count=5) == []


def test_a_quiet_area_needs_the_minimum_count_to_burst() -> None:
    pattern = arrivals("Oak Ward", 4, minutes_ago_from=50, minutes_ago_to=1)
    assert bursts(pattern, now=NOW, factor=3, min_count=5) == []


def test_arrivals_are_counted_per_hour_from_the_start() -> None:
    start = NOW - dt.timedelta(hours=3)
    times = [start, start + dt.timedelta(minutes=59), start + dt.timedelta(hours=2, minutes=1)]
    assert hourly_counts(times, start=start, hours=3) == [2, 0, 1]
