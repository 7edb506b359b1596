"""SLA clocks for a ticket: when a first response and a resolution are due, and whether each
was met, is running, is due soon or has been breached. A clock runs around the clock (24/7)
or only in business hours (e.g. 08:00–18:00 Monday to Friday, local time). Pure: the caller
passes ``now`` and the hours."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

# A clock is "due soon" once this share of its allowance has gone.
WARN_FRACTION = 0.75


class ClockState(StrEnum):
    MET = "met"
    RUNNING = "running"
    DUE_SOON = "due_soon"
    BREACHED = "breached"  # still open and past due
    MISSED = "missed"  # done, but after it was due


STATE_LABELS = {
    ClockState.MET: "met",
    ClockState.RUNNING: "on time",
    ClockState.DUE_SOON: "due soon",
    ClockState.BREACHED: "breached",
    ClockState.MISSED: "missed",
}


@dataclass(frozen=True)
class Clock:
    due_at: dt.datetime
    state: ClockState

    @property
    def is_breach(self) -> bool:
        return self.state in {ClockState.BREACHED, ClockState.MISSED}

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class SlaStatus:
    first_response: Clock
    resolution: Clock

    @property
    def is_breached(self) -> bool:
        return self.first_response.is_breach or self.resolution.is_breach

    @property
    def is_overdue(self) -> bool:
        """A clock still running past its due time: something the desk owes right now."""
        return ClockState.BREACHED in {self.first_response.state, self.resolution.state}

    @property
    def needs_warning(self) -> bool:
        """Open clocks that are breached or nearly so: what the desk must act on now."""
        return any(
            clock.state in {ClockState.BREACHED, ClockState.DUE_SOON}
            for clock in (self.first_response, self.resolution)
        )


class Hours(Protocol):
    """When an SLA clock runs: what is due when, and how much of the allowance has gone."""

    def due(self, start: dt.datetime, allowance: dt.timedelta) -> dt.datetime: ...

    def elapsed(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta: ...


class AroundTheClock:
    """Every minute counts (P1/P2 during hypercare)."""

    def due(self, start: dt.datetime, allowance: dt.timedelta) -> dt.datetime:
        return start + allowance

    def elapsed(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        return end - start


ALWAYS = AroundTheClock()
# Far enough to cross any run of non-working days; a guard, not a limit anyone meets.
_MAX_DAYS = 3660


@dataclass(frozen=True)
class BusinessHours:
    """Only the working day counts: from ``opens`` to ``closes`` local time, on ``days``
    (0 = Monday … 6 = Sunday). A ticket logged on Friday evening starts its clock on Monday
    morning."""

    opens: dt.time
    closes: dt.time
    days: frozenset[int]
    zone: ZoneInfo

    def __post_init__(self) -> None:
        if self.closes <= self.opens:
            raise ValueError("business hours must close after they open")
        if not self.days or not self.days <= set(range(7)):
            raise ValueError("business days are weekday numbers 0 (Monday) to 6 (Sunday)")

    def _window(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        """The working window of a local day, in UTC, or None on a non-working day."""
        if day.weekday() not in self.days:
            return None
        opens = dt.datetime.combine(day, self.opens, tzinfo=self.zone).astimezone(dt.UTC)
        closes = dt.datetime.combine(day, self.closes, tzinfo=self.zone).astimezone(dt.UTC)
        return opens, closes

    def due(self, start: dt.datetime, allowance: dt.timedelta) -> dt.datetime:
        left = allowance
        first = start.astimezone(self.zone).date()
        for offset in range(_MAX_DAYS):
            window = self._window(first + dt.timedelta(days=offset))
            if window is None:
                continue
            opens, closes = max(window[0], start), window[1]
            if opens >= closes:
                continue
            if left <= closes - opens:
                return opens + left
            left -= closes - opens
        raise ValueError("no working time within ten years")

    def elapsed(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        total = dt.timedelta()
        if end <= start:
            return total
        day, last = start.astimezone(self.zone).date(), end.astimezone(self.zone).date()
        while day <= last:
            window = self._window(day)
            if window is not None:
                overlap = min(window[1], end) - max(window[0], start)
                total += max(overlap, dt.timedelta())
            day += dt.timedelta(days=1)
        return total


def clock(
    *,
    started_at: dt.datetime,
    allowance: dt.timedelta,
    done_at: dt.datetime | None,
    now: dt.datetime,
    hours: Hours = ALWAYS,
) -> Clock:
    due_at = hours.due(started_at, allowance)
    # Work done after ``now`` has not happened yet as far as ``now`` is concerned (the live
    # board can replay a past moment).
    if done_at is not None and done_at <= now:
        return Clock(due_at, ClockState.MET if done_at <= due_at else ClockState.MISSED)
    if now > due_at:
        return Clock(due_at, ClockState.BREACHED)
    if hours.elapsed(started_at, now) >= allowance * WARN_FRACTION:
        return Clock(due_at, ClockState.DUE_SOON)
    return Clock(due_at, ClockState.RUNNING)


def sla_status(
    *,
    created_at: dt.datetime,
    first_response_at: dt.datetime | None,
    resolved_at: dt.datetime | None,
    first_response_allowance: dt.timedelta,
    resolve_allowance: dt.timedelta,
    now: dt.datetime,
    hours: Hours = ALWAYS,
) -> SlaStatus:
    """Both clocks of one ticket. Resolving a ticket also answers it, so a ticket resolved
    without a separate first response has its response clock stopped at resolution."""
    responded_at = first_response_at or resolved_at
    return SlaStatus(
        first_response=clock(
            started_at=created_at,
            allowance=first_response_allowance,
            done_at=responded_at,
            now=now,
            hours=hours,
        ),
        resolution=clock(
            started_at=created_at,
            allowance=resolve_allowance,
            done_at=resolved_at,
            now=now,
            hours=hours,
        ),
    )
