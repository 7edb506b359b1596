"""The net experience score: pure arithmetic on survey answers (1 to 5), no Django."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

AGREE = frozenset({4, 5})
DISAGREE = frozenset({1, 2})


def net_experience_score(answers: Iterable[int]) -> int | None:
    """% of answers that agree minus % that disagree, rounded: −100 to +100 (None when
    there are no answers). Neutral answers count in the total but on neither side."""
    values = list(answers)
    if not values:
        return None
    agree = sum(1 for v in values if v in AGREE)
    disagree = sum(1 for v in values if v in DISAGREE)
    return round(100 * (agree - disagree) / len(values))


def week_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())
