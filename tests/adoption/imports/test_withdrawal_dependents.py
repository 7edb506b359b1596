"""A batch other batches depend on is not withdrawn: one whose rows a later batch re-sent
(left unchanged, so still this batch's), or a correction that replaced earlier rows. Both
the request and the worker check, and imports and withdrawals of a programme and kind run
one at a time."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from adoption.imports import locks, tasks, withdrawal, withdrawing
from adoption.models import Event, ImportBatch
from champions.models import RotaEntry
from golive.refusals import Conflict
from tests.adoption.conftest import extract
from tests.conftest import Trust
from tests.locking import run_recording, wait_for
from training.models import Completion, Course

Status = ImportBatch.Status
pytestmark = pytest.mark.django_db
W1 = "W1,2025-03-30 08:00:00,login,,U1,nursing,N/WA,"
W2 = "W2,2025-03-30 09:00:00,documentation,,U1,nursing,N/WA,9990000026"
W3 = "W3,2025-03-30 10:00:00,login,,U2,medical,N/WB,"
W2_CORRECTED = "W2,2025-03-30 09:00:00,documentation,,U1,medical,N/WA,9990000026"


def overlapping(import_file: Any) -> tuple[ImportBatch, ImportBatch]:
    """Batch A = {W1, W2}; then B = {W2, W3}: W2 unchanged, so it stays A's."""
    first = import_file(extract(W1, W2), file_name="week-1.csv")
    later = import_file(extract(W2, W3), file_name="week-2.csv")
    assert (later.status, later.rows_inserted, later.rows_unchanged) == (Status.COMMITTED, 1, 1)
    return first, later


def refusal(batch: ImportBatch, trust: Trust) -> Conflict:
    with pytest.raises(Conflict) as refused:
        withdrawal.request_withdrawal(batch=batch, user=trust.programme_manager, reason="Wrong")
    return refused.value


def withdraw_now(batch: ImportBatch, trust: Trust) -> None:
    withdrawal.request_withdrawal(batch=batch, user=trust.programme_manager, reason="Wrong")
    tasks.withdraw_batch(batch.pk)
    batch.refresh_from_db()


def test_a_batch_whose_rows_a_later_batch_re_sent_cannot_be_withdrawn(
    trust: Trust, import_file: Any
) -> None:
    first, later = overlapping(import_file)

    refused = refusal(first, trust)

    assert refused.code == "LATER_BATCH_RESENT_ROWS"
    assert refused.message.startswith(f"Batch {later.pk} (week-2.csv) re-sent some of these rows")
    assert "Withdraw the later batches first (newest first)" in refused.message
    first.refresh_from_db()
    assert first.status == Status.COMMITTED
    assert set(Event.objects.values_list("batch_id", flat=True)) == {first.pk, later.pk}


def test_withdrawing_the_later_batch_first_then_the_earlier_one_removes_every_row(
    trust: Trust, import_file: Any
) -> None:
    first, later = overlapping(import_file)

    withdraw_now(later, trust)
    withdraw_now(first, trust)

    assert (later.status, first.status) == (Status.WITHDRAWN, Status.WITHDRAWN)
    assert not Event.objects.exists()


def test_a_later_batch_re_sending_rows_of_other_days_does_not_stop_the_withdrawal(
    trust: Trust, import_file: Any
) -> None:
    other_day = "Y1,2025-04-02 08:00:00,login,,U3,nursing,N/WA,"
    import_file(extract(other_day), file_name="april.csv")
    first = import_file(extract(W1), file_name="march.csv")
    later = import_file(
        extract(other_day, "Y2,2025-04-03 08:00:00,login,,U3,nursing,N/WA,"), file_name="more.csv"
    )
    assert later.rows_unchanged == 1

    withdraw_now(first, trust)

    assert first.status == Status.WITHDRAWN


def test_a_training_batch_whose_completions_a_later_batch_re_sent_cannot_be_withdrawn(
    trust: Trust, import_file: Any
) -> None:
    Course.objects.create(
        programme=trust.programme, code="EPR101", name="EPR essentials", delivery="e_learning"
    )
    header = "staff_number,course,completed_on\n"
    a, b = trust.staff_a.staff_number, trust.staff_b.staff_number
    first = import_file(f"{header}{a},EPR101,2026-01-05\n", kind="training")
    later = import_file(
        f"{header}{a},EPR101,2026-01-05\n{b},EPR101,2026-01-06\n",
        kind="training",
        file_name="later.csv",
    )
    assert later.rows_unchanged == 1, later.message

    assert refusal(first, trust).code == "LATER_BATCH_RESENT_ROWS"
    assert Completion.objects.count() == 2


def test_an_e_roster_whose_shifts_a_later_roster_re_sent_cannot_be_withdrawn(
    trust: Trust, import_file: Any
) -> None:
    header = "staff_number,area,starts_at,ends_at\n"
    shift = f"{trust.staff_a.staff_number},N/WA,2030-01-06 07:30:00,2030-01-06 19:30:00\n"
    another = f"{trust.staff_b.staff_number},N/WA,2030-01-07 07:30:00,2030-01-07 19:30:00\n"
    first = import_file(header + shift, kind="roster")
    later = import_file(header + shift + another, kind="roster", file_name="later.csv")
    assert later.rows_unchanged == 1, later.message

    assert refusal(first, trust).code == "LATER_BATCH_RESENT_ROWS"
    assert RotaEntry.objects.count() == 2


