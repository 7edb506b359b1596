"""A real worker process is killed mid-import; after the sweeper re-queues the batch, a new
worker commits it exactly once."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from adoption.imports import services, tasks
from adoption.models import Event, ImportBatch
from tests.conftest import EVENTS_HEADER, Trust

ROOT = Path(__file__).resolve().parents[3]
ROWS = 150_000

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _extract() -> bytes:
    lines = [EVENTS_HEADER]
    start = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC)
    for n in range(ROWS):
        when = start + dt.timedelta(seconds=n * 7)
        lines.append(f"E{n},{when:%Y-%m-%d %H:%M:%S},login,,EPR{n % 50},nursing,N/WA,")
    return ("\n".join(lines) + "\n").encode()


def _worker(var_dir: Path) -> subprocess.Popen[bytes]:
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}",
        "GOLIVE_VAR_DIR": str(var_dir),
        "WORKER_HEARTBEAT_THREAD": "false",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "golive", "worker", "--pool", "solo",
         "--concurrency", "1", "--without-mingle", "--without-gossip", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _wait_for(check: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def test_worker_killed_mid_import_commits_exactly_once_after_the_sweep(
    settings: Any, tmp_path: Path
) -> None:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    trust = Trust()
    first = _worker(tmp_path / "var")
    try:
        batch = services.create_import_batch(
            user=trust.programme_manager, programme=trust.programme, kind="events",
            profile_name="golive-events", upload=io.BytesIO(_extract()), file_name="big.csv",
        )  # fmt: skip
        started = _wait_for(
            lambda: ImportBatch.objects.filter(pk=batch.pk, rows_read__gt=0).exists(), 60
        )
        assert started, "the worker never started the batch"
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    killed = ImportBatch.objects.get(pk=batch.pk)
    assert killed.status in {ImportBatch.Status.VALIDATING, ImportBatch.Status.LOADING}
    assert Event.objects.count() == 0

    # The sweeper sees a stalled heartbeat and re-queues; a fresh worker picks it up.
    ImportBatch.objects.filter(pk=batch.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(seconds=django_settings.IMPORT_STALL_SECONDS + 1)
    )
    second = _worker(tmp_path / "var")
    try:
        assert tasks.sweep_stalled_imports() == {"requeued": 1, "failed": 0}
        finished = _wait_for(
            lambda: ImportBatch.objects.get(pk=batch.pk).status in ImportBatch.FINAL, 180
        )
    finally:
        second.terminate()
        second.wait(timeout=30)

    batch.refresh_from_db()
    assert finished
    assert (batch.status, batch.attempts) == (ImportBatch.Status.COMMITTED, 2)
    assert batch.rows_inserted == ROWS
    assert Event.objects.count() == ROWS
