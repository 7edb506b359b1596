"""Who may decide a gate or sign off a hazard, and bad input on hazard pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from golive.access import Access
from golive.models import Role
from golive.navigation import SESSION_GO_LIVE_KEY
from readiness import services
from readiness.models import Gate, SignOffRole, Verdict
from tests import factories as f
from tests.conftest import Trust


def _gate(trust: Trust, roles: list[str]) -> Gate:
    return services.create_gate(
        access=Access(trust.programme_manager), go_live=trust.wave_1, name="T-7",
        days_before=7, required_roles=roles,
    )  # fmt: skip


def test_a_safety_officer_of_another_programme_cannot_give_the_cso_sign_off(
    trust: Trust,
) -> None:
    chair = f.UserFactory(username="chair-x")
    f.grant(chair, Role.READINESS_CHAIR, trust.programme)
    f.grant(
        chair, Role.CLINICAL_SAFETY_OFFICER, f.ProgrammeFactory(organisation=trust.organisation)
    )
    gate = _gate(trust, [SignOffRole.CSO])

    with pytest.raises(PermissionDenied):
        services.sign_off_gate(
            access=Access(chair), user=chair, gate=gate, role=SignOffRole.CSO,
            verdict=Verdict.GO, note="",
        )  # fmt: skip

    gate.refresh_from_db()
    assert not gate.is_decided


def test_a_chair_for_one_ward_cannot_decide_a_gate_for_the_whole_go_live(trust: Trust) -> None:
    chair = f.UserFactory(username="chair-a")
    f.grant(chair, Role.READINESS_CHAIR, trust.programme, [trust.ward_a])
    gate = _gate(trust, [SignOffRole.SRO])

    with pytest.raises(PermissionDenied):
        services.sign_off_gate(
            access=Access(chair), user=chair, gate=gate, role=SignOffRole.SRO,
            verdict=Verdict.GO, note="",
        )  # fmt: skip

    gate.refresh_from_db()
    assert not gate.is_decided


def test_a_hazard_ticket_link_that_is_not_a_number_is_a_message_not_an_error(
    trust: Trust,
) -> None:
    cso = f.UserFactory(username="cso-1")
    f.grant(cso, Role.CLINICAL_SAFETY_OFFICER, trust.programme)
    hazard = services.save_hazard(
        access=Access(cso), programme=trust.programme, hazard=None,
        fields={"title": "t", "cause": "c", "effect": "e", "initial_severity": 3,
                "initial_likelihood": 3, "residual_severity": 2, "residual_likelihood": 2,
                "controls": "x", "owner": cso},
        criteria=[],
    )  # fmt: skip
    client = Client()
    client.force_login(cso)
    session = client.session
    session[SESSION_GO_LIVE_KEY] = trust.wave_1.pk
    session.save()

    response = client.post(f"/readiness/hazards/{hazard.pk}/tickets/", {"ticket": "abc"})

    assert response.status_code == 302
    assert not hazard.ticket_links.exists()
