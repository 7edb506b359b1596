"""Computed criteria: a registry from criterion key to a function that reads live figures
from the other apps and returns, per area, the figure, the threshold and the status.

The providers take the areas already chosen by the caller (the criteria's own areas) and
read each area's figures whole, since a criterion's status must not depend on who looks.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Count

from champions.selectors import coverage_for
from golive.models import Area, GoLive
from support.models import Priority, Ticket
from training.selectors import Scope, breakdown

TRAINED_GREEN = 90.0
TRAINED_AMBER = 75.0
GO_LIVE_WEEK_DAYS = 7


@dataclass(frozen=True)
class Reading:
    figure: str  # what a person reads, e.g. "87.5% trained (35 of 40)"
    threshold: str  # the pass rule, e.g. "≥ 90%"
    rag: str
    value: float | None = None


Provider = Callable[[GoLive, Sequence[Area], dt.date], dict[int, Reading]]


def trained_share(go_live: GoLive, areas: Sequence[Area], today: dt.date) -> dict[int, Reading]:
    # One grouped query for all the areas, in the order given.
    figures = breakdown(Scope(go_live, list(areas), is_whole=False), by="area", today=today)
    threshold = f"≥ {TRAINED_GREEN:g}% of in-scope staff trained"
    readings = {}
    for area, row in zip(areas, figures, strict=True):
        percent = row.percent
        if percent is None:
            readings[area.pk] = Reading("No staff with required courses", threshold, "not_assessed")
            continue
        if percent >= TRAINED_GREEN:
            rag = "green"
        else:
            rag = "amber" if percent >= TRAINED_AMBER else "red"
        figure = f"{percent:g}% trained ({row.trained} of {row.required})"
        readings[area.pk] = Reading(figure, threshold, rag, percent)
    return readings


def super_user_every_shift(
    go_live: GoLive, areas: Sequence[Area], today: dt.date
) -> dict[int, Reading]:
    first = go_live.user_go_live_date
    period = (first, first + dt.timedelta(days=GO_LIVE_WEEK_DAYS - 1))
    by_area: dict[int, list[bool]] = defaultdict(list)
    for cell in coverage_for(go_live, areas, period).cells:
        by_area[cell.area_id].append(cell.covered)
    threshold = "Every shift of go-live week meets its super-user target"
    readings = {}
    for area in areas:
        shifts = by_area.get(area.pk, [])
        if not shifts:
            readings[area.pk] = Reading(
                "No shifts planned for go-live week", threshold, "not_assessed"
            )
            continue
        covered = sum(shifts)
        share = 100 * covered / len(shifts)
        rag = "green" if covered == len(shifts) else "amber" if share >= 80 else "red"
        figure = f"{covered} of {len(shifts)} shifts covered"
        readings[area.pk] = Reading(figure, threshold, rag, share)
    return readings


def no_open_p1_tickets(
    go_live: GoLive, areas: Sequence[Area], today: dt.date
) -> dict[int, Reading]:
    counts = dict(
        Ticket.objects.filter(
            go_live=go_live,
            area__in=[area.pk for area in areas],
            priority=Priority.P1,
            status__in=Ticket.OPEN_STATUSES,
        )
        .values_list("area")
        .annotate(n=Count("pk"))
        .order_by()
    )
    threshold = "No open P1 tickets"
    readings = {}
    for area in areas:
        count = counts.get(area.pk, 0)
        figure = f"{count} open P1 ticket{'s' if count != 1 else ''}"
        readings[area.pk] = Reading(figure, threshold, "green" if count == 0 else "red", count)
    return readings


PROVIDERS: dict[str, tuple[str, Provider]] = {
    "trained_share": ("Share of in-scope staff trained (training)", trained_share),
    "super_user_every_shift": (
        "Super-user cover on every shift of go-live week (champions)",
        super_user_every_shift,
    ),
    "no_open_p1_tickets": ("Open P1 tickets in the area (service desk)", no_open_p1_tickets),
}


def provider_choices() -> list[tuple[str, str]]:
    return [(key, label) for key, (label, _) in PROVIDERS.items()]


def read(key: str, go_live: GoLive, areas: Sequence[Area], today: dt.date) -> dict[int, Reading]:
    return PROVIDERS[key][1](go_live, areas, today)