def test_a_correction_that_replaced_rows_cannot_be_withdrawn(
    trust: Trust, import_file: Any
) -> None:
    import_file(extract(W1, W2), file_name="week-1.csv")
    correction = import_file(extract(W2_CORRECTED), file_name="fixed.csv", correction=True)
    assert (correction.status, correction.rows_updated) == (Status.COMMITTED, 1)

    refused = refusal(correction, trust)

    assert refused.code == "CORRECTION_NOT_WITHDRAWABLE"
    assert refused.message == (
        "This batch corrected 1 row of earlier batches; withdrawing it cannot bring their "
        "earlier content back. Upload a further correction with the right content instead."
    )
    assert Event.objects.get(role_group="medical").batch_id == (correction.pk)


def test_a_batch_re_sent_after_the_withdrawal_was_asked_for_is_caught_by_the_worker(
    trust: Trust, import_file: Any
) -> None:
    first = import_file(extract(W1, W2), file_name="week-1.csv")
    withdrawal.request_withdrawal(batch=first, user=trust.programme_manager, reason="Wrong")
    later = import_file(extract(W2, W3), file_name="week-2.csv")
    assert later.rows_unchanged == 1

    tasks.withdraw_batch(first.pk)

    first.refresh_from_db()
    assert first.status == Status.COMMITTED
    assert f"Batch {later.pk} (week-2.csv) re-sent some of these rows" in first.message
    assert Event.objects.filter(batch=first).count() == 2
    latest = first.history.order_by("-history_id").first()
    assert latest.history_change_reason == "Withdrawal refused; nothing changed"


def test_the_withdraw_page_shows_why_a_re_sent_batch_cannot_be_withdrawn(
    client: Client, trust: Trust, import_file: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(tasks.withdraw_batch, "delay", lambda batch_id: None)
    first, later = overlapping(import_file)
    client.force_login(trust.programme_manager)

    response = client.post(reverse("adoption:withdraw", args=[first.pk]), {"reason": "Wrong"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert f"Batch {later.pk} (week-2.csv) re-sent some of these rows" in page


def test_the_api_refuses_a_correction_with_409_and_its_code(
    client: Client, trust: Trust, import_file: Any
) -> None:
    import_file(extract(W1, W2), file_name="week-1.csv")
    correction = import_file(extract(W2_CORRECTED), file_name="fixed.csv", correction=True)
    client.force_login(trust.programme_manager)

    response = client.post(
        f"/api/v1/imports/{correction.pk}/withdraw/",
        {"reason": "Wrong"},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "CORRECTION_NOT_WITHDRAWABLE"


def test_the_schema_documents_both_refusals(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    schema = client.get("/api/schema/", {"format": "json"}).json()

    described = schema["paths"]["/api/v1/imports/{id}/withdraw/"]["post"]["responses"]["409"]
    assert "LATER_BATCH_RESENT_ROWS" in described["description"]
    assert "CORRECTION_NOT_WITHDRAWABLE" in described["description"]


def _waiting_for_the_programme_kind_lock() -> bool:
    """Another backend of this database waits for a (programme, kind) lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
            "AND classid = %s AND objsubid = 2 AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())",
            [locks.LOCK_CLASS],
        )
        return bool(cursor.fetchone()[0])


@pytest.fixture
def no_broker(monkeypatch: Any) -> None:
    """These tests commit for real, so the queued messages would reach the broker."""
    monkeypatch.setattr(tasks.run_import, "delay", lambda batch_id: None)
    monkeypatch.setattr(tasks.withdraw_batch, "delay", lambda batch_id: None)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("no_broker")
def test_a_withdrawal_waits_while_an_import_of_the_programme_and_kind_holds_the_lock(
    trust: Trust, import_file: Any
) -> None:
    batch = import_file(extract(W1, W2))
    withdrawal.request_withdrawal(batch=batch, user=trust.programme_manager, reason="Wrong")
    outcomes: list[str] = []
    with transaction.atomic():
        locks.lock_programme_kind(trust.programme.pk, "events")  # as an import's merge does
        worker = run_recording(outcomes, lambda: str(withdrawing.withdraw(batch.pk)))
        wait_for(_waiting_for_the_programme_kind_lock, "the withdrawal waiting")
        assert Event.objects.filter(batch=batch).count() == 2
        assert ImportBatch.objects.get(pk=batch.pk).status == Status.WITHDRAWING
    worker.join(timeout=60)

    assert outcomes == ["True"]
    assert ImportBatch.objects.get(pk=batch.pk).status == Status.WITHDRAWN


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("no_broker")
def test_an_import_waits_to_merge_while_a_withdrawal_of_the_programme_and_kind_holds_the_lock(
    trust: Trust, import_file: Any
) -> None:
    outcomes: list[str] = []

    def upload() -> str:
        return str(import_file(extract(W1)).status)

    with transaction.atomic():
        locks.lock_programme_kind(trust.programme.pk, "events")  # as a withdrawal does
        importer = run_recording(outcomes, upload)
        wait_for(_waiting_for_the_programme_kind_lock, "the import waiting")
        assert not Event.objects.exists()
    importer.join(timeout=60)

    assert outcomes == ["committed"]
    assert Event.objects.count() == 1
