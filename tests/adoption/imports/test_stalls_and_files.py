"""Stalled batches are noticed within about a minute (a per-batch worker heartbeat), shown
on the batch page and re-queued, never processed twice; uploads and work files are private
to Golive's user, and the work files of attempts that are over are swept away."""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from adoption.imports import housekeeping, pipeline, services, tasks
from adoption.models import ImportBatch
from tests.conftest import EVENTS_HEADER, Trust

EVENTS = f"{EVENTS_HEADER}\nE1,2025-10-01 09:00:00,login,,EPR1,nursing,N/WA,\n"


@pytest.fixture(autouse=True)
def _import_dirs(settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"


def upload(trust: Trust) -> ImportBatch:
    return services.create_import_batch(
        user=trust.programme_manager, programme=trust.programme, kind="events",
        profile_name="golive-events", upload=io.BytesIO(EVENTS.encode()), file_name="x.csv",
    )  # fmt: skip


def working(trust: Trust, *, silent_for: int, attempts: int = 1) -> ImportBatch:
    """A batch a worker claimed, last heard of ``silent_for`` seconds ago."""
    batch = upload(trust)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status="validating",
        attempts=attempts,
        heartbeat_at=timezone.now() - dt.timedelta(seconds=silent_for),
    )
    batch.refresh_from_db()
    return batch


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.django_db
def test_a_batch_whose_worker_is_silent_for_over_a_minute_is_requeued(trust: Trust) -> None:
    batch = working(trust, silent_for=61)

    released = housekeeping.release_stalled_batches(now=timezone.now())

    batch.refresh_from_db()
    assert released.requeue == [batch.pk]
    assert batch.status == "queued"
    assert batch.message.startswith("Processing was interrupted; it will retry automatically")


@pytest.mark.django_db
def test_a_batch_whose_worker_beat_seconds_ago_is_left_alone(trust: Trust) -> None:
    batch = working(trust, silent_for=5)

    released = housekeeping.release_stalled_batches(now=timezone.now())

    batch.refresh_from_db()
    assert (released.requeue, batch.status) == ([], "validating")


@pytest.mark.django_db
def test_the_worker_heartbeat_moves_the_batchs_heartbeat_on(trust: Trust) -> None:
    batch = working(trust, silent_for=50)

    pipeline.Heartbeat(batch).beat()

    batch.refresh_from_db()
    assert batch.heartbeat_at is not None
    assert timezone.now() - batch.heartbeat_at < dt.timedelta(seconds=10)


@pytest.mark.django_db
def test_a_heartbeat_of_a_superseded_attempt_changes_nothing(trust: Trust) -> None:
    batch = working(trust, silent_for=50, attempts=2)
    old_attempt = ImportBatch.objects.get(pk=batch.pk)
    old_attempt.attempts = 1
    before = batch.heartbeat_at

    pipeline.Heartbeat(old_attempt).beat()

    batch.refresh_from_db()
    assert batch.heartbeat_at == before


