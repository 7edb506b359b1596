"""Spot a pattern on the desk within the hour: a category taking over the queue (one trust
found 80% of its go-live tickets were people unable to log in) or one area suddenly busy.
Pure functions over arrival times; the caller passes ``now`` and the thresholds."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class ShareSpike:
    """A category's share of the last window's tickets is above the threshold."""

    key: str
    count: int
    total: int

    @property
    def share(self) -> float:
        return self.count / self.total


@dataclass(frozen=True)
class Burst:
    """An area logged far more in the last window than its usual rate."""

    key: str
    count: int
    baseline_per_window: float


def _in_window(
    arrivals: Iterable[tuple[dt.datetime, str]], start: dt.datetime, end: dt.datetime
) -> list[str]:
    return [key for at, key in arrivals if start < at <= end]


def share_spikes(
    arrivals: Sequence[tuple[dt.datetime, str]],
    *,
    now: dt.datetime,
    window: dt.timedelta = HOUR,
    threshold: float = 0.4,
    min_count: int = 10,
) -> list[ShareSpike]:
    """Keys (categories) holding more than ``threshold`` of the tickets that arrived in the
    window ending at ``now``, with at least ``min_count`` of them (so three tickets at 3 am
    are not a spike). Largest share first."""
    keys = _in_window(arrivals, now - window, now)
    counts = Counter(keys)
    total = len(keys)
    spikes = [
        ShareSpike(key, count, total)
        for key, count in counts.items()
        if count >= min_count and count / total > threshold
    ]
    return sorted(spikes, key=lambda spike: (-spike.count, spike.key))


def bursts(
    arrivals: Sequence[tuple[dt.datetime, str]],
    *,
    now: dt.datetime,
    window: dt.timedelta = HOUR,
    baseline: dt.timedelta = dt.timedelta(hours=24),
    factor: float = 3.0,
    min_count: int = 5,
    floor_per_window: float = 1.0,
) -> list[Burst]:
    """Keys (areas) whose count in the window ending at ``now`` is at least ``min_count``
    and at least ``factor`` times their average per window over the ``baseline`` before it.
    The average is floored at ``floor_per_window`` so a quiet area's first few tickets do
    not count as a burst on their own."""
    recent = Counter(_in_window(arrivals, now - window, now))
    before = Counter(_in_window(arrivals, now - window - baseline, now - window))
    windows = baseline / window
    found = []
    for key, count in recent.items():
        average = before.get(key, 0) / windows
        if count >= min_count and count >= factor * max(average, floor_per_window):
            found.append(Burst(key, count, average))
    return sorted(found, key=lambda burst: (-burst.count, burst.key))


def hourly_counts(times: Iterable[dt.datetime], *, start: dt.datetime, hours: int) -> list[int]:
    """Arrivals per hour for ``hours`` hours from ``start`` (later or earlier ones ignored)."""
    counts = [0] * hours
    for at in times:
        index = int((at - start) // HOUR)
        if 0 <= index < hours:
            counts[index] += 1
    return counts
