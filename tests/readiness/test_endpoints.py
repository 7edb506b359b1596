"""What every readiness API endpoint shares: go-lives chosen within reach, the documented
write errors, and the format-suffix routes."""

from __future__ import annotations

from django.test import Client

from tests.readiness.conftest import API, Readiness, post_json


def test_a_go_live_the_caller_cannot_see_is_a_field_error(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)
    body = {"go_live": 999999, "name": "Cutover", "due_on": "2026-12-01"}
    response = post_json(client, f"{API}/milestones/", body)
    assert response.status_code == 400
    assert response.json()["field_errors"][0]["field"] == "go_live"


def test_the_schema_documents_the_new_writes(client: Client, readiness: Readiness) -> None:
    client.force_login(readiness.trust.programme_manager)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert "post" in paths[f"{API}/escalations/{{id}}/step-up/"]
    assert "put" in paths[f"{API}/hazards/{{id}}/"]
    assert "400" in paths[f"{API}/cells/"]["post"]["responses"]


def test_the_schema_documents_state_refusals_as_conflicts(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    sign_off = schema["paths"][f"{API}/gates/{{id}}/sign-off/"]["post"]["responses"]
    assert "already_signed" in sign_off["409"]["description"]


def test_writes_work_through_the_format_suffix_routes_too(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)
    response = post_json(
        client,
        f"{API}/cells.json",
        {"go_live": readiness.trust.wave_1.pk, "level": "gold", "name": "Gold",
         "lead": readiness.chair.pk},
    )  # fmt: skip
    assert response.status_code == 201
