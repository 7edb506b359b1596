from __future__ import annotations

import copy
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from golive.access import Access
from golive.models import User
from readiness.assessment import services as assessment_services
from readiness.gates import services as gate_services
from readiness.models import EvidencePack, Gate, Hazard, Rag, SignOff, SignOffRole, Verdict
from support.models import Priority, Ticket
from tests.readiness.conftest import Readiness

SRO, CSO, OPS = SignOffRole.SRO, SignOffRole.CSO, SignOffRole.OPERATIONS


def _gate(readiness: Readiness, roles: tuple[str, ...] = (SRO, CSO)) -> Gate:
    return gate_services.create_gate(
        access=Access(readiness.trust.programme_manager),
        go_live=readiness.trust.wave_1,
        name="T-7",
        days_before=7,
        required_roles=list(roles),
    )


def _sign(gate: Gate, user: User, role: str, verdict: str = Verdict.GO, note: str = "") -> SignOff:
    return gate_services.sign_off_gate(
        access=Access(user), user=user, gate=gate, role=role, verdict=verdict, note=note
    )


def test_a_gate_stays_open_until_every_required_role_has_signed(readiness: Readiness) -> None:
    gate = _gate(readiness)
    _sign(gate, readiness.trust.programme_manager, SRO)
    gate.refresh_from_db()
    assert not gate.is_decided
    assert not EvidencePack.objects.filter(gate=gate).exists()


def test_the_last_sign_off_decides_the_gate_and_freezes_its_evidence(readiness: Readiness) -> None:
    gate = _gate(readiness)
    _sign(gate, readiness.trust.programme_manager, SRO)
    _sign(gate, readiness.cso, CSO, Verdict.GO_WITH_CONDITIONS, "Downtime drill on Ward B first")
    gate.refresh_from_db()
    assert gate.decision == Verdict.GO_WITH_CONDITIONS
    pack = gate.evidence_pack
    assert pack.snapshot["gate"]["decision"] == Verdict.GO_WITH_CONDITIONS
    assert [a["area"] for a in pack.snapshot["readiness"]["areas"]] == ["Ward A", "Ward B"]


def test_one_no_go_makes_the_decision_no_go(readiness: Readiness) -> None:
    gate = _gate(readiness)
    _sign(gate, readiness.trust.programme_manager, SRO, Verdict.NO_GO, "Login failures on Ward A")
    _sign(gate, readiness.cso, CSO)
    gate.refresh_from_db()
    assert gate.decision == Verdict.NO_GO


def test_a_no_go_needs_a_note(readiness: Readiness) -> None:
    gate = _gate(readiness)
    with pytest.raises(ValidationError) as error:
        _sign(gate, readiness.trust.programme_manager, SRO, Verdict.NO_GO)
    assert "note" in error.value.error_dict


def test_only_a_clinical_safety_officer_gives_the_cso_sign_off(readiness: Readiness) -> None:
    with pytest.raises(PermissionDenied):
        _sign(_gate(readiness), readiness.trust.programme_manager, CSO)


def test_a_ward_manager_cannot_sign_off_a_gate(readiness: Readiness) -> None:
    with pytest.raises(PermissionDenied):
        _sign(_gate(readiness), readiness.trust.ward_manager, SRO)


def test_a_role_signs_off_once(readiness: Readiness) -> None:
    gate = _gate(readiness)
    _sign(gate, readiness.trust.programme_manager, SRO)
    with pytest.raises(ValidationError) as error:
        _sign(gate, readiness.chair, SRO)
    assert error.value.code == "already_signed"


def test_a_decided_gate_takes_no_more_sign_offs(readiness: Readiness) -> None:
    gate = _gate(readiness, (SRO,))
    _sign(gate, readiness.trust.programme_manager, SRO)
    with pytest.raises(ValidationError) as error:
        _sign(gate, readiness.chair, OPS)
    assert error.value.code == "decided"


def test_the_evidence_pack_is_unchanged_by_later_edits(readiness: Readiness) -> None:
    trust = readiness.trust
    gate = _gate(readiness, (SRO,))
    _sign(gate, trust.programme_manager, SRO)
    frozen = copy.deepcopy(EvidencePack.objects.get(gate=gate).snapshot)
    criterion = readiness.criterion(trust.ward_a, readiness.downtime)
    assessment_services.update_criterion(
        access=Access(trust.programme_manager),
        user=trust.programme_manager,
        criterion=criterion,
        rag=Rag.RED,
        comment="Drill failed",
        evidence_link="",
        evidence_file=None,
        owner=None,
    )
    Hazard.objects.create(
        programme=trust.programme,
        number=1,
        title="Wrong patient",
        cause="c",
        effect="e",
        initial_severity=4,
        initial_likelihood=3,
        residual_severity=4,
        residual_likelihood=2,
        owner=readiness.cso,
    )
    Ticket.objects.create(
        go_live=trust.wave_1,
        area=trust.ward_a,
        reporter_name="Sam",
        reporter_contact="ext 1",
        description="Down",
        priority=Priority.P1,
        logged_by=trust.programme_manager,
        created_at=timezone.now(),
    )
    pack = EvidencePack.objects.get(gate=gate)
    assert pack.snapshot == frozen
    assert frozen["open_hazards"] == []
    assert frozen["open_high_priority_tickets"] == []


def test_an_evidence_pack_refuses_to_be_saved_again(readiness: Readiness) -> None:
    gate = _gate(readiness, (SRO,))
    _sign(gate, readiness.trust.programme_manager, SRO)
    pack = EvidencePack.objects.get(gate=gate)
    pack.snapshot = {"rewritten": True}
    with pytest.raises(ValidationError):
        pack.save()


def _race(calls: list[tuple[Gate, User, str]]) -> list[str]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(gate: Gate, user: User, role: str) -> None:
        try:
            barrier.wait()
            _sign(gate, user, role)
            outcomes.append("signed")
        except ValidationError as error:
            outcomes.append(str(error.code))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_sign_offs_for_one_role_leave_exactly_one(readiness: Readiness) -> None:
    gate = _gate(readiness, (SRO, CSO))
    outcomes = _race([(gate, readiness.trust.programme_manager, SRO), (gate, readiness.chair, SRO)])
    assert outcomes == ["already_signed", "signed"]
    assert SignOff.objects.filter(gate=gate).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_last_sign_offs_decide_the_gate_once(readiness: Readiness) -> None:
    gate = _gate(readiness, (SRO, CSO))
    outcomes = _race([(gate, readiness.trust.programme_manager, SRO), (gate, readiness.cso, CSO)])
    assert outcomes == ["signed", "signed"]
    gate.refresh_from_db()
    assert gate.decision == Verdict.GO
    pack = EvidencePack.objects.get(gate=gate)
    assert len(pack.snapshot["gate"]["sign_offs"]) == 2
