"""NHS numbers people type into readiness free text are removed before it is stored."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from golive.access import Access
from readiness.assessment import services as assessment_services
from readiness.command import services as command_services
from readiness.comms import services as comms_services
from readiness.gates import services as gate_services
from readiness.hazards import services as hazard_services
from readiness.models import (
    CommandCell,
    CommsItem,
    Criterion,
    EngagementEvent,
    Milestone,
    Rag,
    ReadinessGroup,
    SignOffRole,
    StandDownCriterion,
    Verdict,
)
from tests.readiness.conftest import Readiness

NHS_NUMBER = "9434765919"
SPACED = "943 476 5919"


def test_a_criterion_comment_loses_nhs_numbers(readiness: Readiness) -> None:
    pm = readiness.trust.programme_manager
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.downtime)
    assessment_services.update_criterion(
        access=Access(pm), user=pm, criterion=criterion, rag=Rag.AMBER,
        comment=f"Drill failed for {SPACED}", evidence_link="", evidence_file=None, owner=None,
    )  # fmt: skip
    criterion.refresh_from_db()
    assert SPACED not in criterion.comment
    assert criterion.comment.startswith("Drill failed for ")


def test_a_criterion_comment_saved_on_the_page_loses_nhs_numbers(
    client: Client, readiness: Readiness
) -> None:
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.downtime)
    client.force_login(readiness.trust.programme_manager)
    client.post(
        f"/readiness/criteria/{criterion.pk}/", {"rag": "red", "comment": f"See {NHS_NUMBER}"}
    )
    assert NHS_NUMBER not in Criterion.objects.get(pk=criterion.pk).comment


def test_a_number_that_is_not_a_valid_nhs_number_is_kept(readiness: Readiness) -> None:
    pm = readiness.trust.programme_manager
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.downtime)
    assessment_services.update_criterion(
        access=Access(pm), user=pm, criterion=criterion, rag=Rag.AMBER,
        comment="Call ext 1234567890", evidence_link="", evidence_file=None, owner=None,
    )  # fmt: skip
    criterion.refresh_from_db()
    assert "1234567890" in criterion.comment


def test_meeting_notes_decisions_and_actions_lose_nhs_numbers(readiness: Readiness) -> None:
    group = ReadinessGroup.objects.get()
    access = Access(readiness.chair)
    meeting = assessment_services.record_meeting(
        access=access, group=group, held_on=dt.date(2026, 11, 20),
        notes=f"Incident {NHS_NUMBER}", decisions=[f"Review {NHS_NUMBER}"],
    )  # fmt: skip
    action = assessment_services.add_action(
        access=access, group=group, description=f"Follow up {NHS_NUMBER}",
        owner=readiness.chair, due_on=dt.date(2026, 12, 1),
    )  # fmt: skip
    texts = [meeting.notes, meeting.decisions.get().text, action.description]
    assert not any(NHS_NUMBER in text for text in texts)


def test_hazard_text_loses_nhs_numbers(readiness: Readiness) -> None:
    hazard = hazard_services.save_hazard(
        access=Access(readiness.cso), programme=readiness.trust.programme, hazard=None,
        fields={
            "title": f"Wrong record {NHS_NUMBER}", "cause": f"c {NHS_NUMBER}",
            "effect": f"e {NHS_NUMBER}", "controls": f"k {NHS_NUMBER}",
            "initial_severity": 3, "initial_likelihood": 3, "residual_severity": 2,
            "residual_likelihood": 2, "owner": readiness.cso, "status": "open",
        },
        criteria=[],
    )  # fmt: skip
    texts = [hazard.title, hazard.cause, hazard.effect, hazard.controls]
    assert not any(NHS_NUMBER in text for text in texts)


def test_a_gate_sign_off_note_loses_nhs_numbers(readiness: Readiness) -> None:
    pm = readiness.trust.programme_manager
    gate = gate_services.create_gate(
        access=Access(pm), go_live=readiness.trust.wave_1, name="T-7", days_before=7,
        required_roles=[SignOffRole.SRO],
    )  # fmt: skip
    sign_off = gate_services.sign_off_gate(
        access=Access(pm), user=pm, gate=gate, role=SignOffRole.SRO,
        verdict=Verdict.NO_GO, note=f"Incident with {NHS_NUMBER}",
    )  # fmt: skip
    assert NHS_NUMBER not in sign_off.note


def test_a_published_sit_rep_and_stand_down_note_lose_nhs_numbers(readiness: Readiness) -> None:
    cell = CommandCell.objects.create(
        go_live=readiness.trust.wave_1, level="silver", name="Silver", lead=readiness.chair
    )
    access = Access(readiness.chair)
    sitrep = command_services.draft_sitrep(access=access, cell=cell, now=timezone.now())
    sitrep = command_services.publish_sitrep(
        access=access, user=readiness.chair, sitrep=sitrep, summary=f"Patient {SPACED} harmed"
    )
    criterion = command_services.add_stand_down_criterion(
        access=access, cell=cell, kind=StandDownCriterion.Kind.MANUAL, title="Wards confirm",
        hours=None, per_hour=None,
    )  # fmt: skip
    criterion = command_services.tick_stand_down_criterion(
        access=access, user=readiness.chair, criterion=criterion, met=True,
        note=f"Except {NHS_NUMBER}",
    )  # fmt: skip
    assert SPACED not in sitrep.summary
    assert NHS_NUMBER not in criterion.note


def test_comms_items_and_engagement_events_lose_nhs_numbers(readiness: Readiness) -> None:
    pm = readiness.trust.programme_manager
    access, go_live = Access(pm), readiness.trust.wave_1
    comms_services.add_comms_item(
        access=access, go_live=go_live, title=f"Story of {NHS_NUMBER}",
        audience=f"Family of {NHS_NUMBER}", channel="email",
        planned_on=dt.date(2026, 11, 30), owner=pm,
    )  # fmt: skip
    comms_services.add_engagement_event(
        access=access, go_live=go_live, kind="workshop", title=f"Case {NHS_NUMBER}",
        held_on=dt.date(2026, 11, 30), area=None,
    )  # fmt: skip
    item = CommsItem.objects.get()
    texts = [item.title, item.audience, EngagementEvent.objects.get().title]
    assert not any(NHS_NUMBER in text for text in texts)


def test_free_text_written_straight_to_the_database_loses_nhs_numbers(
    readiness: Readiness,
) -> None:
    go_live = readiness.trust.wave_1
    Milestone.objects.create(go_live=go_live, name=f"Call {SPACED}", due_on=dt.date(2026, 12, 1))
    Milestone.objects.filter(go_live=go_live).update(name=f"Call {NHS_NUMBER} back")
    assert NHS_NUMBER not in Milestone.objects.get(go_live=go_live).name
