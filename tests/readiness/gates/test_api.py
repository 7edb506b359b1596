"""Gates over the API: signing off and reading the frozen evidence pack."""

from __future__ import annotations

from django.test import Client

from golive.access import Access
from readiness.gates import services
from readiness.models import (
    SignOffRole,
)
from tests.readiness.conftest import Readiness


def test_a_gate_is_signed_off_over_the_api_and_its_evidence_pack_read(
    client: Client, readiness: Readiness
) -> None:
    pm = readiness.trust.programme_manager
    gate = services.create_gate(
        access=Access(pm),
        go_live=readiness.trust.wave_1,
        name="T-1",
        days_before=1,
        required_roles=[SignOffRole.SRO],
    )
    client.force_login(pm)

    signed = client.post(
        f"/api/v1/readiness/gates/{gate.pk}/sign-off/",
        {"role": "sro", "verdict": "go"},
        content_type="application/json",
    )
    again = client.post(
        f"/api/v1/readiness/gates/{gate.pk}/sign-off/",
        {"role": "sro", "verdict": "go"},
        content_type="application/json",
    )
    pack = client.get(f"/api/v1/readiness/gates/{gate.pk}/evidence-pack/")

    assert (signed.status_code, signed.json()["decision"]) == (201, "go")
    assert (again.status_code, again.json()["code"]) == (409, "decided")
    assert pack.json()["snapshot"]["gate"]["decision"] == "go"
    client.force_login(readiness.trust.ward_manager)
    assert client.get(f"/api/v1/readiness/gates/{gate.pk}/evidence-pack/").status_code == 403
