"""Hazards are numbered per programme and versioned: the clinical safety officer signs off
the version they read, an edit clears the sign-off, and stale writes are refused."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from golive.access import Access
from readiness.hazards import services
from readiness.models import (
    Hazard,
)
from tests.readiness.conftest import Readiness

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


def test_hazards_are_numbered_in_order_per_programme(readiness: Readiness) -> None:
    fields = {
        "title": "Hazard",
        "cause": "c",
        "effect": "e",
        "initial_severity": 3,
        "initial_likelihood": 3,
        "residual_severity": 2,
        "residual_likelihood": 2,
        "controls": "",
        "owner": readiness.cso,
        "status": Hazard.Status.OPEN,
    }
    access = Access(readiness.cso)
    programme = readiness.trust.programme
    first = services.save_hazard(
        access=access, programme=programme, hazard=None, fields=fields, criteria=[]
    )
    second = services.save_hazard(
        access=access, programme=programme, hazard=None, fields=fields, criteria=[]
    )
    assert (first.reference, second.reference) == ("HAZ-001", "HAZ-002")
