"""A hazard's linked desk tickets are shown only to those who may see the tickets: the
hazard log is programme-wide, a ticket belongs to its area."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from readiness.models import Hazard, HazardTicket
from support.models import Ticket
from tests.conftest import Trust
from tests.readiness.conftest import Readiness


def flagged_ticket(trust: Trust, area: object) -> Ticket:
    return Ticket.objects.create(
        go_live=trust.wave_1,
        area=area,
        reporter_name="Sam",
        reporter_contact="ext 1",
        description="Obs charted on the wrong patient",
        is_clinical_safety=True,
        logged_by=trust.programme_manager,
        created_at=timezone.now(),
    )


def hazard_linked_to(readiness: Readiness, *tickets: Ticket) -> Hazard:
    hazard = Hazard.objects.create(
        programme=readiness.trust.programme,
        number=1,
        title="Wrong patient selected",
        cause="Shared workstation left logged in",
        effect="Observations recorded against the wrong patient",
        initial_severity=4,
        initial_likelihood=3,
        residual_severity=4,
        residual_likelihood=2,
        owner=readiness.cso,
    )
    for ticket in tickets:
        HazardTicket.objects.create(
            hazard=hazard, ticket=ticket, linked_by=readiness.cso, linked_at=timezone.now()
        )
    return hazard


def test_the_hazard_api_lists_only_linked_tickets_of_the_ward_managers_wards(
    client: Client, readiness: Readiness
) -> None:
    trust = readiness.trust
    own, other = flagged_ticket(trust, trust.ward_a), flagged_ticket(trust, trust.ward_b)
    hazard_linked_to(readiness, own, other)
    client.force_login(trust.ward_manager)

    (row,) = client.get("/api/v1/readiness/hazards/").json()["results"]

    assert row["ticket_ids"] == [own.pk]


def test_the_clinical_safety_officer_sees_every_linked_ticket_over_the_api(
    client: Client, readiness: Readiness
) -> None:
    trust = readiness.trust
    tickets = [flagged_ticket(trust, trust.ward_a), flagged_ticket(trust, trust.ward_b)]
    hazard = hazard_linked_to(readiness, *tickets)
    client.force_login(readiness.cso)

    row = client.get(f"/api/v1/readiness/hazards/{hazard.pk}/").json()

    assert row["ticket_ids"] == [ticket.pk for ticket in tickets]


def test_the_hazard_log_counts_only_linked_tickets_the_user_may_see(
    client: Client, readiness: Readiness
) -> None:
    trust = readiness.trust
    hazard_linked_to(
        readiness, flagged_ticket(trust, trust.ward_a), flagged_ticket(trust, trust.ward_b)
    )
    client.force_login(trust.ward_manager)

    page = client.get("/readiness/hazards/")

    (hazard, _, _) = page.context["rows"][0]
    assert [link.ticket.area for link in hazard.ticket_links.all()] == [trust.ward_a]
