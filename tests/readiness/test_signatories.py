"""Named signatories per gate role, and hazard sign-off against the version the CSO read."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client

from golive.access import Access
from golive.models import Role, User
from readiness import services
from readiness.models import Gate, GateSignatory, Hazard, SignOffRole, Verdict
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


# Hazard versions.

FIELDS = {
    "title": "Wrong patient", "cause": "Shared login", "effect": "Wrong record",
    "initial_severity": 4, "initial_likelihood": 4, "controls": "Auto-lock",
    "residual_severity": 4, "residual_likelihood": 2, "status": Hazard.Status.OPEN,
}  # fmt: skip


def _hazard(readiness: Readiness) -> Hazard:
    return services.save_hazard(
        access=Access(readiness.cso), programme=readiness.trust.programme, hazard=None,
        fields={**FIELDS, "owner": readiness.cso}, criteria=[],
    )  # fmt: skip


def _edit(readiness: Readiness, hazard: Hazard, expected: int | None) -> Hazard:
    return services.save_hazard(
        access=Access(readiness.cso), programme=readiness.trust.programme, hazard=hazard,
        fields={**FIELDS, "owner": readiness.cso, "controls": "Auto-lock after 2 minutes"},
        criteria=[], expected_version=expected,
    )  # fmt: skip


def _sign_hazard(readiness: Readiness, hazard: Hazard, version: int) -> Hazard:
    return services.sign_off_hazard(
        access=Access(readiness.cso), user=readiness.cso, hazard=hazard, version=version
    )


def test_the_cso_signs_the_version_they_read(readiness: Readiness) -> None:
    hazard = _sign_hazard(readiness, _hazard(readiness), version=1)
    assert (hazard.cso_signed_version, hazard.is_signed_off) == (1, True)


def test_an_edit_after_sign_off_raises_the_version_and_clears_the_sign_off(
    readiness: Readiness,
) -> None:
    hazard = _sign_hazard(readiness, _hazard(readiness), version=1)
    hazard = _edit(readiness, hazard, expected=1)
    assert (hazard.version, hazard.is_signed_off, hazard.cso_signed_off_by) == (2, False, None)


def test_signing_a_version_that_has_since_changed_is_refused(readiness: Readiness) -> None:
    hazard = _edit(readiness, _hazard(readiness), expected=1)
    with pytest.raises(ValidationError) as caught:
        _sign_hazard(readiness, hazard, version=1)
    assert caught.value.code == "stale"
    hazard.refresh_from_db()
    assert hazard.cso_signed_off_at is None


def test_an_edit_over_someone_elses_newer_version_is_refused(readiness: Readiness) -> None:
    hazard = _edit(readiness, _hazard(readiness), expected=1)
    with pytest.raises(ValidationError) as caught:
        _edit(readiness, hazard, expected=1)
    assert caught.value.code == "stale"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_concurrent_edit_and_sign_off_never_sign_a_version_nobody_saw(
    readiness: Readiness,
) -> None:
    hazard = _hazard(readiness)
    calls: list[Callable[[], object]] = [
        lambda: _edit(readiness, hazard, expected=1),
        lambda: _sign_hazard(readiness, hazard, version=1),
    ]
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            call()
            outcomes.append("done")
        except ValidationError as error:
            outcomes.append(str(error.code))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    hazard.refresh_from_db()
    assert hazard.version == 2
    # Either the edit came first (the sign-off of version 1 was refused) or the sign-off did
    # (and the edit cleared it): version 2 is never shown as signed.
    assert hazard.is_signed_off is False
    assert hazard.cso_signed_off_at is None
    assert sorted(outcomes) in (["done", "done"], ["done", "stale"])


def test_the_hazard_page_refuses_a_stale_sign_off_with_a_message(
    client: Client, readiness: Readiness
) -> None:
    hazard = _edit(readiness, _hazard(readiness), expected=1)
    client.force_login(readiness.cso)
    response = client.post(
        f"/readiness/hazards/{hazard.pk}/sign-off/", {"version": "1"}, follow=True
    )
    assert "has changed since you read it" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.cso_signed_off_at is None


def test_the_hazard_form_refuses_to_save_over_a_newer_version(
    client: Client, readiness: Readiness
) -> None:
    hazard = _edit(readiness, _hazard(readiness), expected=1)
    client.force_login(readiness.cso)
    form = {**FIELDS, "owner": readiness.cso.pk, "version": "1", "title": "Stale edit"}
    response = client.post(f"/readiness/hazards/{hazard.pk}/", form)
    assert response.status_code == 200
    assert "was changed by someone else" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.title == "Wrong patient"
