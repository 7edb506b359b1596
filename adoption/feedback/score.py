"""The net experience score and the week a response counts for: arithmetic on survey answers
(1 to 5) and dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

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


def period_of(moment: dt.datetime) -> dt.date:
    """The period a response counts for: the ISO week (Monday to Sunday) of the day it was
    sent, in the trust's time zone, given by its Monday. One response per respondent per
    survey per period counts. A week, because scores are shown per week: a second answer in
    the same week would count one person twice in the same figure."""
    return week_of(timezone.localtime(moment).date())
