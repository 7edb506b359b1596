from __future__ import annotations

from typing import Any

import pytest

from golive import tasks
from golive.models import WorkerHeartbeat
from golive.worker_heartbeat import HeartbeatThread


@pytest.mark.django_db
def test_heartbeat_task_keeps_a_single_row_when_run_twice() -> None:
    tasks.record_worker_heartbeat()
    first = WorkerHeartbeat.objects.get().beat_at

    tasks.record_worker_heartbeat()

    assert WorkerHeartbeat.objects.count() == 1
    assert WorkerHeartbeat.objects.get().beat_at >= first


@pytest.mark.django_db(transaction=True)
def test_heartbeat_thread_beats_until_stopped() -> None:
    thread = HeartbeatThread(interval_seconds=60)
    thread.start()
    try:
        for _ in range(100):
            if WorkerHeartbeat.objects.filter(name="worker").exists():
                break
            thread.stopping.wait(0.05)
    finally:
        thread.stopping.set()
        thread.join(timeout=5)

    assert WorkerHeartbeat.objects.filter(name="worker").exists()
    assert not thread.is_alive()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_through_redis(settings: Any) -> None:
    settings.WORKER_HEARTBEAT_THREAD = False  # the task itself must write the heartbeat here
    from celery.contrib.testing.worker import start_worker  # noqa: PLC0415

    from golive.celery import app  # noqa: PLC0415

    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        result = tasks.ping.delay()

        assert result.get(timeout=20) == "pong"

    assert WorkerHeartbeat.objects.filter(name="worker").exists()
