"""Escalations reach the command cell lead, and clinical safety concerns the clinical safety
officer: a notice on the board and one e-mail each, by reference only."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.test import Client

from readiness.models import CommandCell
from support import services
from support.models import Category, Escalation, Notice, Priority, Ticket
from support.tasks import email_notice
from tests import factories as f
from tests.support.conftest import DeskTrust

PATIENT_TEXT = "Mrs Jones in bed 4 given the wrong dose"


def silver_cell(desk: DeskTrust) -> Any:
    lead = f.UserFactory(username="silver.lead", first_name="Sam", last_name="Silver")
    CommandCell.objects.create(
        go_live=desk.wave_1, level=CommandCell.Level.SILVER, name="Silver", lead=lead
    )
    return lead


def escalate_spike(desk: DeskTrust, **extra: Any) -> Escalation:
    return services.escalate(
        user=desk.agent,
        go_live=desk.wave_1,
        summary=f"Login spike: {PATIENT_TEXT}",
        category=Category.objects.get(slug="access"),
        **extra,
    )


def flag(desk: DeskTrust, ticket: Ticket, *, is_clinical_safety: bool = True) -> Ticket:
    return services.triage_ticket(
        ticket=ticket,
        user=desk.agent,
        category=None,
        priority=Priority.P2,
        resolver_group=None,
        assignee=None,
        is_clinical_safety=is_clinical_safety,
    )


def test_a_spike_escalated_to_silver_emails_the_silver_cell_lead_after_the_commit(
    desk: DeskTrust, django_capture_on_commit_callbacks: Any
) -> None:
    lead = silver_cell(desk)

    with django_capture_on_commit_callbacks() as callbacks:
        escalation = escalate_spike(desk)
    notice = Notice.objects.get()
    sent = email_notice(notice.pk)

    assert len(callbacks) == 1
    assert (notice.recipient, notice.escalation) == (lead, escalation)
    assert sent is True
    (message,) = mail.outbox
    assert message.to == [lead.email]
    assert message.subject == "Golive: escalation to silver for Wave 1"
    assert "Category: Access, login and single sign-on" in message.body
    assert "/support/board/" in message.body


def test_an_escalation_email_never_quotes_what_people_typed(desk: DeskTrust) -> None:
    silver_cell(desk)
    ticket = services.log_ticket(
        user=desk.agent,
        go_live=desk.wave_1,
        area=desk.ward_a,
        reporter_name="Nurse Lee",
        reporter_contact="ext 1",
        description=PATIENT_TEXT,
    )

    escalate_spike(desk, ticket=ticket, area=desk.ward_a)
    email_notice(Notice.objects.get().pk)

    (message,) = mail.outbox
    assert "Mrs Jones" not in message.body + message.subject
    assert "Nurse Lee" not in message.body
    assert f"Ticket: {ticket.reference}" in message.body


def test_a_notice_is_emailed_once_however_often_the_task_runs(desk: DeskTrust) -> None:
    silver_cell(desk)
    escalate_spike(desk)
    notice = Notice.objects.get()

    assert [email_notice(notice.pk), email_notice(notice.pk)] == [True, False]
    assert len(mail.outbox) == 1


def test_a_gold_escalation_does_not_notify_the_silver_lead(desk: DeskTrust) -> None:
    silver_cell(desk)

    escalate_spike(desk, level=Escalation.Level.GOLD)

    assert not Notice.objects.exists()


def test_flagging_a_clinical_safety_concern_notifies_the_safety_officer_once(
    desk: DeskTrust, make_ticket: Any
) -> None:
    ticket = make_ticket(PATIENT_TEXT)

    flag(desk, ticket)
    flag(desk, ticket)  # triaged again, still flagged
    notice = Notice.objects.get()
    email_notice(notice.pk)

    assert (notice.recipient, notice.ticket, notice.kind) == (
        desk.safety_officer,
        ticket,
        Notice.Kind.CLINICAL_SAFETY,
    )
    (message,) = mail.outbox
    assert message.subject == f"Golive: clinical safety concern {ticket.reference}"
    assert "Mrs Jones" not in message.body


def test_a_ticket_not_flagged_notifies_nobody(desk: DeskTrust, make_ticket: Any) -> None:
    flag(desk, make_ticket("Printer jam"), is_clinical_safety=False)

    assert not Notice.objects.exists()


def test_the_lead_sees_the_notice_on_the_board_until_they_mark_it_seen(
    desk: DeskTrust, client: Client
) -> None:
    lead = silver_cell(desk)
    from golive.models import Role  # noqa: PLC0415

    f.grant(lead, Role.PROGRAMME_MANAGER, desk.programme)
    escalate_spike(desk)
    notice = Notice.objects.get()
    client.force_login(lead)
    from golive.navigation import SESSION_GO_LIVE_KEY  # noqa: PLC0415

    session = client.session
    session[SESSION_GO_LIVE_KEY] = desk.wave_1.pk
    session.save()

    before = client.get("/support/board/")
    client.post(f"/support/board/notices/{notice.pk}/seen/")
    after = client.get("/support/board/")

    assert before.context["notices"] == [notice]
    assert "For you to act on" in before.content.decode()
    assert after.context["notices"] == []


def test_nobody_else_can_clear_or_see_someone_elses_notice(
    desk: DeskTrust, use_wave_1: Any
) -> None:
    silver_cell(desk)
    escalate_spike(desk)
    notice = Notice.objects.get()
    client = use_wave_1(desk.agent_2)

    client.post(f"/support/board/notices/{notice.pk}/seen/")

    assert client.get("/support/board/").context["notices"] == []
    notice.refresh_from_db()
    assert notice.seen_at is None
