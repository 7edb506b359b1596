"""Assessment over the API: criteria with their live status and assessment by hand, and
readiness groups with their meetings and actions."""

from __future__ import annotations

from django.test import Client

from readiness.models import (
    Action,
    Meeting,
    Rag,
    ReadinessGroup,
)
from tests.readiness.conftest import API, Readiness, post_json

CRITERIA = "/api/v1/readiness/criteria/"


def test_a_ward_manager_lists_only_their_areas_criteria(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.ward_manager)

    body = client.get(CRITERIA).json()

    assert {row["area_name"] for row in body["results"]} == {"Ward A"}
    assert body["count"] == 3


def test_a_ward_manager_cannot_assess_another_areas_criterion_over_the_api(
    client: Client, readiness: Readiness
) -> None:
    criterion = readiness.criterion(readiness.trust.ward_b, readiness.downtime)
    client.force_login(readiness.trust.ward_manager)

    response = client.post(
        f"{CRITERIA}{criterion.pk}/assess/", {"rag": "red"}, content_type="application/json"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    criterion.refresh_from_db()
    assert criterion.rag == Rag.NOT_ASSESSED


def test_a_chair_assesses_a_criterion_in_their_domain_over_the_api(
    client: Client, readiness: Readiness
) -> None:
    criterion = readiness.criterion(readiness.trust.ward_b, readiness.sso)
    client.force_login(readiness.chair)

    response = client.post(
        f"{CRITERIA}{criterion.pk}/assess/",
        {"rag": "green", "evidence_link": "https://example.nhs.uk/sso"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["editable"]) == ("green", True)


def test_a_chair_is_refused_outside_their_domain_with_the_error_shape(
    client: Client, readiness: Readiness
) -> None:
    criterion = readiness.criterion(readiness.trust.ward_b, readiness.downtime)
    client.force_login(readiness.chair)

    response = client.post(
        f"{CRITERIA}{criterion.pk}/assess/", {"rag": "red"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_green_without_evidence_is_a_field_error_over_the_api(
    client: Client, readiness: Readiness
) -> None:
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.sso)
    client.force_login(readiness.chair)

    response = client.post(
        f"{CRITERIA}{criterion.pk}/assess/", {"rag": "green"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["field_errors"][0]["field"] == "evidence_link"


def test_an_executive_reads_criteria_but_cannot_assess(
    client: Client, readiness: Readiness
) -> None:
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.sso)
    client.force_login(readiness.trust.executive)

    assert client.get(CRITERIA).json()["count"] == 6
    response = client.post(
        f"{CRITERIA}{criterion.pk}/assess/", {"rag": "red"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_other_trusts_cannot_see_readiness_over_the_api(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.outsider)
    assert client.get(CRITERIA).status_code == 403


NHS_NUMBER = "943 476 5919"


def test_a_programme_manager_sets_up_a_group_and_its_chair_records_a_meeting_and_action(
    client: Client, readiness: Readiness
) -> None:
    trust = readiness.trust
    client.force_login(trust.programme_manager)
    created = post_json(
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
    meeting = post_json(
        client,
        f"{API}/groups/{group}/meetings/",
        {"held_on": "2026-11-20", "decisions": ["Migration dry run on 1 Dec"]},
    )
    assert meeting.json()["decisions"] == ["Migration dry run on 1 Dec"]
    action = post_json(
        client,
        f"{API}/groups/{group}/actions/",
        {"description": "Book the dry run", "owner": readiness.chair.pk, "due_on": "2026-12-01"},
    )
    assert action.status_code == 201
    closed = post_json(
        client, f"{API}/groups/{group}/action-status/", {"action": action.json()["id"],
                                                         "status": "done"}
    )  # fmt: skip
    assert closed.json()["status"] == "done"


def test_a_chair_cannot_record_a_meeting_for_a_group_they_do_not_chair(
    client: Client, readiness: Readiness
) -> None:
    group = ReadinessGroup.objects.get()
    client.force_login(readiness.cso)
    response = post_json(client, f"{API}/groups/{group.pk}/meetings/", {"held_on": "2026-11-20"})
    assert response.status_code == 403
    assert not Meeting.objects.exists()


def test_a_ward_manager_cannot_set_up_a_group(client: Client, readiness: Readiness) -> None:
    client.force_login(readiness.trust.ward_manager)
    response = post_json(
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
    post_json(
        client,
        f"{API}/groups/{group.pk}/meetings/",
        {"held_on": "2026-11-20", "notes": f"Case {NHS_NUMBER}", "decisions": [NHS_NUMBER]},
    )
    post_json(
        client,
        f"{API}/groups/{group.pk}/actions/",
        {"description": f"Call about {NHS_NUMBER}", "owner": readiness.chair.pk,
         "due_on": "2026-12-01"},
    )  # fmt: skip
    meeting = Meeting.objects.get()
    texts = [meeting.notes, meeting.decisions.get().text, Action.objects.get().description]
    assert not any(NHS_NUMBER in text for text in texts)
