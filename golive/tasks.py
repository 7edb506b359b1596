from __future__ import annotations

import datetime as dt

from axes.models import AccessFailureLog
from django.conf import settings
from django.utils import timezone

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


@golive_task(ignore_result=True)
def prune_sign_in_failure_log() -> None:
    """Forget failed sign-ins older than ``LOGIN_FAILURE_LOG_DAYS`` (the per-address limit
    reads only the last hour; the rest is kept for investigating an attack). Idempotent."""
    AccessFailureLog.objects.filter(
        attempt_time__lt=timezone.now() - dt.timedelta(days=settings.LOGIN_FAILURE_LOG_DAYS)
    ).delete()
