"""A real worker is killed in the middle of a withdrawal: every row is still there and the
batch is still being withdrawn; after the sweeper sends it again, a new worker finishes it."""

from __future__ import annotations

import datetime as dt
import signal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from adoption.analytics import rollups
from adoption.imports import pipeline, services, tasks, withdrawal
from adoption.models import DailyRollup, Event, ImportBatch
from golive.celery import app
from tests.adoption.imports.test_worker_faults import _wait_for, _worker
from tests.conftest import EVENTS_HEADER, Trust

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]
ROWS = 40
Status = ImportBatch.Status


def _extract() -> bytes:
    start = dt.datetime(2025, 9, 1, 8, 0, tzinfo=dt.UTC)
    lines = [EVENTS_HEADER]
    for n in range(ROWS):
        when = start + dt.timedelta(hours=n * 7)
        lines.append(f"K{n},{when:%Y-%m-%d %H:%M:%S},login,,EPR{n % 5},nursing,N/WA,")
    return ("\n".join(lines) + "\n").encode()


# This test database's only: other databases on the server take advisory locks of their own.
ADVISORY_LOCKS = """
SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


def _waiting_for_the_rollup_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        return bool(cursor.fetchone()[0])


def _no_advisory_locks() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(ADVISORY_LOCKS)
        return not cursor.fetchone()[0]


def test_a_worker_killed_mid_withdrawal_leaves_every_row_and_the_retry_finishes_it(
    settings: Any, tmp_path: Path
) -> None:
    import io  # noqa: PLC0415

    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"
    trust = Trust()
    batch = services.create_import_batch(
        user=trust.programme_manager, programme=trust.programme, kind="events",
        profile_name="golive-events", upload=io.BytesIO(_extract()), file_name="wrong.csv",
    )  # fmt: skip
    pipeline.run(batch.pk)
    rollups.rollup_batch(batch.pk)
    assert Event.objects.count() == ROWS
    app.control.purge()  # the commit's own rollup message, and anything from earlier runs

    # Hold the rollups' lock, so the worker stops inside its transaction: after deleting the
    # rows, before the figures are rebuilt and the batch marked withdrawn.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [rollups.ROLLUP_LOCK])
    first = _worker(tmp_path / "var")
    try:
        withdrawal.request_withdrawal(
            batch=batch, user=trust.programme_manager, reason="Wrong ward mapping"
        )
        assert _wait_for(_waiting_for_the_rollup_lock, 60), "the worker never reached the lock"
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [rollups.ROLLUP_LOCK])
    # The dead worker's session ends once it wakes and cannot answer: its work rolls back.
    assert _wait_for(_no_advisory_locks, 30)
    killed = ImportBatch.objects.get(pk=batch.pk)
    assert killed.status == Status.WITHDRAWING
    assert Event.objects.filter(batch=batch).count() == ROWS
    assert DailyRollup.objects.exists()

    ImportBatch.objects.filter(pk=batch.pk).update(
        heartbeat_at=timezone.now()
        - dt.timedelta(seconds=django_settings.IMPORT_HEARTBEAT_STALE_SECONDS + 1)
    )
    second = _worker(tmp_path / "var")
    try:
        assert tasks.sweep_stalled_imports() == {"requeued": 1, "failed": 0}
        finished = _wait_for(
            lambda: ImportBatch.objects.get(pk=batch.pk).status == Status.WITHDRAWN, 120
        )
    finally:
        second.terminate()
        second.wait(timeout=30)

    assert finished
    assert not Event.objects.exists()
    assert not DailyRollup.objects.exists()
    history = ImportBatch.history.filter(id=batch.pk).order_by("-history_id").first()
    assert history.history_change_reason == "Import withdrawn: Wrong ward mapping"
