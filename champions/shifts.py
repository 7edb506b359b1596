"""Shift times and coverage arithmetic: plain calculations with no database."""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Europe/London")
DAYS_BEFORE_GO_LIVE = 7
DAYS_AFTER_GO_LIVE = 6  # with the go-live day itself: two weeks


def default_period(user_go_live: dt.date) -> tuple[dt.date, dt.date]:
    """The roster period when none is given: the week before user go-live and the week
    from it (14 days, both ends included)."""
    return (
        user_go_live - dt.timedelta(days=DAYS_BEFORE_GO_LIVE),
        user_go_live + dt.timedelta(days=DAYS_AFTER_GO_LIVE),
    )


def days_in(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def shift_span(day: dt.date, start: dt.time, end: dt.time) -> tuple[dt.datetime, dt.datetime]:
    """A shift's start and end in UTC, from local (Europe/London) wall-clock times. An end at
    or before the start is on the next day (a night shift); across a clock change the shift
    is an hour shorter or longer, as it is on the ward."""
    end_day = day + dt.timedelta(days=1) if end <= start else day
    starts = dt.datetime.combine(day, start, tzinfo=LOCAL_ZONE)
    ends = dt.datetime.combine(end_day, end, tzinfo=LOCAL_ZONE)
    return starts.astimezone(dt.UTC), ends.astimezone(dt.UTC)


def supporters_needed(staff_on_shift: int, staff_per_supporter: int) -> int:
    """Super users or champions a shift needs: one per ``staff_per_supporter`` staff on it,
    rounded up (8 staff at 1 per 10 still need one; an empty shift needs none)."""
    if staff_per_supporter < 1:
        raise ValueError("staff_per_supporter must be at least 1")
    return math.ceil(max(staff_on_shift, 0) / staff_per_supporter)
