"""Escalations step up the command structure one level at a time, never back, with who,
when and why for every step; an executive leading a gold cell writes only its sit-reps."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from golive.access import Access
from golive.models import User
from readiness.command import services as command_services
from readiness.command.selectors import escalation_trail
from readiness.models import CommandCell, EscalationStep, SitRep, StandDownCriterion
from readiness.timeline import services as timeline_services
from support.models import Escalation
from tests.readiness.conftest import Readiness

GOLD = CommandCell.Level.GOLD


@pytest.fixture
def cells(readiness: Readiness) -> dict[str, CommandCell]:
    trust = readiness.trust
    return {
        level: CommandCell.objects.create(
            go_live=trust.wave_1, level=level, name=level.capitalize(), lead=lead
        )
        for level, lead in (
            (CommandCell.Level.SILVER, readiness.chair),
            (GOLD, trust.executive),
        )
    }


@pytest.fixture
def escalation(readiness: Readiness) -> Escalation:
    return Escalation.objects.create(
        go_live=readiness.trust.wave_1,
        summary="Login spike on Ward A",
        area=readiness.trust.ward_a,
        escalated_by=readiness.trust.programme_manager,
        escalated_at=timezone.now(),
    )


def _step(user: User, escalation: Escalation, to: str = GOLD, note: str = "Trust-wide") -> None:
    command_services.step_up_escalation(
        access=Access(user), user=user, escalation=escalation, to_level=to, note=note
    )


def test_the_silver_lead_steps_an_escalation_up_to_gold_with_who_when_and_why(
    readiness: Readiness, cells: dict[str, CommandCell], escalation: Escalation
) -> None:
    _step(readiness.chair, escalation, note="Every ward affected")
    escalation.refresh_from_db()
    assert escalation.level == GOLD
    trail = escalation_trail(escalation)
    assert [(s.from_level, s.to_level) for s in trail] == [("bronze", "silver"), ("silver", "gold")]
    assert (trail[1].by, trail[1].note) == (readiness.chair, "Every ward affected")
    assert trail[0].at <= trail[1].at


def test_an_escalation_cannot_step_back_down(
    readiness: Readiness, cells: dict[str, CommandCell], escalation: Escalation
) -> None:
    _step(readiness.chair, escalation)
    with pytest.raises(ValidationError) as caught:
        _step(readiness.trust.programme_manager, escalation, to=CommandCell.Level.SILVER)
    assert caught.value.code == "already_at_level"
    escalation.refresh_from_db()
    assert escalation.level == GOLD


def test_a_bronze_escalation_cannot_skip_silver(
    readiness: Readiness, cells: dict[str, CommandCell], escalation: Escalation
) -> None:
    # Desk escalations arrive at silver; a stale step request naming bronze is refused too.
    with pytest.raises(ValidationError) as caught:
        _step(readiness.chair, escalation, to=CommandCell.Level.BRONZE)
    assert caught.value.code == "already_at_level"


def test_a_step_up_needs_a_reason(
    readiness: Readiness, cells: dict[str, CommandCell], escalation: Escalation
) -> None:
    with pytest.raises(ValidationError) as caught:
        _step(readiness.chair, escalation, note=" ")
    assert "note" in caught.value.error_dict


def test_only_the_lead_of_the_cell_holding_it_or_a_programme_manager_steps_it_up(
    readiness: Readiness, cells: dict[str, CommandCell], escalation: Escalation
) -> None:
    with pytest.raises(PermissionDenied):
        _step(readiness.cso, escalation)
    with pytest.raises(PermissionDenied):
        _step(readiness.trust.executive, escalation)
    assert not EscalationStep.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_step_ups_leave_one_consistent_state(
    readiness: Readiness, cells: dict[str, CommandCell], escalation: Escalation
) -> None:
    users = [readiness.chair, readiness.trust.programme_manager]
    barrier = threading.Barrier(len(users))
    outcomes: list[str] = []

    def run(user: User) -> None:
        try:
            barrier.wait()
            _step(user, escalation)
            outcomes.append("stepped")
        except ValidationError as error:
            outcomes.append(str(error.code))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already_at_level", "stepped"]
    escalation.refresh_from_db()
    assert escalation.level == GOLD
    assert EscalationStep.objects.filter(escalation=escalation).count() == 1


def test_the_escalation_page_steps_up_and_shows_the_trail(
    client: Client, readiness: Readiness, cells: dict[str, CommandCell], escalation: Escalation
) -> None:
    client.force_login(readiness.chair)
    url = f"/readiness/escalations/{escalation.pk}/"
    response = client.post(url, {"to_level": GOLD, "note": "Clinics need a decision"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Silver to gold" in page
    assert "Clinics need a decision" in page
    assert "Step up</button>" not in page  # at gold there is nowhere further to go


def test_the_escalation_page_shows_a_missing_reason_as_a_field_error(
    client: Client, readiness: Readiness, cells: dict[str, CommandCell], escalation: Escalation
) -> None:
    client.force_login(readiness.chair)
    response = client.post(f"/readiness/escalations/{escalation.pk}/", {"to_level": GOLD})
    assert response.status_code == 200
    assert "Say why it needs the next level." in response.content.decode()


def test_a_ward_manager_cannot_open_an_escalation(
    client: Client, readiness: Readiness, cells: dict[str, CommandCell], escalation: Escalation
) -> None:
    client.force_login(readiness.trust.ward_manager)
    assert client.get(f"/readiness/escalations/{escalation.pk}/").status_code == 403


# An executive leading the gold cell.


def test_an_executive_leading_a_gold_cell_drafts_and_publishes_its_sit_rep(
    readiness: Readiness, cells: dict[str, CommandCell]
) -> None:
    executive = readiness.trust.executive
    access = Access(executive)
    sitrep = command_services.draft_sitrep(access=access, cell=cells[GOLD], now=timezone.now())
    command_services.publish_sitrep(access=access, user=executive, sitrep=sitrep, summary="Stable")
    sitrep.refresh_from_db()
    assert (sitrep.status, sitrep.published_by) == (SitRep.Status.PUBLISHED, executive)


def test_an_executive_publishes_a_gold_sit_rep_from_its_page(
    client: Client, readiness: Readiness, cells: dict[str, CommandCell]
) -> None:
    sitrep = command_services.draft_sitrep(
        access=Access(readiness.trust.programme_manager), cell=cells[GOLD], now=timezone.now()
    )
    client.force_login(readiness.trust.executive)
    response = client.post(f"/readiness/sitreps/{sitrep.pk}/", {"summary": "Gold: stable"})
    assert response.status_code == 302
    sitrep.refresh_from_db()
    assert sitrep.status == SitRep.Status.PUBLISHED


def test_an_executive_leading_a_silver_cell_cannot_publish_its_sit_rep(
    readiness: Readiness, cells: dict[str, CommandCell]
) -> None:
    silver = cells[CommandCell.Level.SILVER]
    silver.lead = readiness.trust.executive
    silver.save(update_fields=["lead"])
    sitrep = command_services.draft_sitrep(
        access=Access(readiness.trust.programme_manager), cell=silver, now=timezone.now()
    )
    executive = readiness.trust.executive
    with pytest.raises(PermissionDenied):
        command_services.publish_sitrep(
            access=Access(executive), user=executive, sitrep=sitrep, summary="x"
        )


def test_an_executive_gold_lead_still_cannot_run_the_cell_or_write_anything_else(
    readiness: Readiness, cells: dict[str, CommandCell], escalation: Escalation
) -> None:
    executive, gold = readiness.trust.executive, cells[GOLD]
    access = Access(executive)
    now = timezone.now()
    _step(readiness.chair, escalation)
    writes = [
        lambda: command_services.assign_duty(
            access=access, cell=gold, user=executive, role="On call", starts_at=now,
            ends_at=now + timezone.timedelta(hours=1),
        ),
        lambda: command_services.add_stand_down_criterion(
            access=access, cell=gold, kind=StandDownCriterion.Kind.MANUAL, title="Quiet",
            hours=None, per_hour=None,
        ),
        lambda: command_services.stand_down_cell(
            access=access, user=executive, cell=gold, override_reason="Done", now=now
        ),
        lambda: timeline_services.add_milestone(
            access=access, go_live=gold.go_live, name="M", kind="other", due_on=now.date()
        ),
        lambda: command_services.update_cell(access=access, cell=gold, name="Gold", lead=executive),
    ]  # fmt: skip
    for write in writes:
        with pytest.raises(PermissionDenied):
            write()


def test_an_executive_gold_lead_gets_no_rota_form_and_cannot_post_one(
    client: Client, readiness: Readiness, cells: dict[str, CommandCell]
) -> None:
    client.force_login(readiness.trust.executive)
    page = client.get("/readiness/command/").content.decode()
    assert "Draft sit-rep" in page
    assert "Add duty" not in page
    response = client.post("/readiness/command/", {"form": "duty", "cell": cells[GOLD].pk})
    assert response.status_code == 403


def test_an_executive_gold_lead_still_cannot_write_over_the_api(
    client: Client, readiness: Readiness, cells: dict[str, CommandCell]
) -> None:
    client.force_login(readiness.trust.executive)
    response = client.put(
        f"/api/v1/readiness/cells/{cells[GOLD].pk}/",
        {"name": "Mine", "lead": readiness.trust.executive.pk},
        content_type="application/json",
    )
    assert response.status_code == 403
