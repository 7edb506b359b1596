"""The clinical safety officer raises a hazard-log entry from a flagged ticket in one step;
the hazard and the ticket are linked both ways."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from golive.access import Access
from readiness.hazards.forms import hazard_initial
from readiness.hazards.services import raise_hazard_from_ticket
from readiness.models import Hazard
from support import services
from support.models import Priority, Ticket
from tests.support.conftest import DeskTrust


@pytest.fixture
def desk(db: None) -> DeskTrust:
    return DeskTrust()


def log(desk: DeskTrust, description: str) -> Ticket:
    """A ticket on wave 1, Ward A, logged by the desk agent."""
    return services.log_ticket(
        user=desk.agent,
        go_live=desk.wave_1,
        area=desk.ward_a,
        reporter_name="Sam Patel",
        reporter_contact="ext 4321",
        description=description,
        now=timezone.now(),
    )


@pytest.fixture
def flagged(desk: DeskTrust) -> Ticket:
    ticket = log(desk, "Drug chart shows the wrong dose unit for paracetamol")
    return services.triage_ticket(
        ticket=ticket,
        user=desk.agent,
        category=None,
        priority=Priority.P2,
        resolver_group=None,
        assignee=None,
        is_clinical_safety=True,
    )


def test_the_hazard_form_opens_filled_in_from_the_ticket(
    desk: DeskTrust, flagged: Ticket, client: Client
) -> None:
    client.force_login(desk.safety_officer)

    form = client.get(f"/support/tickets/{flagged.pk}/hazard/").context["form"]

    assert form.initial["cause"] == "Drug chart shows the wrong dose unit for paracetamol"
    assert flagged.reference in form.initial["effect"]
    assert (form.initial["initial_severity"], form.initial["owner"]) == (
        3,
        desk.safety_officer.pk,
    )


def test_saving_the_filled_in_form_adds_a_hazard_linked_to_the_ticket(
    desk: DeskTrust, flagged: Ticket, client: Client
) -> None:
    client.force_login(desk.safety_officer)
    values = hazard_initial(flagged, desk.safety_officer)

    response = client.post(f"/support/tickets/{flagged.pk}/hazard/", values)

    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert list(hazard.ticket_links.values_list("ticket_id", flat=True)) == [flagged.pk]
    assert hazard.title.startswith("Service desk report: Drug chart shows")
    ticket_page = client.get(f"/support/tickets/{flagged.pk}/").content.decode()
    assert f"{hazard.reference}</a>: {hazard.title}" in ticket_page


def test_a_ticket_not_flagged_as_a_safety_concern_cannot_raise_a_hazard(
    desk: DeskTrust,
) -> None:
    ticket = log(desk, "Printer jam")
    officer = desk.safety_officer

    with pytest.raises(ValidationError, match="flagged as a clinical safety concern"):
        raise_hazard_from_ticket(
            access=Access(officer),
            user=officer,
            ticket=ticket,
            fields=hazard_initial(ticket, officer) | {"owner": officer},
            criteria=[],
        )

    assert not Hazard.objects.exists()


def test_only_the_clinical_safety_officer_may_raise_a_hazard_from_a_ticket(
    desk: DeskTrust, flagged: Ticket, client: Client
) -> None:
    client.force_login(desk.agent)

    page = client.get(f"/support/tickets/{flagged.pk}/")
    refused = client.post(
        f"/support/tickets/{flagged.pk}/hazard/", hazard_initial(flagged, desk.agent)
    )

    assert page.context["may_raise_hazard"] is False
    assert refused.status_code == 403
    assert not Hazard.objects.exists()
