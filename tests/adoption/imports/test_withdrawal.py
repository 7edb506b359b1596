"""Withdrawing a committed batch: its rows go, every figure is recomputed exactly, the
withdrawal is audited, and the batch stays listed as withdrawn."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from adoption.analytics import rollups
from adoption.imports import demo, tasks, withdrawal, withdrawing
from adoption.models import (
    DailyAreaUsers,
    DailyRollup,
    DailyUserActivity,
    Event,
    ImportBatch,
    MappingProfile,
)
from champions.models import RotaEntry
from golive.refusals import Conflict
from tests.conftest import Trust
from training.models import Completion, Course

Status = ImportBatch.Status
ROSTER_HEADER = "staff_number,area,starts_at,ends_at"
pytestmark = pytest.mark.django_db

FIRST = [
    "W1,2025-03-29 23:30:00,login,,U1,nursing,N/WA,",
    "W2,2025-03-30 09:00:00,documentation,,U1,nursing,N/WA,9990000026",
    "W3,2025-03-30 10:00:00,login,,U2,medical,N/WB,",
]
SECOND = [
    "X1,2025-03-30 11:00:00,login,,U3,nursing,N/WA,",
    "X2,2025-03-31 08:00:00,order_placed,pathology,U2,medical,N/WB,9990000026",
    "X3,2025-04-02 08:00:00,documentation,,U9,nursing,S/WC,9990000026",
]


def figures() -> tuple[set[tuple[Any, ...]], ...]:
    return (
        set(
            DailyRollup.objects.values_list(
                "local_date", "area_id", "event_type", "order_type", "role_group", "events", "users"
            )
        ),
        set(
            DailyUserActivity.objects.values_list(
                "local_date",
                "area_id",
                "epr_user_id",
                "staff_id",
                "events",
                "in_several_areas",
                "event_mask",
                "order_mask",
            )
        ),
        set(DailyAreaUsers.objects.values_list("local_date", "area_id", "role_group", "users")),
    )


def withdraw_now(batch: ImportBatch, user: Any, reason: str = "Wrong ward mapping") -> None:
    """Ask, then run the task as the worker would (twice: a second delivery is a no-op)."""
    withdrawal.request_withdrawal(batch=batch, user=user, reason=reason)
    tasks.withdraw_batch(batch.pk)
    tasks.withdraw_batch(batch.pk)
    batch.refresh_from_db()


def test_a_withdrawn_events_batch_leaves_no_events_and_rollups_equal_a_full_rebuild(
    trust: Trust, import_events: Any
) -> None:
    first = import_events(*FIRST)
    second = import_events(*SECOND)
    rollups.rollup_batch(first.pk)
    rollups.rollup_batch(second.pk)

    withdraw_now(second, trust.programme_manager)

    assert second.status == Status.WITHDRAWN
    assert not Event.objects.filter(batch=second).exists()
    assert Event.objects.filter(batch=first).count() == len(FIRST)
    after_withdrawal = figures()
    rollups.rebuild_all()
    assert after_withdrawal == figures()
    # The days only the withdrawn batch touched have no rows left at all.
    assert not DailyRollup.objects.filter(local_date__gte=dt.date(2025, 3, 31)).exists()


def test_withdrawing_the_only_batch_of_a_day_leaves_that_day_empty(
    trust: Trust, import_events: Any
) -> None:
    batch = import_events(*FIRST)
    rollups.rollup_batch(batch.pk)

    withdraw_now(batch, trust.programme_manager)

    assert figures() == (set(), set(), set())


def _course(trust: Trust) -> Course:
    return Course.objects.create(
        programme=trust.programme, code="EPR101", name="EPR essentials", delivery="e_learning"
    )


def test_a_withdrawn_training_batch_removes_its_completions_and_restores_earlier_dates(
    trust: Trust, import_file: Any
) -> None:
    course = _course(trust)
    a, b = trust.staff_a.staff_number, trust.staff_b.staff_number
    header = "staff_number,course,completed_on\n"
    earlier = import_file(f"{header}{a},EPR101,2026-01-05\n", kind="training")
    later = import_file(
        f"{header}{a},EPR101,2026-03-01\n{b},EPR101,2026-03-02\n",
        kind="training",
        file_name="later.csv",
    )
    assert later.status == Status.COMMITTED, later.message

    withdraw_now(later, trust.programme_manager)

    assert later.status == Status.WITHDRAWN
    kept = Completion.objects.get()
    assert (kept.staff, kept.course, kept.completed_on) == (
        trust.staff_a,
        course,
        dt.date(2026, 1, 5),
    )
    assert kept.batch_id == earlier.pk


def test_a_withdrawn_e_roster_removes_its_shifts(trust: Trust, import_file: Any) -> None:
    number = trust.staff_a.staff_number
    batch = import_file(
        f"{ROSTER_HEADER}\n{number},N/WA,2030-01-06 07:30:00,2030-01-06 19:30:00\n",
        kind="roster",
    )
    assert batch.status == Status.COMMITTED, batch.message

    withdraw_now(batch, trust.programme_manager)

    assert not RotaEntry.objects.exists()


def test_a_ward_manager_may_not_withdraw_a_batch(trust: Trust, import_events: Any) -> None:
    batch = import_events(*FIRST)

    with pytest.raises(PermissionDenied):
        withdrawal.request_withdrawal(batch=batch, user=trust.ward_manager, reason="Oops")

    batch.refresh_from_db()
    assert batch.status == Status.COMMITTED


def test_a_staff_list_cannot_be_withdrawn(trust: Trust, import_file: Any) -> None:
    staff = import_file(
        "staff_number,full_name,role_group,job_title,area,start_date,epr_user_id\n"
        "S77,Sam Late,nursing,Staff Nurse,N/WA,2025-01-01,EPR77\n",
        kind="staff",
    )
    assert staff.status == Status.COMMITTED, staff.message

    with pytest.raises(Conflict) as refused:
        withdrawal.request_withdrawal(batch=staff, user=trust.programme_manager, reason="Wrong")

    assert refused.value.code == "staff_list"
    assert "upload a corrected list" in refused.value.message


def test_only_a_committed_batch_can_be_withdrawn(trust: Trust, import_events: Any) -> None:
    batch = import_events(*FIRST)
    withdraw_now(batch, trust.programme_manager)

    with pytest.raises(Conflict) as refused:
        withdrawal.request_withdrawal(batch=batch, user=trust.programme_manager, reason="Again")

    assert refused.value.code == "not_committed"


def test_a_withdrawal_needs_a_reason(trust: Trust, import_events: Any) -> None:
    batch = import_events(*FIRST)

    with pytest.raises(ValidationError) as refused:
        withdrawal.request_withdrawal(batch=batch, user=trust.programme_manager, reason="  ")

    assert refused.value.error_dict["reason"][0].code == "required"


def test_the_history_records_who_withdrew_the_batch_and_why(
    trust: Trust, import_events: Any
) -> None:
    batch = import_events(*FIRST)

    withdraw_now(batch, trust.programme_manager, reason="Ward codes mapped to the wrong site")

    assert (batch.withdrawn_by, batch.withdrawal_reason) == (
        trust.programme_manager,
        "Ward codes mapped to the wrong site",
    )
    assert batch.withdrawn_at is not None
    latest = batch.history.order_by("-history_id").first()
    assert latest.status == Status.WITHDRAWN
    assert latest.history_change_reason == "Import withdrawn: Ward codes mapped to the wrong site"
    assert latest.history_user == trust.programme_manager


def test_the_withdrawal_is_queued_only_once_the_request_commits(
    trust: Trust, import_events: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    batch = import_events(*FIRST)
    sent: list[int] = []
    monkeypatch.setattr(tasks.withdraw_batch, "delay", sent.append)

    with django_capture_on_commit_callbacks(execute=True):
        withdrawal.request_withdrawal(batch=batch, user=trust.programme_manager, reason="Wrong")
        assert sent == []

    assert sent == [batch.pk]


def test_a_withdrawal_saved_while_the_queue_is_down_is_sent_by_the_sweeper(
    trust: Trust, import_events: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    batch = import_events(*FIRST)

    def broker_down(batch_id: int) -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.withdraw_batch, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        withdrawal.request_withdrawal(batch=batch, user=trust.programme_manager, reason="Wrong")
    batch.refresh_from_db()
    assert (batch.status, batch.awaiting_broker) == (Status.WITHDRAWING, True)

    sent: list[int] = []
    monkeypatch.setattr(tasks.withdraw_batch, "delay", sent.append)
    tasks.sweep_stalled_imports()

    assert sent == [batch.pk]
    batch.refresh_from_db()
    assert batch.awaiting_broker is False


def test_the_same_file_may_be_uploaded_again_after_its_batch_is_withdrawn(
    trust: Trust, import_events: Any
) -> None:
    batch = import_events(*FIRST)
    withdraw_now(batch, trust.programme_manager)

    again = import_events(*FIRST)

    assert again.status == Status.COMMITTED
    assert again.sha256 == batch.sha256
    assert Event.objects.filter(batch=again).count() == len(FIRST)


def test_an_unexpected_failure_leaves_the_batch_committed_with_every_row(
    trust: Trust, import_events: Any, monkeypatch: Any
) -> None:
    batch = import_events(*FIRST)
    withdrawal.request_withdrawal(batch=batch, user=trust.programme_manager, reason="Wrong")

    def broken(batch_id: int) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setitem(withdrawing.reactions._withdrawal_reactions, "events", [broken])
    tasks.withdraw_batch(batch.pk)

    batch.refresh_from_db()
    assert batch.status == Status.COMMITTED
    assert "WITHDRAW-" in batch.message
    assert Event.objects.filter(batch=batch).count() == len(FIRST)


def test_the_demo_withdraws_one_extract_once(
    trust: Trust, settings: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"
    monkeypatch.setattr(tasks.withdraw_batch, "delay", lambda batch_id: None)
    trust.wave_1.user_go_live_date = dt.date(2025, 3, 30)
    trust.wave_1.save()
    MappingProfile.objects.create(
        programme=trust.programme,
        name=demo.VENDOR_PROFILE_NAME,
        kind="events",
        spec=demo.VENDOR_PROFILE,
        updated_by=trust.programme_manager,
    )

    first = demo.seed_withdrawal_demo(programme=trust.programme, user=trust.programme_manager)
    again = demo.seed_withdrawal_demo(programme=trust.programme, user=trust.programme_manager)

    assert first == ["Withdrawn extract: Withdrawn"]
    assert again == ["Withdrawn extract: already withdrawn"]
    assert ImportBatch.objects.get().withdrawal_reason.startswith("The supplier's report")
    assert not Event.objects.exists()
