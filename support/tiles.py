"""The service desk as the core's dashboards show it: the open tickets tile (registered in
``SupportConfig.ready``)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from golive.access import Access
from golive.models import GoLive
from golive.tiles import Tile
from support.models import Priority, Ticket
from support.selectors import visible_tickets


def support_tile(access: Access, go_live: GoLive, today: dt.date) -> Tile:
    open_tickets = visible_tickets(access, go_live).filter(status__in=Ticket.OPEN_STATUSES)
    urgent = open_tickets.filter(priority=Priority.P1).count()
    return Tile(
        "Service desk",
        f"{open_tickets.count():,}",
        f"open tickets; {urgent:,} at priority 1",
        reverse("support:board"),
    )
