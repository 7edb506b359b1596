"""Celery entry points for the desk: e-mailing a notice (escalation, safety concern)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from golive.celery import MAIL_ERRORS, golive_task
from support.models import Notice


def _subject_and_body(notice: Notice) -> tuple[str, str]:
    """By reference only: no summary or description (people type patient details there)."""
    go_live = notice.go_live.name
    if notice.kind == Notice.Kind.ESCALATION and notice.escalation is not None:
        escalation = notice.escalation
        level = escalation.get_level_display().lower()
        about = [
            f"Go-live: {go_live}",
            f"Raised by: {escalation.escalated_by.display_name}",
            f"At: {timezone.localtime(escalation.escalated_at):%d %b %Y %H:%M}",
        ]
        if escalation.category is not None:
            about.append(f"Category: {escalation.category.name}")
        if escalation.area is not None:
            about.append(f"Area: {escalation.area.name}")
        if escalation.ticket is not None:
            about.append(f"Ticket: {escalation.ticket.reference}")
        link = reverse("support:board")
        return f"Golive: escalation to {level} for {go_live}", _body(
            f"The service desk has escalated to {level}, whose cell you lead.", about, link
        )
    ticket = notice.ticket
    assert ticket is not None  # noqa: S101 - the table's check constraint guarantees it
    about = [
        f"Go-live: {go_live}",
        f"Ticket: {ticket.reference}",
        f"Area: {ticket.area.name}",
        f"Priority: {ticket.priority}",
    ]
    if ticket.category is not None:
        about.append(f"Category: {ticket.category.name}")
    link = reverse("support:ticket", args=[ticket.pk])
    return f"Golive: clinical safety concern {ticket.reference}", _body(
        "A service desk ticket has been flagged as a clinical safety concern for your review.",
        about,
        link,
    )


def _body(opening: str, about: list[str], path: str) -> str:
    lines = [opening, "", *about, "", f"Open it in Golive: {settings.SITE_URL.rstrip('/')}{path}"]
    return "\n".join(lines) + "\n"


@golive_task(also_retry=MAIL_ERRORS, ignore_result=True)
def email_notice(notice_id: int) -> bool:
    """E-mail one notice to its recipient, once: the row is claimed (``emailed_at`` set)
    in the same transaction as the send, so a failed send is retried and a repeated
    delivery sends nothing. Returns whether this call sent it; quiet if the row is gone
    or the recipient has no e-mail address (the board still shows the notice)."""
    with transaction.atomic():
        notice = (
            Notice.objects.select_for_update(of=("self",))
            .select_related(
                "recipient",
                "go_live",
                "ticket__area",
                "ticket__category",
                "escalation__escalated_by",
                "escalation__category",
                "escalation__area",
                "escalation__ticket",
            )
            .filter(pk=notice_id, emailed_at__isnull=True)
            .first()
        )
        if notice is None or not notice.recipient.email:
            return False
        subject, body = _subject_and_body(notice)
        send_mail(subject, body, None, [notice.recipient.email])
        notice.emailed_at = timezone.now()
        notice.save(update_fields=["emailed_at"])
    return True
