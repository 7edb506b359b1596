"""Field-level visibility (issue 22, F8 and F9): canary strings planted in ward A's champion
records and tickets, looked for in every route of tests/authz/policy.py FIELD_SURFACES as
every signed-in role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.test import Client
from django.urls import reverse

from champions.models import CoverRequest, Designation
from golive.models import GoLive, StaffMember
from golive.navigation import SESSION_GO_LIVE_KEY
from support.models import Ticket, TicketComment

from .policy import (
    CHAMPION_DETAILS,
    CHAMPION_NAMES,
    FIELD_READERS,
    FIELD_SURFACES,
    OWN_CHAMPION_DETAILS,
    SIGNED_IN,
    TICKET_TEXT,
)
from .routes import all_routes
from .runner import client_for, send
from .world import World

CANARIES = {
    CHAMPION_NAMES: "Kqzname",
    CHAMPION_DETAILS: "Kqzdetail",
    OWN_CHAMPION_DETAILS: "Kqzown",
    TICKET_TEXT: "Kqzticket",
}


class Planted:
    """Ward A's rows carrying the canaries, and the go-lives their pages show."""

    def __init__(self, world: World) -> None:
        area = world.area_a
        self.cover = (
            CoverRequest.objects.filter(assignment__shift__area=area, status="open")
            .exclude(assignment__staff__user__username="champion")
            .select_related("assignment__shift")
            .order_by("pk")
            .first()
        )
        assert self.cover is not None, "the demo has no open cover request in ward A"
        self.champions_go_live: GoLive = self.cover.assignment.shift.go_live
        designations = Designation.objects.filter(area=area).exclude(status="withdrawn")
        own = designations.filter(staff__user__username="champion")
        if not own.exists():
            # Make one of ward A's champions the champion login's own staff record.
            mine = designations.exclude(staff=self.cover.assignment.staff).order_by("pk")[0]
            champion = world.users["champion"]
            StaffMember.objects.filter(user=champion).update(user=None)
            StaffMember.objects.filter(pk=mine.staff_id).update(user=champion)
        colleagues = designations.exclude(pk__in=own.values("pk"))
        assert own.exists(), "the demo champion login has no designation in ward A"
        StaffMember.objects.filter(
            pk__in=[*colleagues.values_list("staff", flat=True), self.cover.assignment.staff_id]
        ).update(full_name=Concat(F("full_name"), Value(f" {CANARIES[CHAMPION_NAMES]}")))
        detail = CANARIES[CHAMPION_DETAILS]
        colleagues.update(note=Concat(F("note"), Value(f" {detail}")))
        own.update(note=Concat(F("note"), Value(f" {CANARIES[OWN_CHAMPION_DETAILS]}")))
        CoverRequest.objects.filter(pk=self.cover.pk).update(reason=f"Childcare {detail}")
        self.shift = self.cover.assignment.shift
        self.ticket = Ticket.objects.filter(area=area, go_live=world.go_live).order_by("pk").first()
        assert self.ticket is not None
        text = CANARIES[TICKET_TEXT]
        Ticket.objects.filter(pk=self.ticket.pk).update(
            description=Concat(F("description"), Value(f" {text}"))
        )
        TicketComment.objects.filter(ticket=self.ticket).update(
            body=Concat(F("body"), Value(f" {text}")), visibility="reporter"
        )


def _area(world: World) -> dict[str, Any]:
    return {"area": world.area_a.pk}


# Each surface: its URL kwargs, query and the go-live its page shows.
Surface = Callable[[World, Planted], tuple[dict[str, Any], dict[str, Any], GoLive]]
SURFACES: dict[str, Surface] = {
    "champions:home": lambda w, p: ({}, _area(w), p.champions_go_live),
    "champions:designations_export": lambda w, p: ({"fmt": "csv"}, _area(w), p.champions_go_live),
    "champions:roster": lambda w, p: ({}, _area(w), p.champions_go_live),
    "champions:roster_export": lambda w, p: ({"fmt": "csv"}, {}, p.champions_go_live),
    "champions:answer_cover": lambda w, p: ({"pk": p.cover.pk}, {}, p.champions_go_live),
    "designation-list": lambda w, p: ({}, _area(w), p.champions_go_live),
    "shift-list": lambda w, p: (
        {},
        {**_area(w), "day_from": p.shift.day, "day_to": p.shift.day},
        p.champions_go_live,
    ),
    "shift-assignment-list": lambda w, p: (
        {},
        {**_area(w), "day_from": p.shift.day, "day_to": p.shift.day},
        p.champions_go_live,
    ),
    "cover-request-list": lambda w, p: ({}, {}, p.champions_go_live),
    "support:ticket": lambda w, p: ({"pk": p.ticket.pk}, {}, w.go_live),
    "support:export_csv": lambda w, p: ({}, {}, w.go_live),
    "ticket-list": lambda w, p: ({}, {**_area(w), "go_live": w.go_live.pk}, w.go_live),
    "ticket-detail": lambda w, p: ({"pk": p.ticket.pk}, {}, w.go_live),
    "ticket-comments": lambda w, p: ({"pk": p.ticket.pk}, {}, w.go_live),
}


def test_every_field_surface_has_a_url() -> None:
    listed = {name for names in FIELD_SURFACES.values() for name in names}

    assert listed <= set(SURFACES)
    assert set(CANARIES) == set(FIELD_SURFACES) == set(FIELD_READERS)


def _client(world: World, role: str, go_live: GoLive) -> Client:
    client = client_for(world, role)
    session = client.session
    session[SESSION_GO_LIVE_KEY] = go_live.pk
    session.save()
    return client


@pytest.mark.postgres
def test_every_role_sees_exactly_the_fields_the_policy_allows(world: World, db: None) -> None:
    planted = Planted(world)
    routes, _ = all_routes()
    findings: list[str] = []
    for kind, names in FIELD_SURFACES.items():
        canary = CANARIES[kind]
        for name in names:
            kwargs, query, go_live = SURFACES[name](world, planted)
            url = reverse(name, kwargs=kwargs)
            for role in SIGNED_IN:
                got = send(_client(world, role, go_live), routes[name], "GET", url, data=query)
                shown = canary in got.body.decode(errors="replace")
                allowed = role in FIELD_READERS[kind]
                if got.status != 200:
                    findings.append(f"{name} as {role}: status {got.status}")
                elif shown != allowed:
                    verb = "missing" if allowed else "leaked"
                    findings.append(f"{name} as {role}: {kind} {verb}")
    assert not findings, "Field-level visibility differs from policy:\n" + "\n".join(findings)
