"""Training alerts: open, update or close them from the trajectory, and e-mail the training
leads once per level. Below the tasks that run them: the e-mail task to queue is passed in,
so this module imports no task."""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import Task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from golive.celery import delay_after_commit
from golive.identifiers import remove_nhs_numbers
from golive.models import GoLive, Role, RoleGrant, User
from training import selectors, status
from training.models import TrainingAlert


@transaction.atomic
def refresh_alerts(
    *, go_live_id: int, today: dt.date, email_task: Task[[int], Any]
) -> list[TrainingAlert]:
    """Open, update or close the go-live's training alerts from the whole scope's figures.
    Idempotent: one open alert per kind, updated in place; a cleared condition closes it.
    Each alert whose level the leads have not been told of queues ``email_task`` with its
    id after the commit. A broker outage loses nothing: the next refresh finds the level
    still unsent and queues it again."""
    # Locking the go-live serialises concurrent refreshes, so only one opens each alert.
    go_live = GoLive.objects.select_for_update().filter(pk=go_live_id).first()
    if go_live is None or go_live.user_go_live_date < today:
        return []
    trajectory = selectors.whole_scope_trajectory(go_live, today=today)
    serious = selectors.serious_alerts(trajectory)
    # Each alert names one trigger ("14 points behind"); the status sentence beside it says
    # what the other figures make of it (the forecast may still reach the target).
    sentence = status.status_sentence(trajectory)
    now = timezone.now()
    raised = []
    for kind, trigger in selectors.trajectory_alerts(trajectory).items():
        message = None if trigger is None else f"{trigger} {sentence}"
        alert = TrainingAlert.objects.filter(go_live=go_live, kind=kind, closed_at=None).first()
        if message is None:
            if alert is not None:
                alert.closed_at = now
                alert.save(update_fields=["closed_at"])
            continue
        level = TrainingAlert.SERIOUS if kind in serious else TrainingAlert.RAISED
        if alert is None:
            alert = TrainingAlert.objects.create(
                go_live=go_live,
                kind=kind,
                raised_at=now,
                message=message,
                updated_at=now,
                level=level,
            )
        else:
            # Only what the refresh owns: an acknowledgement saved meanwhile must survive.
            alert.message, alert.updated_at, alert.level = message, now, level
            alert.save(update_fields=["message", "updated_at", "level"])
        if alert.level > alert.notified_level:
            delay_after_commit(email_task, alert.pk)
        raised.append(alert)
    return raised


def training_lead_recipients(go_live: GoLive) -> list[str]:
    """E-mail addresses of active training leads of the go-live's programme: programme-wide
    ones, and area ones whose areas include one of the go-live's."""
    grants = RoleGrant.objects.filter(
        programme_id=go_live.programme_id,
        role=Role.TRAINING_LEAD,
        user__is_active=True,
    ).exclude(user__email="")
    programme_wide = Q(areas__isnull=True)
    touching = Q(areas__in=go_live.areas.values("pk"))
    users = User.objects.filter(pk__in=grants.filter(programme_wide | touching).values("user_id"))
    return sorted(set(users.values_list("email", flat=True)))


def _alert_email(alert: TrainingAlert, recipient: str, *, escalated: bool) -> EmailMessage:
    go_live = alert.go_live
    serious = alert.level >= TrainingAlert.SERIOUS
    subject = (
        f"Training alert {'escalated' if escalated else 'raised'}: {go_live.name} – "
        f"{alert.get_kind_display()}"
    )
    opening = "A serious training alert was raised." if serious else "A training alert was raised."
    if escalated:
        opening = "Escalated: this alert is now serious."
    lines = [
        opening,
        "",
        f"Go-live: {go_live.name} (user go-live {go_live.user_go_live_date:%d %B %Y})",
        f"Alert: {alert.get_kind_display()}",
        alert.message,
    ]
    if settings.SITE_URL:
        link = settings.SITE_URL.rstrip("/") + reverse("training:home")
        lines += ["", f"See the trajectory: {link}"]
    # Figures only, but names are typed by people: strip anything shaped like an NHS number.
    return EmailMessage(
        subject=remove_nhs_numbers(subject),
        body=remove_nhs_numbers("\n".join(lines)),
        to=[recipient],
    )


def email_training_alert(*, alert_id: int) -> int:
    """E-mail the go-live's training leads that an alert was raised or escalated, once per
    level. The claim (``notified_level``) and the sending share one transaction with the
    alert locked: a failed send leaves the level unsent for a retry or the next refresh, and
    a second task for the same level sends nothing. Returns the number of e-mails sent; a
    closed or missing alert sends none."""
    with transaction.atomic():
        alert = (
            TrainingAlert.objects.select_for_update(of=("self",))
            .select_related("go_live")
            .filter(pk=alert_id, closed_at__isnull=True)
            .first()
        )
        if alert is None or alert.notified_level >= alert.level:
            return 0
        escalated = alert.notified_level > 0  # the leads were told of a lower level before
        alert.notified_level = alert.level
        alert.save(update_fields=["notified_level"])
        messages = [
            _alert_email(alert, to, escalated=escalated)
            for to in training_lead_recipients(alert.go_live)
        ]
        # One message each, so leads do not see one another's addresses.
        return get_connection().send_messages(messages) or 0
