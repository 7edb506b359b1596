"""Command and control over the API: cells, escalations stepped up, and sit-reps, for
users who see the whole go-live."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from golive.access import Access
from golive.models import Role, User
from readiness.command import services
from readiness.models import (
    CommandCell,
    EscalationStep,
)
from support.models import Escalation
from tests import factories as f
from tests.readiness.conftest import API, Readiness, post_json, put_json

NHS_NUMBER = "943 476 5919"


def test_sit_reps_are_listed_only_to_users_who_see_the_whole_go_live(
    client: Client, readiness: Readiness
) -> None:
    from django.utils import timezone  # noqa: PLC0415

    from readiness.models import CommandCell  # noqa: PLC0415

    cell = CommandCell.objects.create(
        go_live=readiness.trust.wave_1, level="silver", name="Silver", lead=readiness.chair
    )
    services.draft_sitrep(access=Access(readiness.chair), cell=cell, now=timezone.now())
    chair_of_ward_a = f.UserFactory()
    f.grant(
        chair_of_ward_a, Role.READINESS_CHAIR, readiness.trust.programme, [readiness.trust.ward_a]
    )
    client.force_login(readiness.trust.executive)
    assert client.get("/api/v1/readiness/sitreps/").json()["count"] == 1
    client.force_login(chair_of_ward_a)
    assert client.get("/api/v1/readiness/sitreps/").json()["count"] == 0


def test_a_ward_manager_is_refused_sit_reps_over_the_api_as_on_the_command_pages(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.ward_manager)

    assert client.get("/readiness/command/").status_code == 403
    assert client.get("/api/v1/readiness/sitreps/").status_code == 403


def test_a_programme_manager_sets_up_and_hands_over_a_cell_over_the_api(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)
    created = post_json(
        client,
        f"{API}/cells/",
        {"go_live": readiness.trust.wave_1.pk, "level": "silver", "name": "Silver",
         "lead": readiness.chair.pk},
    )  # fmt: skip
    assert created.status_code == 201
    assert created.json()["stand_down_met"] is False
    cell = created.json()["id"]
    moved = put_json(client, f"{API}/cells/{cell}/", {"name": "Silver", "lead": readiness.cso.pk})
    assert moved.json()["lead"] == readiness.cso.pk


def test_a_ward_manager_is_refused_cells_and_cannot_create_one(
    client: Client, readiness: Readiness
) -> None:
    CommandCell.objects.create(
        go_live=readiness.trust.wave_1, level="gold", name="Gold", lead=readiness.chair
    )
    client.force_login(readiness.trust.ward_manager)
    assert client.get(f"{API}/cells/").status_code == 403
    body = {"go_live": readiness.trust.wave_1.pk, "level": "gold", "name": "G", "lead": 1}
    assert post_json(client, f"{API}/cells/", body).status_code == 403


def _escalation(readiness: Readiness, lead: User) -> Escalation:
    CommandCell.objects.create(
        go_live=readiness.trust.wave_1, level="silver", name="Silver", lead=lead
    )
    return Escalation.objects.create(
        go_live=readiness.trust.wave_1, summary="Login spike", area=readiness.trust.ward_a,
        escalated_by=readiness.trust.programme_manager, escalated_at=timezone.now(),
    )  # fmt: skip


def test_the_silver_lead_steps_an_escalation_up_over_the_api(
    client: Client, readiness: Readiness
) -> None:
    escalation = _escalation(readiness, readiness.chair)
    client.force_login(readiness.chair)
    response = post_json(
        client,
        f"{API}/escalations/{escalation.pk}/step-up/",
        {"to_level": "gold", "note": f"Patient {NHS_NUMBER} affected"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["level"] == "gold"
    assert [s["to_level"] for s in body["steps"]] == ["silver", "gold"]
    assert NHS_NUMBER not in EscalationStep.objects.get().note


def test_stepping_up_twice_over_the_api_is_a_conflict(client: Client, readiness: Readiness) -> None:
    escalation = _escalation(readiness, readiness.chair)
    client.force_login(readiness.trust.programme_manager)
    url = f"{API}/escalations/{escalation.pk}/step-up/"
    post_json(client, url, {"to_level": "gold", "note": "Trust-wide"})
    response = post_json(client, url, {"to_level": "gold", "note": "Again"})
    assert (response.status_code, response.json()["code"]) == (409, "already_at_level")


def test_an_executive_cannot_step_up_an_escalation_over_the_api(
    client: Client, readiness: Readiness
) -> None:
    escalation = _escalation(readiness, readiness.chair)
    client.force_login(readiness.trust.executive)
    response = post_json(
        client, f"{API}/escalations/{escalation.pk}/step-up/", {"to_level": "gold", "note": "x"}
    )
    assert response.status_code == 403
    assert not EscalationStep.objects.exists()


def test_a_ward_manager_is_refused_escalations_over_the_api(
    client: Client, readiness: Readiness
) -> None:
    _escalation(readiness, readiness.chair)
    client.force_login(readiness.trust.ward_manager)
    assert client.get(f"{API}/escalations/").status_code == 403
