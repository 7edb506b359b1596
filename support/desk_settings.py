"""The desk's tunable rules, read from settings when used (never at import): the working
day for business-hours SLA targets and the thresholds behind the live board's spike alerts.
Each has a default that suits a go-live; a trust changes them through the environment."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

from support.models import SlaTarget
from support.sla import ALWAYS, BusinessHours, Hours


def business_hours() -> BusinessHours:
    return BusinessHours(
        opens=settings.SUPPORT_BUSINESS_OPENS,
        closes=settings.SUPPORT_BUSINESS_CLOSES,
        days=frozenset(settings.SUPPORT_BUSINESS_DAYS),
        zone=ZoneInfo(settings.TIME_ZONE),
    )


def hours_for(clock: str) -> Hours:
    """When an SLA target's clock runs, from its ``SlaTarget.clock`` value."""
    return business_hours() if clock == SlaTarget.Clock.BUSINESS_HOURS else ALWAYS


@dataclass(frozen=True)
class SpikeThresholds:
    share: float  # a category above this share of the last hour's tickets is a spike...
    min_tickets: int  # ...when it has at least this many of them
    burst_factor: float  # an area (or category) at this multiple of its usual rate...
    burst_min_tickets: int  # ...with at least this many tickets in the hour is a burst


def spike_thresholds() -> SpikeThresholds:
    return SpikeThresholds(
        share=settings.SUPPORT_SPIKE_SHARE_PERCENT / 100,
        min_tickets=settings.SUPPORT_SPIKE_MIN_TICKETS,
        burst_factor=float(settings.SUPPORT_BURST_FACTOR),
        burst_min_tickets=settings.SUPPORT_BURST_MIN_TICKETS,
    )
