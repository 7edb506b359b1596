"""Read-side queries for the hazard log, scoped by what the user may see."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from golive.access import Access
from golive.models import Programme
from readiness.models import Hazard, HazardTicket


def visible_hazards(access: Access, programme: Programme) -> QuerySet[Hazard]:
    return Hazard.objects.filter(
        programme__in=access.programmes(), programme=programme
    ).select_related("owner", "cso_signed_off_by")


def visible_ticket_links(access: Access) -> Prefetch:
    """A hazard's links to desk tickets, only those to tickets the user may see: the hazard
    log is programme-wide, but a ticket (even its id) belongs to its area."""
    links = access.filter_by_area(HazardTicket.objects.all(), area_field="ticket__area")
    return Prefetch("ticket_links", queryset=links.select_related("ticket").order_by("pk"))


def open_hazards(programme: Programme) -> QuerySet[Hazard]:
    return Hazard.objects.filter(programme=programme).exclude(status=Hazard.Status.CLOSED)
