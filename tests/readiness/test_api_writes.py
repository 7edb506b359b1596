"""Writes over the API for hazards, groups, milestones, comms items, cells and escalations:
the same services and rights as the pages, structured errors, scoped reads."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from golive.models import User
from readiness.models import (
    Action,
    CommandCell,
    CommsItem,
    EscalationStep,
    Hazard,
    Meeting,
    Milestone,
    ReadinessGroup,
)
from support.models import Escalation
from tests.readiness.conftest import Readiness

API = "/api/v1/readiness"
NHS_NUMBER = "943 476 5919"


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def _put(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.put(url, body, content_type="application/json")


def _hazard_body(readiness: Readiness, **extra: Any) -> dict[str, Any]:
    return {
        "programme": readiness.trust.programme.pk, "title": "Wrong patient",
        "cause": "Shared login", "effect": "Wrong record", "initial_severity": 4,
        "initial_likelihood": 4, "residual_severity": 4, "residual_likelihood": 2,
        "owner": readiness.cso.pk, "criteria": [readiness.sso.pk], **extra,
    }  # fmt: skip


# Hazards.


def test_a_cso_adds_edits_and_signs_off_a_hazard_over_the_api(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.cso)
    created = _post(client, f"{API}/hazards/", _hazard_body(readiness))
    assert created.status_code == 201
    hazard = created.json()
    assert (hazard["reference"], hazard["version"], hazard["criteria"]) == (
        "HAZ-001", 1, [readiness.sso.pk]
    )  # fmt: skip
    signed = _post(client, f"{API}/hazards/{hazard['id']}/sign-off/", {"version": 1})
    assert signed.json()["cso_signed_version"] == 1
    body = _hazard_body(readiness, version=1, controls="Auto-lock")
    edited = _put(client, f"{API}/hazards/{hazard['id']}/", body)
    assert edited.status_code == 200
    assert (edited.json()["version"], edited.json()["cso_signed_off_by"]) == (2, None)


def test_a_stale_hazard_sign_off_over_the_api_is_a_structured_refusal(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.cso)
    hazard = _post(client, f"{API}/hazards/", _hazard_body(readiness)).json()
    _put(client, f"{API}/hazards/{hazard['id']}/", _hazard_body(readiness, version=1))
    response = _post(client, f"{API}/hazards/{hazard['id']}/sign-off/", {"version": 1})
    assert response.status_code == 400
    assert response.json()["code"] == "stale"


def test_a_hazard_with_a_bad_score_is_a_field_error(client: Client, readiness: Readiness) -> None:
    client.force_login(readiness.cso)
    response = _post(client, f"{API}/hazards/", _hazard_body(readiness, initial_severity=6))
    assert response.status_code == 400
    assert response.json()["field_errors"][0]["field"] == "initial_severity"


def test_an_owner_outside_the_programme_is_a_field_error(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.cso)
    body = _hazard_body(readiness, owner=readiness.trust.outsider.pk)
    response = _post(client, f"{API}/hazards/", body)
    assert response.status_code == 400
    assert response.json()["field_errors"][0]["field"] == "owner"


@pytest.mark.parametrize("who", ["ward_manager", "executive"])
def test_ward_managers_and_executives_cannot_add_hazards(
    client: Client, readiness: Readiness, who: str
) -> None:
    client.force_login(getattr(readiness.trust, who))
    response = _post(client, f"{API}/hazards/", _hazard_body(readiness))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Hazard.objects.exists()


def test_hazard_text_sent_over_the_api_loses_nhs_numbers(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.cso)
    body = _hazard_body(readiness, cause=f"Seen with patient {NHS_NUMBER} on Ward A")
    _post(client, f"{API}/hazards/", body)
    assert NHS_NUMBER not in Hazard.objects.get().cause


# Groups, meetings and actions.


def test_a_programme_manager_sets_up_a_group_and_its_chair_records_a_meeting_and_action(
    client: Client, readiness: Readiness
) -> None:
    trust = readiness.trust
    client.force_login(trust.programme_manager)
    created = _post(
        client,
        f"{API}/groups/",
        {
            "programme": trust.programme.pk, "name": "Data readiness", "domains": ["data"],
            "clinical_chair": readiness.chair.pk, "operational_chair": readiness.cso.pk,
        },
    )  # fmt: skip
    assert created.status_code == 201
    group = created.json()["id"]
    client.force_login(readiness.chair)
    meeting = _post(
        client,
        f"{API}/groups/{group}/meetings/",
        {"held_on": "2026-11-20", "decisions": ["Migration dry run on 1 Dec"]},
    )
    assert meeting.json()["decisions"] == ["Migration dry run on 1 Dec"]
    action = _post(
        client,
        f"{API}/groups/{group}/actions/",
        {"description": "Book the dry run", "owner": readiness.chair.pk, "due_on": "2026-12-01"},
    )
    assert action.status_code == 201
    closed = _post(
        client, f"{API}/groups/{group}/action-status/", {"action": action.json()["id"],
                                                         "status": "done"}
    )  # fmt: skip
    assert closed.json()["status"] == "done"


def test_a_chair_cannot_record_a_meeting_for_a_group_they_do_not_chair(
    client: Client, readiness: Readiness
) -> None:
    group = ReadinessGroup.objects.get()
    client.force_login(readiness.cso)
    response = _post(client, f"{API}/groups/{group.pk}/meetings/", {"held_on": "2026-11-20"})
    assert response.status_code == 403
    assert not Meeting.objects.exists()


def test_a_ward_manager_cannot_set_up_a_group(client: Client, readiness: Readiness) -> None:
    client.force_login(readiness.trust.ward_manager)
    response = _post(
        client,
        f"{API}/groups/",
        {
            "programme": readiness.trust.programme.pk, "name": "Mine", "domains": ["data"],
            "clinical_chair": readiness.chair.pk, "operational_chair": readiness.cso.pk,
        },
    )  # fmt: skip
    assert response.status_code == 403
    assert ReadinessGroup.objects.count() == 1


def test_decisions_and_actions_over_the_api_lose_nhs_numbers(
    client: Client, readiness: Readiness
) -> None:
    group = ReadinessGroup.objects.get()
    client.force_login(readiness.chair)
    _post(
        client,
        f"{API}/groups/{group.pk}/meetings/",
        {"held_on": "2026-11-20", "notes": f"Case {NHS_NUMBER}", "decisions": [NHS_NUMBER]},
    )
    _post(
        client,
        f"{API}/groups/{group.pk}/actions/",
        {"description": f"Call about {NHS_NUMBER}", "owner": readiness.chair.pk,
         "due_on": "2026-12-01"},
    )  # fmt: skip
    meeting = Meeting.objects.get()
    texts = [meeting.notes, meeting.decisions.get().text, Action.objects.get().description]
    assert not any(NHS_NUMBER in text for text in texts)


# Milestones and comms items.


def test_a_programme_manager_plans_and_completes_a_milestone_over_the_api(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)
    created = _post(
        client,
        f"{API}/milestones/",
        {"go_live": readiness.trust.wave_1.pk, "name": "Cutover", "due_on": "2026-12-01"},
    )
    assert created.status_code == 201
    row = created.json()["id"]
    done = _put(
        client,
        f"{API}/milestones/{row}/",
        {"name": "Cutover", "kind": "other", "due_on": "2026-12-01", "completed_on": "2026-12-02"},
    )
    assert done.json()["completed_on"] == "2026-12-02"


def test_a_duplicate_milestone_name_is_a_field_error(client: Client, readiness: Readiness) -> None:
    client.force_login(readiness.trust.programme_manager)
    body = {"go_live": readiness.trust.wave_1.pk, "name": "Cutover", "due_on": "2026-12-01"}
    _post(client, f"{API}/milestones/", body)
    second = _post(client, f"{API}/milestones/", body).json()
    assert second["code"] == "duplicate"


def test_a_ward_manager_cannot_plan_milestones_even_for_their_go_live(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.ward_manager)
    body = {"go_live": readiness.trust.wave_1.pk, "name": "Cutover", "due_on": "2026-12-01"}
    assert _post(client, f"{API}/milestones/", body).status_code == 403
    assert not Milestone.objects.exists()


def test_a_programme_manager_adds_and_updates_a_comms_item_over_the_api(
    client: Client, readiness: Readiness
) -> None:
    pm = readiness.trust.programme_manager
    client.force_login(pm)
    body = {
        "go_live": readiness.trust.wave_1.pk, "title": "Go-live email", "audience": "All staff",
        "channel": "email", "planned_on": "2026-11-30", "owner": pm.pk,
    }  # fmt: skip
    created = _post(client, f"{API}/comms/", body)
    assert created.status_code == 201
    del body["go_live"]
    updated = _put(client, f"{API}/comms/{created.json()['id']}/", {**body, "status": "done"})
    assert updated.json()["status"] == "done"
    assert CommsItem.objects.get().status == "done"


def test_an_executive_cannot_add_a_comms_item(client: Client, readiness: Readiness) -> None:
    client.force_login(readiness.trust.executive)
    body = {
        "go_live": readiness.trust.wave_1.pk, "title": "Go-live email", "audience": "All staff",
        "channel": "email", "planned_on": "2026-11-30", "owner": readiness.chair.pk,
    }  # fmt: skip
    assert _post(client, f"{API}/comms/", body).status_code == 403


def test_a_go_live_the_caller_cannot_see_is_a_field_error(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)
    body = {"go_live": 999999, "name": "Cutover", "due_on": "2026-12-01"}
    response = _post(client, f"{API}/milestones/", body)
    assert response.status_code == 400
    assert response.json()["field_errors"][0]["field"] == "go_live"


# Cells and escalations.


def test_a_programme_manager_sets_up_and_hands_over_a_cell_over_the_api(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)
    created = _post(
        client,
        f"{API}/cells/",
        {"go_live": readiness.trust.wave_1.pk, "level": "silver", "name": "Silver",
         "lead": readiness.chair.pk},
    )  # fmt: skip
    assert created.status_code == 201
    assert created.json()["stand_down_met"] is False
    cell = created.json()["id"]
    moved = _put(client, f"{API}/cells/{cell}/", {"name": "Silver", "lead": readiness.cso.pk})
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
    assert _post(client, f"{API}/cells/", body).status_code == 403


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
    response = _post(
        client,
        f"{API}/escalations/{escalation.pk}/step-up/",
        {"to_level": "gold", "note": f"Patient {NHS_NUMBER} affected"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["level"] == "gold"
    assert [s["to_level"] for s in body["steps"]] == ["silver", "gold"]
    assert NHS_NUMBER not in EscalationStep.objects.get().note


def test_stepping_up_twice_over_the_api_is_a_structured_refusal(
    client: Client, readiness: Readiness
) -> None:
    escalation = _escalation(readiness, readiness.chair)
    client.force_login(readiness.trust.programme_manager)
    url = f"{API}/escalations/{escalation.pk}/step-up/"
    _post(client, url, {"to_level": "gold", "note": "Trust-wide"})
    response = _post(client, url, {"to_level": "gold", "note": "Again"})
    assert (response.status_code, response.json()["code"]) == (400, "already_at_level")


def test_an_executive_cannot_step_up_an_escalation_over_the_api(
    client: Client, readiness: Readiness
) -> None:
    escalation = _escalation(readiness, readiness.chair)
    client.force_login(readiness.trust.executive)
    response = _post(
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


def test_the_schema_documents_the_new_writes(client: Client, readiness: Readiness) -> None:
    client.force_login(readiness.trust.programme_manager)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert "post" in paths[f"{API}/escalations/{{id}}/step-up/"]
    assert "put" in paths[f"{API}/hazards/{{id}}/"]
    assert "400" in paths[f"{API}/cells/"]["post"]["responses"]


def test_writes_work_through_the_format_suffix_routes_too(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)
    response = _post(
        client,
        f"{API}/cells.json",
        {"go_live": readiness.trust.wave_1.pk, "level": "gold", "name": "Gold",
         "lead": readiness.chair.pk},
    )  # fmt: skip
    assert response.status_code == 201
