"""Summary figures for the desk's analytics: median and 90th percentile durations."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The nearest-rank percentile (no interpolation: the figure is a real ticket's)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def minutes_between(pairs: Sequence[tuple[dt.datetime, dt.datetime | None]]) -> list[float]:
    return [(end - start).total_seconds() / 60 for start, end in pairs if end is not None]
