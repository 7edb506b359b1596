"""Who hears about an escalation or a clinical safety concern, straight away: an in-app
notice on the live board for each person, and one e-mail each, sent by a task after the
commit. E-mails name things by reference (ticket number, category, area) and link back;
they never quote what a reporter typed, so no patient identifier leaves Golive."""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from golive.celery import delay_after_commit
from golive.models import Role, RoleGrant, User
from support.models import Escalation, Notice, Ticket
from support.tasks import email_notice

EscalationRecipients = Callable[[Escalation], list[User]]

# Who leads the command cells an escalation reaches is for readiness to say: it builds on
# the desk (the desk never imports it), so it registers its finder here when it starts.
_escalation_recipients: list[EscalationRecipients] = []


def register_escalation_recipients(finder: EscalationRecipients) -> None:
    """Add a finder of the people to tell about an escalation (once, however often)."""
    if finder not in _escalation_recipients:
        _escalation_recipients.append(finder)


def escalation_recipients(escalation: Escalation) -> list[User]:
    """Everyone the registered finders name for the escalation, once each, by id."""
    people = {user.pk: user for finder in _escalation_recipients for user in finder(escalation)}
    return [people[pk] for pk in sorted(people)]


def safety_officers(ticket: Ticket) -> list[User]:
    """The programme's clinical safety officers whose grant covers the ticket's area."""
    grants = RoleGrant.objects.filter(
        role=Role.CLINICAL_SAFETY_OFFICER, programme_id=ticket.go_live.programme_id
    ).filter(Q(areas__isnull=True) | Q(areas=ticket.area_id))
    return list(User.objects.filter(pk__in=grants.values("user_id"), is_active=True).order_by("pk"))


def notify_escalation(escalation: Escalation) -> list[Notice]:
    """Notices for the cell leads at the escalation's level (not the person who raised it),
    each e-mailed after the commit. Call inside the escalating transaction."""
    recipients = [
        u for u in escalation_recipients(escalation) if u.pk != escalation.escalated_by_id
    ]
    return _notify(
        recipients,
        kind=Notice.Kind.ESCALATION,
        go_live_id=escalation.go_live_id,
        escalation=escalation,
        ticket=escalation.ticket,
    )


def notify_clinical_safety(ticket: Ticket, *, flagged_by: User) -> list[Notice]:
    """Notices for the clinical safety officers when a ticket is flagged as a clinical
    safety concern (not the officer who flagged it). Once per officer and ticket, however
    often the flag is set again."""
    recipients = [u for u in safety_officers(ticket) if u.pk != flagged_by.pk]
    return _notify(
        recipients,
        kind=Notice.Kind.CLINICAL_SAFETY,
        go_live_id=ticket.go_live_id,
        escalation=None,
        ticket=ticket,
    )


def _notify(
    recipients: list[User],
    *,
    kind: str,
    go_live_id: int,
    escalation: Escalation | None,
    ticket: Ticket | None,
) -> list[Notice]:
    made = []
    for recipient in recipients:
        try:
            with transaction.atomic():
                notice = Notice.objects.create(
                    recipient=recipient,
                    kind=kind,
                    go_live_id=go_live_id,
                    escalation=escalation,
                    ticket=ticket,
                    created_at=timezone.now(),
                )
        except IntegrityError:
            continue  # this person already has this notice
        # A broker that is down must not undo the escalation; the board shows it.
        delay_after_commit(email_notice, notice.pk)
        made.append(notice)
    return made


def mark_seen(*, user: User, notice_id: int) -> bool:
    """The recipient has seen the notice: it leaves their board. Only their own; returns
    whether anything changed (seeing it twice changes nothing)."""
    changed = Notice.objects.filter(pk=notice_id, recipient=user, seen_at__isnull=True).update(
        seen_at=timezone.now()
    )
    return changed == 1


def unseen_for(user: User, go_live_id: int) -> list[Notice]:
    return list(
        Notice.objects.filter(recipient=user, go_live_id=go_live_id, seen_at__isnull=True)
        .select_related(
            "ticket__area", "escalation__category", "escalation__area", "escalation__ticket"
        )
        .order_by("-created_at", "-pk")[:20]
    )
