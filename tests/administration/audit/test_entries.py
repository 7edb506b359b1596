"""Each audited action appears in the trail with who, what, when, before → after and the
reason where one was given."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from adoption.imports import services as import_services
from adoption.imports.profiles import reference_profile
from golive.access import Access
from golive.models import Role, RoleGrant
from readiness.assessment import services as assessment
from readiness.gates import services as gates
from readiness.hazards import services as hazards
from readiness.models import Hazard, Rag, SignOffRole, Verdict
from tests import factories as f
from tests.administration.audit.conftest import acting_as, seen_by
from tests.conftest import EVENTS_HEADER, Trust
from tests.readiness.conftest import Readiness

HAZARD = {
    "title": "Wrong patient", "cause": "Shared login", "effect": "Wrong record",
    "initial_severity": 4, "initial_likelihood": 4, "controls": "Auto-lock",
    "residual_severity": 4, "residual_likelihood": 2, "status": Hazard.Status.OPEN,
}  # fmt: skip


def changes_of(entry: Any) -> dict[str, tuple[str, str]]:
    return {change.field: (change.before, change.after) for change in entry.changes}


def test_a_criterion_status_change_shows_who_changed_it_from_what_to_what(
    readiness: Readiness,
) -> None:
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.sso)
    with acting_as(readiness.chair):
        assessment.update_criterion(
            access=Access(readiness.chair), user=readiness.chair, criterion=criterion,
            rag=Rag.AMBER, comment="Two logins still failing", evidence_link="",
            evidence_file=None, owner=None,
        )  # fmt: skip

    entry = seen_by(readiness.cso, object_type="Readiness criterion")[0]

    assert (entry.who, entry.action, entry.object) == (
        "Cara Chair",
        "changed",
        "Sso login tested – Ward A",
    )
    assert changes_of(entry)["Rag"] == ("Not assessed", "Amber")
    assert changes_of(entry)["Comment"] == ("", "Two logins still failing")
    assert abs(entry.when - timezone.now()) < dt.timedelta(minutes=1)


def test_a_gate_sign_off_is_recorded_on_the_gate_with_its_note_as_the_reason(
    readiness: Readiness,
) -> None:
    pm = readiness.trust.programme_manager
    gate = gates.create_gate(
        access=Access(pm), go_live=readiness.trust.wave_1, name="T-7", days_before=7,
        required_roles=[SignOffRole.CSO, SignOffRole.SRO],
    )  # fmt: skip
    with acting_as(readiness.cso):
        gates.sign_off_gate(
            access=Access(readiness.cso), user=readiness.cso, gate=gate, role=SignOffRole.CSO,
            verdict=Verdict.GO_WITH_CONDITIONS, note="Downtime drill first",
        )  # fmt: skip

    entry = seen_by(pm, object_type="Gate")[0]

    assert (entry.who, entry.action) == ("cso", "changed")
    assert entry.reason == (
        "Clinical safety officer signed off: Go with conditions (Downtime drill first)"
    )


def test_a_sign_off_is_an_entry_of_its_own_with_the_verdict_and_who_signed(
    readiness: Readiness,
) -> None:
    pm = readiness.trust.programme_manager
    gate = gates.create_gate(
        access=Access(pm), go_live=readiness.trust.wave_1, name="T-7", days_before=7,
        required_roles=[SignOffRole.CSO, SignOffRole.SRO],
    )  # fmt: skip
    with acting_as(readiness.cso):
        gates.sign_off_gate(
            access=Access(readiness.cso), user=readiness.cso, gate=gate, role=SignOffRole.CSO,
            verdict=Verdict.NO_GO, note="Downtime drill failed",
        )  # fmt: skip

    entry = seen_by(pm, object_type="Gate sign-off")[0]

    assert (entry.who, entry.action) == ("cso", "created")
    assert entry.object == "Clinical safety officer: No-go"


def test_naming_and_replacing_signatories_records_who_was_named_and_unnamed(
    readiness: Readiness,
) -> None:
    pm = readiness.trust.programme_manager
    gate = gates.create_gate(
        access=Access(pm), go_live=readiness.trust.wave_1, name="T-7", days_before=7,
        required_roles=[SignOffRole.CSO],
    )  # fmt: skip
    with acting_as(pm):
        gates.name_signatories(
            access=Access(pm), gate=gate, role=SignOffRole.CSO, users=[readiness.cso]
        )
        gates.name_signatories(access=Access(pm), gate=gate, role=SignOffRole.CSO, users=[])

    actions = [entry.action for entry in seen_by(pm, object_type="Gate signatory")]

    assert actions == ["deleted", "created"]


def test_the_last_sign_off_shows_the_gates_decision_before_and_after(
    readiness: Readiness,
) -> None:
    pm = readiness.trust.programme_manager
    gate = gates.create_gate(
        access=Access(pm), go_live=readiness.trust.wave_1, name="T-7", days_before=7,
        required_roles=[SignOffRole.SRO],
    )  # fmt: skip
    with acting_as(pm):
        gates.sign_off_gate(
            access=Access(pm), user=pm, gate=gate, role=SignOffRole.SRO, verdict=Verdict.GO,
            note="",
        )  # fmt: skip

    entry = seen_by(pm, object_type="Gate")[0]

    assert changes_of(entry)["Decision"] == ("", "Go")
    assert entry.reason == "Senior responsible owner signed off: Go"


def test_a_hazard_edit_shows_each_changed_field(readiness: Readiness) -> None:
    cso, programme = readiness.cso, readiness.trust.programme
    with acting_as(cso):
        hazard = hazards.save_hazard(
            access=Access(cso), programme=programme, hazard=None,
            fields={**HAZARD, "owner": cso}, criteria=[],
        )  # fmt: skip
        hazards.save_hazard(
            access=Access(cso), programme=programme, hazard=hazard,
            fields={**HAZARD, "owner": cso, "controls": "Auto-lock after 2 minutes"},
            criteria=[],
        )  # fmt: skip

    edited, *_, created = seen_by(cso, object_type="Hazard")

    assert (created.action, created.object, created.changes) == (
        "created",
        "HAZ-001 Wrong patient",
        [],
    )
    assert changes_of(edited)["Controls"] == ("Auto-lock", "Auto-lock after 2 minutes")
    assert changes_of(edited)["Version"] == ("1", "2")


def test_a_hazard_edit_that_links_criteria_names_them(readiness: Readiness) -> None:
    cso, programme = readiness.cso, readiness.trust.programme
    hazard = hazards.save_hazard(
        access=Access(cso), programme=programme, hazard=None,
        fields={**HAZARD, "owner": cso}, criteria=[],
    )  # fmt: skip
    hazards.save_hazard(
        access=Access(cso), programme=programme, hazard=hazard,
        fields={**HAZARD, "owner": cso}, criteria=[readiness.safety, readiness.sso],
    )  # fmt: skip

    entry = seen_by(cso, object_type="Hazard")[0]

    assert changes_of(entry)["Criteria"] == ("", "Hazards reviewed; Sso login tested")


def test_a_hazard_sign_off_gives_its_version_as_the_reason(readiness: Readiness) -> None:
    cso, programme = readiness.cso, readiness.trust.programme
    hazard = hazards.save_hazard(
        access=Access(cso), programme=programme, hazard=None,
        fields={**HAZARD, "owner": cso}, criteria=[],
    )  # fmt: skip
    with acting_as(cso):
        hazards.sign_off_hazard(access=Access(cso), user=cso, hazard=hazard, version=1)

    entry = seen_by(cso, object_type="Hazard")[0]

    assert entry.reason == "Clinical safety sign-off of version 1"
    assert changes_of(entry)["Cso signed off by"] == ("", "cso")


def test_a_go_live_date_change_shows_the_dates_and_the_reason(trust: Trust) -> None:
    go_live = trust.wave_1
    before = go_live.user_go_live_date
    with acting_as(trust.programme_manager):
        go_live.user_go_live_date = before + dt.timedelta(days=14)
        go_live._change_reason = "Supplier delivered the interface late"  # type: ignore[attr-defined]
        go_live.save()

    entry = seen_by(trust.programme_manager, object_type="Go-live")[0]

    assert (entry.who, entry.object, entry.reason) == (
        "pm",
        "Wave 1",
        "Supplier delivered the interface late",
    )
    assert changes_of(entry)["User go live date"] == (
        before.isoformat(),
        (before + dt.timedelta(days=14)).isoformat(),
    )


def test_a_role_grant_created_and_deleted_shows_both_reasons(trust: Trust) -> None:
    newcomer = f.UserFactory(username="newcomer", first_name="Nia", last_name="New")
    with acting_as(trust.programme_manager):
        grant = RoleGrant(user=newcomer, role=Role.WARD_MANAGER, programme=trust.programme)
        grant._change_reason = "Started as ward manager"  # type: ignore[attr-defined]
        grant.save()
        grant._change_reason = "Left the trust"  # type: ignore[attr-defined]
        grant.delete()

    deleted, created = seen_by(trust.programme_manager, object_type="Role grant", text="trust")[
        :1
    ] + seen_by(trust.programme_manager, object_type="Role grant", text="Started")

    assert (deleted.action, deleted.reason) == ("deleted", "Left the trust")
    assert (created.action, created.reason) == ("created", "Started as ward manager")
    assert created.object == "newcomer – Ward manager – EPR"


def test_a_mapping_profile_edit_shows_the_changed_description(trust: Trust) -> None:
    spec = reference_profile("events").to_spec()
    pm = trust.programme_manager
    with acting_as(pm):
        profile = import_services.save_mapping_profile(
            programme=trust.programme, user=pm, name="Vendor A", description="", spec=spec
        )
        import_services.save_mapping_profile(
            programme=trust.programme, user=pm, name="Vendor A",
            description="Nightly login extract", spec=spec, profile=profile,
        )  # fmt: skip

    entry = seen_by(pm, object_type="Mapping profile")[0]

    assert (entry.action, entry.object) == ("changed", "Vendor A")
    assert changes_of(entry)["Description"] == ("", "Nightly login extract")


def test_a_committed_import_batch_shows_its_outcome(trust: Trust, import_file: Any) -> None:
    batch = import_file(f"{EVENTS_HEADER}\nE1,2025-10-01 09:00:00,login,,EPR1,nursing,N/WA,\n")

    entry = seen_by(trust.programme_manager, object_type="Import batch")[0]

    assert batch.status == "committed"
    assert (entry.who, entry.reason, entry.object_id) == (
        "system",
        "Import committed",
        str(batch.pk),
    )
    assert changes_of(entry)["Status"] == ("Queued", "Committed")
