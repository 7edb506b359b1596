"""The go-live at a glance: one tile per section (readiness, training, service desk), for the
executive dashboard. Each figure comes from its own section's selectors, scoped to what the
user may see, so a ward manager's tiles cover their areas only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse

from golive.access import Access
from golive.models import GoLive


@dataclass(frozen=True)
class Tile:
    title: str
    figure: str  # the headline, e.g. "63%"
    detail: str  # what the figure means, in words
    url: str


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:g}%"


def readiness_tile(access: Access, go_live: GoLive, today: dt.date) -> Tile:
    from readiness.assessment.selectors import BoardFilters, board  # noqa: PLC0415 - apps import golive

    scores = board(access, go_live, BoardFilters(), today=today)
    red = sum(1 for row in scores.rows for cell in row.cells if cell.rag == "red")
    return Tile(
        "Readiness",
        _percent(scores.go_live_score.percent),
        f"weighted readiness score; {red} area and domain cells red",
        reverse("readiness:board"),
    )


def training_tile(access: Access, go_live: GoLive, today: dt.date) -> Tile:
    from training import selectors  # noqa: PLC0415 - apps import golive

    scope = selectors.scope_for(access, go_live)
    figures = selectors.totals(selectors.staff_in_scope(scope), go_live, today=today)
    return Tile(
        "Training",
        _percent(figures.percent),
        f"{figures.trained:,} of {figures.required:,} staff trained; {figures.overdue:,} overdue",
        reverse("training:home"),
    )


def support_tile(access: Access, go_live: GoLive) -> Tile:
    from support.models import Priority, Ticket  # noqa: PLC0415 - apps import golive
    from support.selectors import visible_tickets  # noqa: PLC0415

    open_tickets = visible_tickets(access, go_live).filter(status__in=Ticket.OPEN_STATUSES)
    urgent = open_tickets.filter(priority=Priority.P1).count()
    return Tile(
        "Service desk",
        f"{open_tickets.count():,}",
        f"open tickets; {urgent:,} at priority 1",
        reverse("support:board"),
    )


def go_live_tiles(access: Access, go_live: GoLive, *, today: dt.date) -> list[Tile]:
    return [
        readiness_tile(access, go_live, today),
        training_tile(access, go_live, today),
        support_tile(access, go_live),
    ]
