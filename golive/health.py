"""Readiness checks behind ``/readyz``: can we serve requests and get background work done?"""

from __future__ import annotations

import socket
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from golive.celery import app
from golive.models import WorkerHeartbeat

HEARTBEAT_NAME = "worker"
BROKER_TIMEOUT_SECONDS = 2


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return Check("database", ok=False, detail=type(error).__name__)
    return Check("database", ok=True, detail="reachable")


def check_broker() -> Check:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as error:  # kombu raises many transport-specific errors
        return Check("broker", ok=False, detail=type(error).__name__)
    return Check("broker", ok=True, detail="reachable")


def check_worker_heartbeat() -> Check:
    try:
        beat = WorkerHeartbeat.objects.filter(name=HEARTBEAT_NAME).first()
    except DatabaseError as error:
        return Check("worker", ok=False, detail=type(error).__name__)
    if beat is None:
        return Check("worker", ok=False, detail="no heartbeat recorded yet")
    age = (timezone.now() - beat.beat_at).total_seconds()
    if age > settings.HEARTBEAT_MAX_AGE_SECONDS:
        return Check("worker", ok=False, detail=f"last heartbeat {int(age)} s ago")
    return Check("worker", ok=True, detail=f"last heartbeat {int(age)} s ago")


def record_heartbeat() -> None:
    """Upsert the single heartbeat row (idempotent)."""
    WorkerHeartbeat.objects.update_or_create(
        name=HEARTBEAT_NAME,
        defaults={"beat_at": timezone.now(), "hostname": socket.gethostname()},
    )


def run_checks() -> list[Check]:
    return [check_database(), check_broker(), check_worker_heartbeat()]
