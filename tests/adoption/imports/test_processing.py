"""Idempotency, concurrency, interruption and privacy of import processing."""

from __future__ import annotations

import datetime as dt
import io
import logging
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from adoption.imports import housekeeping, pipeline, services, tasks
from adoption.models import Event, ImportBatch
from tests.conftest import EVENTS_HEADER, Trust

Status = ImportBatch.Status
NHS = "9434765919"


def events(*rows: str) -> str:
    return "\n".join([EVENTS_HEADER, *rows]) + "\n"


def row(n: int, patient: str = NHS) -> str:
    return f"E{n},2026-10-01 09:{n % 60:02d}:00,order_placed,pathology,EPR1,nursing,N/WA,{patient}"


def queue(trust: Trust, content: str, settings: Any, tmp_path: Any) -> ImportBatch:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"
    return services.create_import_batch(
        user=trust.programme_manager, programme=trust.programme, kind="events",
        profile_name="golive-events", upload=io.BytesIO(content.encode()), file_name="x.csv",
    )  # fmt: skip


def test_upload_queues_the_task_by_id_after_commit(
    trust: Trust, settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    sent: list[tuple[Any, ...]] = []
    settings_delay = tasks.run_import.delay
    tasks.run_import.delay = lambda *args: sent.append(args)  # type: ignore[method-assign]
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            batch = queue(trust, events(row(1)), settings, tmp_path)
    finally:
        tasks.run_import.delay = settings_delay  # type: ignore[method-assign]

    assert len(callbacks) == 1
    assert sent == [(batch.pk,)]


def test_running_the_task_twice_has_one_effect(trust: Trust, settings: Any, tmp_path: Any) -> None:
    batch = queue(trust, events(row(1), row(2)), settings, tmp_path)

    tasks.run_import(batch.pk)
    tasks.run_import(batch.pk)

    batch.refresh_from_db()
    assert (batch.status, batch.attempts, batch.rows_inserted) == (Status.COMMITTED, 1, 2)
    assert Event.objects.count() == 2


def test_task_for_a_deleted_batch_returns_quietly(db: None) -> None:
    tasks.run_import(987654)


@pytest.mark.postgres  # SQLite serialises writers itself; the race matters on PostgreSQL
@pytest.mark.django_db(transaction=True)
def test_five_concurrent_deliveries_of_one_batch_have_one_effect(
    settings: Any, tmp_path: Any
) -> None:
    from tests.conftest import Trust as MakeTrust  # noqa: PLC0415

    trust = MakeTrust()
    batch = queue(trust, events(*(row(n) for n in range(200))), settings, tmp_path)
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            pipeline.run(batch.pk)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    batch.refresh_from_db()
    assert errors == []
    assert (batch.status, batch.attempts, batch.rows_inserted) == (Status.COMMITTED, 1, 200)
    assert Event.objects.count() == 200


def test_reimporting_an_overlapping_extract_inserts_only_new_events(
    trust: Trust, import_file: Any
) -> None:
    import_file(events(row(1), row(2), row(3)))

    second = import_file(events(row(2), row(3), row(4)))

    assert (second.rows_inserted, second.rows_unchanged) == (1, 2)
    assert Event.objects.count() == 4


def test_stalled_batch_is_requeued_with_the_attempt_shown(
    trust: Trust, settings: Any, tmp_path: Any
) -> None:
    batch = queue(trust, events(row(1)), settings, tmp_path)
    pipeline.claim(batch.pk)  # a worker took it, then died
    ImportBatch.objects.filter(pk=batch.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(hours=1)
    )
    sent: list[int] = []
    original = tasks.run_import.delay
    tasks.run_import.delay = sent.append  # type: ignore[method-assign]
    try:
        result = tasks.sweep_stalled_imports()
    finally:
        tasks.run_import.delay = original  # type: ignore[method-assign]

    batch.refresh_from_db()
    assert result == {"requeued": 1, "failed": 0}
    assert sent == [batch.pk]
    assert batch.status == Status.QUEUED
    assert batch.message == (
        "Processing was interrupted; it will retry automatically (attempt 2 of 3)."
    )
    pipeline.run(batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.attempts, Event.objects.count()) == (Status.COMMITTED, 2, 1)


def test_batch_fails_with_a_reference_after_the_attempt_cap(
    trust: Trust, settings: Any, tmp_path: Any
) -> None:
    batch = queue(trust, events(row(1)), settings, tmp_path)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=Status.LOADING, attempts=3, heartbeat_at=timezone.now() - dt.timedelta(hours=1)
    )

    tasks.sweep_stalled_imports()

    batch.refresh_from_db()
    assert batch.status == Status.FAILED
    assert batch.message == (
        f"Processing failed after 3 attempts; nothing was imported. Quote reference "
        f"IMPORT-{batch.pk}-3 to the Golive administrator."
    )
    assert Event.objects.count() == 0


