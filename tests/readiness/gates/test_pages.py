"""Gate pages: setting up gates, signing off, and reading the evidence pack."""

from __future__ import annotations

from django.test import Client

from golive.access import Access
from readiness.gates import services
from readiness.models import (
    SignOffRole,
    Verdict,
)
from tests.readiness.conftest import Readiness


def test_a_sign_off_through_the_gate_page_is_recorded(client: Client, readiness: Readiness) -> None:
    pm = readiness.trust.programme_manager
    gate = services.create_gate(
        access=Access(pm),
        go_live=readiness.trust.wave_1,
        name="T-7",
        days_before=7,
        required_roles=[SignOffRole.SRO, SignOffRole.CSO],
    )
    client.force_login(pm)

    response = client.post(
        f"/readiness/gates/{gate.pk}/", {"role": "sro", "verdict": "go", "note": ""}
    )

    assert response.status_code == 302
    assert gate.sign_offs.get().verdict == Verdict.GO


def test_a_no_go_without_a_note_re_renders_with_the_message(
    client: Client, readiness: Readiness
) -> None:
    pm = readiness.trust.programme_manager
    gate = services.create_gate(
        access=Access(pm),
        go_live=readiness.trust.wave_1,
        name="T-7",
        days_before=7,
        required_roles=[SignOffRole.SRO],
    )
    client.force_login(pm)

    response = client.post(
        f"/readiness/gates/{gate.pk}/", {"role": "sro", "verdict": "no_go", "note": ""}
    )

    assert response.status_code == 200
    assert "Say what the conditions or the reasons are." in response.content.decode()


def test_a_ward_manager_cannot_read_the_whole_go_live_evidence_pack(
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
    services.sign_off_gate(access=Access(pm), user=pm, gate=gate, role="sro", verdict="go", note="")
    client.force_login(readiness.trust.ward_manager)
    assert client.get(f"/readiness/gates/{gate.pk}/evidence/").status_code == 403
    client.force_login(readiness.trust.executive)
    response = client.get(f"/readiness/gates/{gate.pk}/evidence/")
    assert response.status_code == 200
    assert "Evidence pack" in response.content.decode()


def test_a_programme_manager_sets_up_a_gate_with_required_sign_offs(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)

    response = client.post(
        "/readiness/gates/", {"name": "T-30", "days_before": "30", "required_roles": ["sro", "cso"]}
    )

    assert response.status_code == 302
    gate = readiness.trust.wave_1.gates.get()
    assert (gate.name, gate.days_before, gate.required_roles) == ("T-30", 30, ["sro", "cso"])


def test_a_gate_without_sign_offs_shows_the_field_error(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)

    response = client.post("/readiness/gates/", {"name": "T-30", "days_before": "30"})

    assert response.status_code == 200
    assert "Choose at least one required sign-off." in response.content.decode()


def test_a_chair_cannot_set_up_gates(client: Client, readiness: Readiness) -> None:
    client.force_login(readiness.chair)
    response = client.post(
        "/readiness/gates/", {"name": "T-30", "days_before": "30", "required_roles": ["sro"]}
    )
    assert response.status_code == 403
