from __future__ import annotations

import socket

from celery import shared_task
from django.utils import timezone

from golive.health import HEARTBEAT_NAME
from golive.models import WorkerHeartbeat


@shared_task(ignore_result=True)
def record_worker_heartbeat() -> None:
    """Record that a worker is consuming the queue. Idempotent: one row, upserted."""
    WorkerHeartbeat.objects.update_or_create(
        name=HEARTBEAT_NAME,
        defaults={"beat_at": timezone.now(), "hostname": socket.gethostname()},
    )


@shared_task
def ping() -> str:
    """A round trip through the broker and result backend, used by tests and operators."""
    record_worker_heartbeat()
    return "pong"
