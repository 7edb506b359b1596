"""Who may decide a gate: not a safety officer of another programme, nor a chair for one ward."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from golive.access import Access
from golive.models import Role
from readiness.gates import services
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
