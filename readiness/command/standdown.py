"""Stand-down arithmetic that needs no database: the busiest hour of ticket arrivals."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable


def busiest_hour(arrivals: Iterable[dt.datetime], *, end: dt.datetime, hours: int) -> int:
    """The most tickets that arrived in any one of the ``hours`` whole hours ending at
    ``end`` (hour buckets counted back from ``end``); arrivals outside the window are
    ignored."""
    start = end - dt.timedelta(hours=hours)
    buckets: Counter[int] = Counter()
    for at in arrivals:
        if start <= at < end:
            buckets[int((at - start).total_seconds() // 3600)] += 1
    return max(buckets.values(), default=0)
