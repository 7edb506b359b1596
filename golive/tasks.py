from __future__ import annotations

from golive.celery import golive_task
from golive.health import record_heartbeat


@golive_task(ignore_result=True)
def record_worker_heartbeat() -> None:
    """Proves the queue is being consumed end to end (the heartbeat thread proves the worker
    process is alive). Idempotent: one row, upserted."""
    record_heartbeat()


@golive_task()
def ping() -> str:
    """A round trip through the broker and result backend, used by tests and operators."""
    record_heartbeat()
    return "pong"
