"""Celery entry points for training: ids in, everything else from the database."""

from __future__ import annotations

from django.utils import timezone

from golive.celery import MAIL_ERRORS, golive_task
from golive.models import GoLive
from training import alerts


@golive_task(ignore_result=True)
def refresh_training_alerts(go_live_id: int) -> None:
    """Open, update or close one go-live's training alerts, queueing the e-mail of each one
    raised or escalated. Idempotent (upserts one open alert per kind); a go-live that is
    gone or already live is left alone."""
    alerts.refresh_alerts(
        go_live_id=go_live_id, today=timezone.localdate(), email_task=email_training_alert
    )


@golive_task(ignore_result=True)
def refresh_all_training_alerts() -> None:
    """Fan out one refresh per go-live still to come (periodic, from beat)."""
    upcoming = GoLive.objects.filter(user_go_live_date__gte=timezone.localdate())
    for go_live_id in upcoming.values_list("pk", flat=True):
        refresh_training_alerts.delay(go_live_id)


@golive_task(also_retry=MAIL_ERRORS, ignore_result=True)
def email_training_alert(alert_id: int) -> None:
    """E-mail the training leads about one alert raised or escalated. Idempotent: each
    alert level is sent once; a closed or missing alert sends nothing. The e-mail holds
    figures only, never patient or staff identifiers."""
    alerts.email_training_alert(alert_id=alert_id)