class Clock:
    """The heartbeat's clock, moved by hand: stalls are counted, not waited for."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.django_db
def test_a_hung_worker_stops_beating_once_its_batch_has_not_moved_for_the_stall_time(
    trust: Trust, settings: Any
) -> None:
    settings.IMPORT_STALL_SECONDS = 600
    batch = working(trust, silent_for=5)
    clock = Clock()
    beating = pipeline.Heartbeat(batch, clock=clock)
    assert beating.beat()
    clock.now = 601  # the process is alive; the batch's rows and bytes have not moved
    ImportBatch.objects.filter(pk=batch.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(seconds=61)
    )

    beat = beating.beat()
    released = housekeeping.release_stalled_batches(now=timezone.now())

    assert beat is False
    assert released.requeue == [batch.pk]


@pytest.mark.django_db
def test_a_worker_whose_batch_moves_on_keeps_beating_however_long_it_takes(
    trust: Trust, settings: Any
) -> None:
    settings.IMPORT_STALL_SECONDS = 600
    batch = working(trust, silent_for=50)
    clock = Clock()
    beating = pipeline.Heartbeat(batch, clock=clock)
    for minute in range(1, 30):
        ImportBatch.objects.filter(pk=batch.pk).update(rows_read=minute * 20_000)
        clock.now = minute * 60.0
        assert beating.beat()

    batch.refresh_from_db()
    assert timezone.now() - batch.heartbeat_at < dt.timedelta(seconds=10)


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_of_a_hung_worker_ends(settings: Any) -> None:
    settings.IMPORT_HEARTBEAT_SECONDS = 0  # beat as fast as the loop goes; the clock decides
    settings.IMPORT_STALL_SECONDS = 600
    batch = working(Trust(), silent_for=5)
    clock = Clock()
    beating = pipeline.Heartbeat(batch, clock=clock)
    beating.beat()  # the progress it last saw, at 0 s
    clock.now = 601

    beating.start()
    beating.join(30)

    assert not beating.is_alive()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_batch_held_by_a_live_merge_is_not_requeued_whatever_its_heartbeat() -> None:
    batch = working(Trust(), silent_for=600)
    locked, release = threading.Event(), threading.Event()

    def merge() -> None:  # as pipeline._merge holds the row, on its own connection
        try:
            with transaction.atomic():
                ImportBatch.objects.select_for_update().get(pk=batch.pk)
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    merging = threading.Thread(target=merge)
    merging.start()
    try:
        assert locked.wait(30)
        released = housekeeping.release_stalled_batches(now=timezone.now())
        silent = housekeeping.worker_silent_since(batch, now=timezone.now())
    finally:
        release.set()
        merging.join(30)

    batch.refresh_from_db()
    assert (released.requeue, batch.status, silent) == ([], "validating", None)


@pytest.mark.django_db
def test_the_batch_page_says_when_the_worker_was_last_heard_of(
    client: Client, trust: Trust
) -> None:
    batch = working(trust, silent_for=90)
    client.force_login(trust.programme_manager)

    page = client.get(f"/adoption/imports/{batch.pk}/").content.decode()

    heard = timezone.localtime(batch.heartbeat_at)
    assert f"No sign of the worker since {heard:%H:%M} — it will be restarted." in page


@pytest.mark.django_db
def test_the_batch_page_of_a_working_batch_raises_no_alarm(client: Client, trust: Trust) -> None:
    batch = working(trust, silent_for=5)
    client.force_login(trust.programme_manager)

    page = client.get(f"/adoption/imports/{batch.pk}/").content.decode()

    assert "No sign of the worker" not in page


@pytest.mark.django_db
def test_uploaded_files_and_their_folder_are_private_to_golives_user(trust: Trust) -> None:
    previous = os.umask(0o022)
    try:
        batch = upload(trust)
    finally:
        os.umask(previous)

    path = Path(batch.stored_path)
    assert (mode(path), mode(path.parent)) == (0o600, 0o700)


@pytest.mark.django_db
def test_work_files_and_their_folder_are_private_to_golives_user(trust: Trust) -> None:
    batch = working(trust, silent_for=0)
    previous = os.umask(0o022)
    try:
        path = pipeline.work_path(batch)
    finally:
        os.umask(previous)

    assert (mode(path), mode(path.parent)) == (0o600, 0o700)


@pytest.mark.django_db
def test_the_sweeper_removes_work_files_of_attempts_that_are_over(
    trust: Trust, settings: Any
) -> None:
    busy = working(trust, silent_for=0, attempts=2)
    folder = Path(settings.IMPORT_WORK_DIR)
    folder.mkdir(parents=True)
    for name in (
        f"batch-{busy.pk}-attempt-1.csv",  # the crashed first attempt
        f"batch-{busy.pk}-attempt-2.csv",  # the attempt at work now
        "batch-999999-attempt-1.csv",  # a batch that is gone
    ):
        (folder / name).write_text("S1,rows with identifiers\n")

    tasks.sweep_stalled_imports()

    assert sorted(path.name for path in folder.iterdir()) == [f"batch-{busy.pk}-attempt-2.csv"]


@pytest.mark.django_db
def test_the_sweeper_removes_the_work_file_of_a_failed_batch(trust: Trust, settings: Any) -> None:
    batch = working(trust, silent_for=0)
    ImportBatch.objects.filter(pk=batch.pk).update(status="failed")
    folder = Path(settings.IMPORT_WORK_DIR)
    folder.mkdir(parents=True)
    (folder / f"batch-{batch.pk}-attempt-1.csv").write_text("S1\n")

    tasks.sweep_stalled_imports()

    assert list(folder.iterdir()) == []
