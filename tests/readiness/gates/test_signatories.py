"""Named signatories per gate role: only they sign it, and only people who may."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from golive.access import Access
from golive.models import Role, User
from readiness.gates import services
from readiness.models import Gate, GateSignatory, SignOffRole, Verdict
from tests import factories as f
from tests.readiness.conftest import Readiness

SRO, CSO, CCIO = SignOffRole.SRO, SignOffRole.CSO, SignOffRole.CCIO


def _gate(readiness: Readiness) -> Gate:
    return services.create_gate(
        access=Access(readiness.trust.programme_manager), go_live=readiness.trust.wave_1,
        name="T-7", days_before=7, required_roles=[SRO, CSO, CCIO],
    )  # fmt: skip


def _name(readiness: Readiness, gate: Gate, role: str, users: list[User]) -> None:
    services.name_signatories(
        access=Access(readiness.trust.programme_manager), gate=gate, role=role, users=users
    )


def _sign(gate: Gate, user: User, role: str) -> None:
    services.sign_off_gate(
        access=Access(user), user=user, gate=gate, role=role, verdict=Verdict.GO, note=""
    )


def test_only_the_named_person_may_sign_a_role(readiness: Readiness) -> None:
    gate = _gate(readiness)
    _name(readiness, gate, SRO, [readiness.chair])
    with pytest.raises(PermissionDenied, match="Cara Chair"):
        _sign(gate, readiness.trust.programme_manager, SRO)
    _sign(gate, readiness.chair, SRO)
    assert gate.sign_offs.get().signed_by == readiness.chair


def test_a_role_with_nobody_named_is_open_to_programme_wide_signatories(
    readiness: Readiness,
) -> None:
    gate = _gate(readiness)
    _name(readiness, gate, SRO, [readiness.chair])
    _sign(gate, readiness.trust.programme_manager, CCIO)
    assert gate.sign_offs.get().role == CCIO


def test_one_person_may_hold_several_non_cso_roles(readiness: Readiness) -> None:
    gate = _gate(readiness)
    pm = readiness.trust.programme_manager
    _name(readiness, gate, SRO, [pm])
    _name(readiness, gate, CCIO, [pm])
    _sign(gate, pm, SRO)
    _sign(gate, pm, CCIO)
    assert set(gate.sign_offs.values_list("role", flat=True)) == {SRO, CCIO}


def test_the_cso_role_can_only_name_a_clinical_safety_officer(readiness: Readiness) -> None:
    gate = _gate(readiness)
    with pytest.raises(ValidationError) as caught:
        _name(readiness, gate, CSO, [readiness.chair])
    assert caught.value.error_dict["users"][0].code == "not_cso"
    _name(readiness, gate, CSO, [readiness.cso])
    assert list(GateSignatory.objects.values_list("user", flat=True)) == [readiness.cso.pk]


def test_a_cso_on_another_programme_cannot_be_named_for_the_cso_role(
    readiness: Readiness,
) -> None:
    other_cso = f.UserFactory(username="other-cso")
    f.grant(other_cso, Role.CLINICAL_SAFETY_OFFICER, f.ProgrammeFactory(name="Other"))
    f.grant(other_cso, Role.READINESS_CHAIR, readiness.trust.programme)
    with pytest.raises(ValidationError):
        _name(readiness, _gate(readiness), CSO, [other_cso])


def test_someone_without_programme_wide_sign_off_cannot_be_named(readiness: Readiness) -> None:
    with pytest.raises(ValidationError) as caught:
        _name(readiness, _gate(readiness), SRO, [readiness.trust.executive])
    assert caught.value.error_dict["users"][0].code == "not_a_signatory"


def test_only_a_programme_manager_names_signatories(readiness: Readiness) -> None:
    gate = _gate(readiness)
    with pytest.raises(PermissionDenied):
        services.name_signatories(
            access=Access(readiness.chair), gate=gate, role=SRO, users=[readiness.chair]
        )


def test_naming_again_replaces_the_named_people(readiness: Readiness) -> None:
    gate = _gate(readiness)
    _name(readiness, gate, SRO, [readiness.chair])
    _name(readiness, gate, SRO, [])
    _sign(gate, readiness.trust.programme_manager, SRO)
    assert not GateSignatory.objects.exists()


def test_the_gate_page_lists_named_signatories_and_offers_only_their_roles(
    client: Client, readiness: Readiness
) -> None:
    gate = _gate(readiness)
    _name(readiness, gate, SRO, [readiness.chair])
    client.force_login(readiness.trust.programme_manager)
    page = client.get(f"/readiness/gates/{gate.pk}/").content.decode()
    assert "Cara Chair" in page
    sign_off_form = page.split("<h2>Sign off</h2>")[1].split("Record sign-off")[0]
    assert '<option value="sro">' not in sign_off_form
    assert '<option value="ccio">' in sign_off_form


def test_a_programme_manager_names_signatories_on_the_gate_page(
    client: Client, readiness: Readiness
) -> None:
    gate = _gate(readiness)
    client.force_login(readiness.trust.programme_manager)
    response = client.post(
        f"/readiness/gates/{gate.pk}/",
        {"form": "signatories", "names-role": CSO, "names-users": [readiness.cso.pk]},
    )
    assert response.status_code == 302
    assert GateSignatory.objects.get().user == readiness.cso