def test_a_superseded_attempt_commits_nothing(trust: Trust, settings: Any, tmp_path: Any) -> None:
    batch = queue(trust, events(row(1)), settings, tmp_path)
    claimed = pipeline.claim(batch.pk)
    assert claimed is not None
    # Meanwhile the sweeper gave the batch to a newer attempt.
    ImportBatch.objects.filter(pk=batch.pk).update(attempts=2)

    pipeline.process(claimed)

    assert Event.objects.count() == 0
    assert ImportBatch.objects.get(pk=batch.pk).status != Status.COMMITTED


def test_valid_rows_only_can_be_committed_after_a_named_user_confirms(
    trust: Trust, import_file: Any
) -> None:
    rows = [row(n) for n in range(1, 1000)] + [row(1000, patient="123")]
    batch = import_file(events(*rows))
    assert batch.status == Status.REJECTED
    assert "may instead choose to commit the valid rows only" in batch.message

    services.commit_valid_rows_only(batch=batch, user=trust.programme_manager)
    pipeline.run(batch.pk)

    batch.refresh_from_db()
    assert batch.status_label == "Committed with 1 rows rejected"
    assert batch.partial_confirmed_by == trust.programme_manager
    assert Event.objects.count() == 999


def test_valid_rows_only_is_refused_when_too_many_rows_were_rejected(
    trust: Trust, import_file: Any
) -> None:
    batch = import_file(events(row(1), row(2, patient="123")))

    with pytest.raises(services.ValidationError) as raised:
        services.commit_valid_rows_only(batch=batch, user=trust.programme_manager)

    assert raised.value.code == "too_many_rejected"


def test_canary_patient_identifiers_appear_nowhere_after_an_import(
    trust: Trust, import_file: Any, caplog: Any
) -> None:
    canary_valid = "9434765919"
    canary_invalid = "4010232138"  # fails the check digit: it must be masked in the report
    caplog.set_level(logging.DEBUG)

    batch = import_file(events(row(1, patient=canary_valid), row(2, patient=canary_invalid)))

    assert batch.status == Status.REJECTED
    import_file(events(row(3, patient=canary_valid)), file_name="second.csv")
    dump = io.StringIO()
    from django.core.management import call_command  # noqa: PLC0415

    call_command("dumpdata", "adoption", "golive", stdout=dump)
    everything = dump.getvalue() + caplog.text
    assert canary_valid not in everything
    assert canary_invalid not in everything
    assert Event.objects.get().patient_pseudonym != ""


