"""Celery entry points for training: ids in, everything else from the database."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from golive.models import GoLive


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    max_retries=3,
    ignore_result=True,
)
def refresh_training_alerts(go_live_id: int) -> None:
    """Open, update or close one go-live's training alerts. Idempotent (upserts one open
    alert per kind); a go-live that is gone or already live is left alone."""
    from training import services  # noqa: PLC0415 - services queue this task

    services.refresh_alerts(go_live_id=go_live_id, today=timezone.localdate())


@shared_task(ignore_result=True)
def refresh_all_training_alerts() -> None:
    """Fan out one refresh per go-live still to come (periodic, from beat)."""
    upcoming = GoLive.objects.filter(user_go_live_date__gte=timezone.localdate())
    for go_live_id in upcoming.values_list("pk", flat=True):
        refresh_training_alerts.delay(go_live_id)


@shared_task(
    autoretry_for=(OperationalError, InterfaceError, SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    max_retries=5,
    ignore_result=True,
)
def email_training_alert(alert_id: int) -> None:
    """E-mail the training leads about one alert raised or escalated. Idempotent: each
    alert level is sent once; a closed or missing alert sends nothing. The e-mail holds
    figures only, never patient or staff identifiers."""
    from training import services  # noqa: PLC0415 - services queue this task

    services.email_training_alert(alert_id=alert_id)
