"""The hazard log over the API: clinical safety officers add, edit and sign off hazards;
the same rules and structured errors as the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from readiness.models import (
    Hazard,
)
from tests.readiness.conftest import API, Readiness, post_json, put_json

NHS_NUMBER = "943 476 5919"


def _hazard_body(readiness: Readiness, **extra: Any) -> dict[str, Any]:
    return {
        "programme": readiness.trust.programme.pk, "title": "Wrong patient",
        "cause": "Shared login", "effect": "Wrong record", "initial_severity": 4,
        "initial_likelihood": 4, "residual_severity": 4, "residual_likelihood": 2,
        "owner": readiness.cso.pk, "criteria": [readiness.sso.pk], **extra,
    }  # fmt: skip


def test_a_cso_adds_edits_and_signs_off_a_hazard_over_the_api(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.cso)
    created = post_json(client, f"{API}/hazards/", _hazard_body(readiness))
    assert created.status_code == 201
    hazard = created.json()
    assert (hazard["reference"], hazard["version"], hazard["criteria"]) == (
        "HAZ-001", 1, [readiness.sso.pk]
    )  # fmt: skip
    signed = post_json(client, f"{API}/hazards/{hazard['id']}/sign-off/", {"version": 1})
    assert signed.json()["cso_signed_version"] == 1
    body = _hazard_body(readiness, version=1, controls="Auto-lock")
    edited = put_json(client, f"{API}/hazards/{hazard['id']}/", body)
    assert edited.status_code == 200
    assert (edited.json()["version"], edited.json()["cso_signed_off_by"]) == (2, None)


def test_a_stale_hazard_sign_off_over_the_api_is_a_conflict(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.cso)
    hazard = post_json(client, f"{API}/hazards/", _hazard_body(readiness)).json()
    put_json(client, f"{API}/hazards/{hazard['id']}/", _hazard_body(readiness, version=1))
    response = post_json(client, f"{API}/hazards/{hazard['id']}/sign-off/", {"version": 1})
    assert response.status_code == 409
    assert response.json()["code"] == "stale"


def test_a_hazard_with_a_bad_score_is_a_field_error(client: Client, readiness: Readiness) -> None:
    client.force_login(readiness.cso)
    response = post_json(client, f"{API}/hazards/", _hazard_body(readiness, initial_severity=6))
    assert response.status_code == 400
    assert response.json()["field_errors"][0]["field"] == "initial_severity"


def test_an_owner_outside_the_programme_is_a_field_error(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.cso)
    body = _hazard_body(readiness, owner=readiness.trust.outsider.pk)
    response = post_json(client, f"{API}/hazards/", body)
    assert response.status_code == 400
    assert response.json()["field_errors"][0]["field"] == "owner"


@pytest.mark.parametrize("who", ["ward_manager", "executive"])
def test_ward_managers_and_executives_cannot_add_hazards(
    client: Client, readiness: Readiness, who: str
) -> None:
    client.force_login(getattr(readiness.trust, who))
    response = post_json(client, f"{API}/hazards/", _hazard_body(readiness))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Hazard.objects.exists()


def test_hazard_text_sent_over_the_api_loses_nhs_numbers(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.cso)
    body = _hazard_body(readiness, cause=f"Seen with patient {NHS_NUMBER} on Ward A")
    post_json(client, f"{API}/hazards/", body)
    assert NHS_NUMBER not in Hazard.objects.get().cause