def test_database_interruption_requeues_the_batch_for_the_tasks_retry(
    trust: Trust, settings: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    from django.db import OperationalError  # noqa: PLC0415

    batch = queue(trust, events(row(1)), settings, tmp_path)

    def database_restarts(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(pipeline, "_validate", database_restarts)
    with pytest.raises(OperationalError):
        pipeline.run(batch.pk)

    batch.refresh_from_db()
    assert batch.status == Status.QUEUED
    assert (
        batch.message == "Processing was interrupted; it will retry automatically (attempt 2 of 3)."
    )
    monkeypatch.undo()
    pipeline.run(batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.attempts, Event.objects.count()) == (Status.COMMITTED, 2, 1)


def test_release_after_an_interruption_waits_for_a_restarting_database(
    trust: Trust, settings: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    from django.db import OperationalError  # noqa: PLC0415

    batch = queue(trust, events(row(1)), settings, tmp_path)
    claimed = pipeline.claim(batch.pk)
    assert claimed is not None
    real_release = pipeline._release_once
    failures = iter([OperationalError("the database system is starting up")] * 2)
    pauses: list[float] = []

    def database_back_on_the_third_try(batch: Any) -> None:
        error = next(failures, None)
        if error is not None:
            raise error
        real_release(batch)

    monkeypatch.setattr(pipeline, "_release_once", database_back_on_the_third_try)
    monkeypatch.setattr(pipeline.time, "sleep", pauses.append)
    pipeline._release_for_retry(claimed)

    batch.refresh_from_db()
    assert batch.status == Status.QUEUED
    assert pauses == [0.5, 1.0]


def test_release_leaves_the_batch_to_the_sweeper_when_the_database_stays_away(
    trust: Trust, settings: Any, tmp_path: Any, monkeypatch: Any, caplog: Any
) -> None:
    from django.db import OperationalError  # noqa: PLC0415

    settings.IMPORT_RELEASE_WAIT_SECONDS = 2
    batch = queue(trust, events(row(1)), settings, tmp_path)
    claimed = pipeline.claim(batch.pk)
    assert claimed is not None

    def database_away(batch: Any) -> None:
        raise OperationalError("could not connect to server")

    clock = iter(range(0, 1000))
    monkeypatch.setattr(pipeline, "_release_once", database_away)
    monkeypatch.setattr(pipeline.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(pipeline.time, "monotonic", lambda: float(next(clock)))
    pipeline._release_for_retry(claimed)

    batch.refresh_from_db()
    assert batch.status == Status.VALIDATING
    assert f"Import batch {batch.pk} left for the sweeper to re-queue" in caplog.text


def test_batch_that_hits_the_time_limit_fails_with_nothing_imported(
    trust: Trust, settings: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    from celery.exceptions import SoftTimeLimitExceeded  # noqa: PLC0415

    batch = queue(trust, events(row(1)), settings, tmp_path)

    def too_slow(*args: Any, **kwargs: Any) -> None:
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(pipeline, "_validate", too_slow)
    pipeline.run(batch.pk)

    batch.refresh_from_db()
    assert batch.status == Status.FAILED
    assert batch.message.startswith("Processing took longer than the time limit")
    assert Event.objects.count() == 0


def test_uploaded_file_with_raw_identifiers_is_deleted_once_committed(
    trust: Trust, import_file: Any
) -> None:
    batch = import_file(events(row(1)))

    assert batch.file_deleted_at is not None
    assert not Path(batch.stored_path).exists()


def test_rejected_upload_and_its_report_are_kept_then_purged_after_retention(
    trust: Trust, import_file: Any, settings: Any
) -> None:
    settings.IMPORT_RETENTION_DAYS = 7
    # Within the bound: kept so that a programme manager may still commit the valid rows.
    batch = import_file(events(*(row(n) for n in range(1, 1000)), row(1000, patient="123")))
    assert Path(batch.stored_path).exists()

    kept = housekeeping.purge_expired_imports(now=batch.finished_at + dt.timedelta(days=6))
    purged = housekeeping.purge_expired_imports(now=batch.finished_at + dt.timedelta(days=8))

    batch.refresh_from_db()
    assert (kept, purged) == (0, 1)
    assert not Path(batch.stored_path).exists()
    assert not batch.issues.exists()
    with pytest.raises(services.ValidationError) as raised:
        services.commit_valid_rows_only(batch=batch, user=trust.programme_manager)
    assert raised.value.code == "file_deleted"
