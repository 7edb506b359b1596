"""Read-side queries for the communications and engagement plan."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from golive.access import Access
from golive.models import GoLive
from readiness.models import EngagementEvent


def visible_events(access: Access, go_live: GoLive) -> QuerySet[EngagementEvent]:
    """Trust-wide events, and those in areas the user may see."""
    events = EngagementEvent.objects.filter(go_live__in=access.go_lives(), go_live=go_live)
    return (
        events.filter(Q(area__isnull=True) | Q(area__in=access.areas()))
        .select_related("area")
        .prefetch_related("attendance")
    )


def attendance_by_group(events: Iterable[EngagementEvent]) -> list[tuple[str, int]]:
    """Total attendance per staff group across ``events`` (prefetched), largest first."""
    totals: dict[str, int] = defaultdict(int)
    for event in events:
        for row in event.attendance.all():
            totals[row.get_role_group_display()] += row.count
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
