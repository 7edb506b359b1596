"""SLA clocks for a ticket: when a first response and a resolution are due, and whether each
was met, is running, is due soon or has been breached. Pure: the caller passes ``now``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

# A clock is "due soon" once this share of its allowance has gone.
WARN_FRACTION = 0.75


class ClockState(StrEnum):
    MET = "met"
    RUNNING = "running"
    DUE_SOON = "due_soon"
    BREACHED = "breached"  # still open and past due
    MISSED = "missed"  # done, but after it was due


@dataclass(frozen=True)
class Clock:
    due_at: dt.datetime
    state: ClockState

    @property
    def is_breach(self) -> bool:
        return self.state in {ClockState.BREACHED, ClockState.MISSED}


@dataclass(frozen=True)
class SlaStatus:
    first_response: Clock
    resolution: Clock

    @property
    def is_breached(self) -> bool:
        return self.first_response.is_breach or self.resolution.is_breach

    @property
    def needs_warning(self) -> bool:
        """Open clocks that are breached or nearly so: what the desk must act on now."""
        return any(
            clock.state in {ClockState.BREACHED, ClockState.DUE_SOON}
            for clock in (self.first_response, self.resolution)
        )


def clock(
    *,
    started_at: dt.datetime,
    allowance: dt.timedelta,
    done_at: dt.datetime | None,
    now: dt.datetime,
) -> Clock:
    due_at = started_at + allowance
    if done_at is not None:
        return Clock(due_at, ClockState.MET if done_at <= due_at else ClockState.MISSED)
    if now > due_at:
        return Clock(due_at, ClockState.BREACHED)
    if now - started_at >= allowance * WARN_FRACTION:
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
) -> SlaStatus:
    """Both clocks of one ticket. Resolving a ticket also answers it, so a ticket resolved
    without a separate first response has its response clock stopped at resolution."""
    responded_at = first_response_at or resolved_at
    return SlaStatus(
        first_response=clock(
            started_at=created_at, allowance=first_response_allowance, done_at=responded_at, now=now
        ),
        resolution=clock(
            started_at=created_at, allowance=resolve_allowance, done_at=resolved_at, now=now
        ),
    )
