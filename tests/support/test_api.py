from __future__ import annotations

from typing import Any

from django.test import Client

from support import services
from support.models import Ticket
from tests.support.conftest import DeskTrust

TICKETS = "/api/v1/tickets/"


def log_body(desk: DeskTrust, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reporter_name": "Sam Patel",
        "reporter_contact": "ext 4321",
        "area": desk.ward_a.pk,
        "description": "Smartcard not recognised",
    }
    body.update(overrides)
    return body


def test_a_phone_system_logs_a_ticket_with_the_three_facts(client: Client, desk: DeskTrust) -> None:
    client.force_login(desk.agent)
    response = client.post(TICKETS, log_body(desk), content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert (body["channel"], body["status"], body["category_slug"]) == (
        "api",
        "new",
        "access-smartcard",
    )
    assert body["go_live"] == desk.wave_1.pk  # the area's next go-live: none has happened


def test_a_ticket_with_missing_fields_gets_field_errors(client: Client, desk: DeskTrust) -> None:
    client.force_login(desk.agent)
    response = client.post(TICKETS, {"area": desk.ward_a.pk}, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    fields = {error["field"] for error in body["field_errors"]}
    assert fields == {"reporter_name", "reporter_contact", "description"}


def test_a_champion_logs_only_for_their_own_areas(client: Client, desk: DeskTrust) -> None:
    client.force_login(desk.champion)
    response = client.post(
        TICKETS, log_body(desk, area=desk.ward_b.pk), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["field_errors"][0]["field"] == "area"
    assert not Ticket.objects.exists()


def test_an_executive_reads_tickets_but_cannot_log_or_triage(
    client: Client, desk: DeskTrust, make_ticket: Any
) -> None:
    ticket = make_ticket()
    client.force_login(desk.executive)
    assert client.get(TICKETS).json()["count"] == 1
    assert client.post(TICKETS, log_body(desk), content_type="application/json").status_code == 403
    response = client.patch(
        f"{TICKETS}{ticket.pk}/", {"priority": "P1"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_a_ward_manager_lists_only_their_areas_tickets(
    client: Client, desk: DeskTrust, make_ticket: Any
) -> None:
    mine = make_ticket(area=desk.ward_a)
    theirs = make_ticket(area=desk.ward_b)
    client.force_login(desk.ward_manager)
    ids = [row["id"] for row in client.get(TICKETS).json()["results"]]
    assert ids == [mine.pk]
    assert client.get(f"{TICKETS}{theirs.pk}/").status_code == 404


def test_a_champion_cannot_triage_over_the_api(
    client: Client, desk: DeskTrust, make_ticket: Any
) -> None:
    ticket = make_ticket()
    client.force_login(desk.champion)
    response = client.patch(
        f"{TICKETS}{ticket.pk}/", {"priority": "P1"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_triage_over_the_api_changes_only_the_fields_sent(
    client: Client, desk: DeskTrust, make_ticket: Any
) -> None:
    ticket = make_ticket()
    client.force_login(desk.agent)
    response = client.patch(
        f"{TICKETS}{ticket.pk}/",
        {"priority": "P1", "assignee": "agent2", "is_clinical_safety": True},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["priority"], body["assignee"], body["status"]) == ("P1", "agent2", "triaged")
    assert body["category_slug"] == "access"  # kept from the suggestion


def test_an_invalid_transition_is_a_field_error(
    client: Client, desk: DeskTrust, make_ticket: Any
) -> None:
    ticket = make_ticket()
    client.force_login(desk.agent)
    response = client.post(
        f"{TICKETS}{ticket.pk}/transition/", {"status": "closed"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["field_errors"][0]["code"] == "invalid_transition"


def test_resolving_over_the_api_needs_a_resolution_type(
    client: Client, desk: DeskTrust, make_ticket: Any
) -> None:
    ticket = make_ticket()
    client.force_login(desk.agent)
    url = f"{TICKETS}{ticket.pk}/transition/"
    missing = client.post(url, {"status": "resolved"}, content_type="application/json")
    assert missing.json()["field_errors"][0]["field"] == "resolution_type"
    done = client.post(
        url,
        {"status": "resolved", "resolution_type": "configuration"},
        content_type="application/json",
    )
    assert done.json()["status"] == "resolved"


def test_a_second_claim_over_the_api_is_a_conflict(
    client: Client, desk: DeskTrust, make_ticket: Any
) -> None:
    ticket = services.claim_ticket(ticket=make_ticket(), user=desk.agent_2)
    client.force_login(desk.agent)
    response = client.post(f"{TICKETS}{ticket.pk}/claim/")
    assert response.status_code == 409
    assert response.json()["code"] == "already_claimed"


def test_comments_over_the_api_hide_internal_notes_from_a_champion(
    client: Client, desk: DeskTrust, make_ticket: Any
) -> None:
    ticket = make_ticket()
    client.force_login(desk.agent)
    url = f"{TICKETS}{ticket.pk}/comments/"
    for visibility in ("internal", "reporter"):
        created = client.post(
            url, {"visibility": visibility, "body": visibility}, content_type="application/json"
        )
        assert created.status_code == 201
    client.force_login(desk.champion)
    assert [c["body"] for c in client.get(url).json()] == ["reporter"]


def test_the_category_tree_lists_the_ten_top_level_categories(
    client: Client, desk: DeskTrust
) -> None:
    client.force_login(desk.champion)
    categories = client.get("/api/v1/ticket-categories/").json()
    assert len([c for c in categories if c["parent"] is None]) == 10
