"""Training alerts e-mailed to the programme's training leads: once when raised, once more
when they escalate, from a Celery task, with figures only."""

from __future__ import annotations

import datetime as dt
import time
from smtplib import SMTPException
from typing import Any

import pytest
from django.core import mail

from golive.models import Role
from tests import factories as f
from tests.training.conftest import TrainingTrust
from tests.training.factories import CompletionFactory
from training import alerts, services, tasks
from training.models import Completion, TrainingAlert, TrainingPlan, TrajectoryPoint

Kind = TrainingAlert.Kind


def _behind_plan(training: TrainingTrust, today: dt.date, planned_today: int) -> None:
    """Half the staff trained (the 1% target is met, so only the behind-plan alert can be
    open); the plan says ``planned_today`` % by today, with an alert margin of 10 points."""
    if not Completion.objects.exists():
        for course in (training.basics, training.workflows):
            CompletionFactory(staff=training.trust.staff_a, course=course)
    TrainingPlan.objects.update_or_create(
        go_live=training.go_live, defaults={"target_percent": 1, "alert_margin_points": 10}
    )
    TrajectoryPoint.objects.update_or_create(
        go_live=training.go_live,
        on_date=today - dt.timedelta(days=7),
        defaults={"planned_percent": 0},
    )
    TrajectoryPoint.objects.update_or_create(
        go_live=training.go_live, on_date=today, defaults={"planned_percent": planned_today}
    )


def _refresh_and_send(training: TrainingTrust, today: dt.date, callbacks: Any) -> list[Any]:
    """Refresh, then run what was queued for e-mail (as the worker would): the callbacks."""
    with callbacks() as queued:
        services.refresh_alerts(go_live_id=training.go_live.pk, today=today)
    for alert in TrainingAlert.objects.filter(closed_at=None):
        if alert.level > alert.notified_level:
            tasks.email_training_alert(alert.pk)
    return queued


def test_a_raised_alert_queues_one_e_mail_task_after_commit(
    training: TrainingTrust, today: dt.date, django_capture_on_commit_callbacks: Any
) -> None:
    _behind_plan(training, today, planned_today=65)

    with django_capture_on_commit_callbacks() as callbacks:
        services.refresh_alerts(go_live_id=training.go_live.pk, today=today)

    assert len(callbacks) == 1
    assert TrainingAlert.objects.get().notified_level == 0


def test_a_raised_alert_is_e_mailed_to_the_training_lead_once_however_often_it_is_refreshed(
    training: TrainingTrust, today: dt.date, django_capture_on_commit_callbacks: Any
) -> None:
    _behind_plan(training, today, planned_today=65)

    _refresh_and_send(training, today, django_capture_on_commit_callbacks)
    alert = TrainingAlert.objects.get()
    tasks.email_training_alert(alert.pk)  # a duplicate delivery of the task
    queued_again = _refresh_and_send(training, today, django_capture_on_commit_callbacks)

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["lead@example.nhs.uk"], "Training alert raised: Wave 1 – Behind the planned trajectory")
    ]
    assert "50.0% trained against 65.0% planned for today" in mail.outbox[0].body
    assert queued_again == []


def test_an_alert_that_escalates_is_e_mailed_again_but_not_when_it_eases_and_returns(
    training: TrainingTrust, today: dt.date, django_capture_on_commit_callbacks: Any
) -> None:
    _behind_plan(training, today, planned_today=65)
    _refresh_and_send(training, today, django_capture_on_commit_callbacks)

    _behind_plan(training, today, planned_today=75)  # twice the margin behind: serious
    _refresh_and_send(training, today, django_capture_on_commit_callbacks)
    _behind_plan(training, today, planned_today=65)
    _refresh_and_send(training, today, django_capture_on_commit_callbacks)
    _behind_plan(training, today, planned_today=75)
    _refresh_and_send(training, today, django_capture_on_commit_callbacks)

    assert [m.subject.split(":")[0] for m in mail.outbox] == [
        "Training alert raised",
        "Training alert escalated",
    ]
    assert mail.outbox[1].body.startswith("Escalated: this alert is now serious.")


def test_an_alert_cleared_and_raised_again_is_a_new_alert_and_is_e_mailed(
    training: TrainingTrust, today: dt.date, django_capture_on_commit_callbacks: Any
) -> None:
    _behind_plan(training, today, planned_today=65)
    _refresh_and_send(training, today, django_capture_on_commit_callbacks)
    _behind_plan(training, today, planned_today=55)  # within the margin: closes it
    _refresh_and_send(training, today, django_capture_on_commit_callbacks)
    _behind_plan(training, today, planned_today=65)
    _refresh_and_send(training, today, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 2
    assert TrainingAlert.objects.filter(closed_at__isnull=False).count() == 1


def test_only_the_programmes_training_leads_for_the_go_live_get_the_e_mail(
    training: TrainingTrust, today: dt.date
) -> None:
    t = training.trust
    ward_a_lead = f.UserFactory(username="lead-a")
    f.grant(ward_a_lead, Role.TRAINING_LEAD, t.programme, [t.ward_a])
    ward_c_lead = f.UserFactory(username="lead-c")  # ward C is not in wave 1
    f.grant(ward_c_lead, Role.TRAINING_LEAD, t.programme, [t.ward_c])
    other_programme_lead = f.UserFactory(username="lead-other")
    f.grant(other_programme_lead, Role.TRAINING_LEAD, f.ProgrammeFactory())
    gone = f.UserFactory(username="lead-gone", is_active=False)
    f.grant(gone, Role.TRAINING_LEAD, t.programme)
    no_address = f.UserFactory(username="lead-silent", email="")
    f.grant(no_address, Role.TRAINING_LEAD, t.programme)
    services.refresh_alerts(go_live_id=training.go_live.pk, today=today)

    tasks.email_training_alert(TrainingAlert.objects.get().pk)

    assert sorted(m.to[0] for m in mail.outbox) == ["lead-a@example.nhs.uk", "lead@example.nhs.uk"]


def test_the_e_mail_carries_no_nhs_number_typed_into_a_go_live_name(
    training: TrainingTrust, today: dt.date
) -> None:
    training.go_live.name = "Wave 1 (pilot 943 476 5919)"
    training.go_live.save(update_fields=["name"])
    services.refresh_alerts(go_live_id=training.go_live.pk, today=today)

    tasks.email_training_alert(TrainingAlert.objects.get().pk)

    assert "943 476 5919" not in mail.outbox[0].subject + mail.outbox[0].body
    assert "Forecast to miss the target" in mail.outbox[0].subject


def test_a_failed_send_leaves_the_level_unsent_so_a_retry_sends_it(
    training: TrainingTrust, today: dt.date, monkeypatch: Any
) -> None:
    services.refresh_alerts(go_live_id=training.go_live.pk, today=today)
    alert = TrainingAlert.objects.get()

    def refuse(self: Any, messages: Any) -> int:
        raise SMTPException("relay down")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
        with pytest.raises(SMTPException):
            alerts.email_training_alert(alert_id=alert.pk)
    alert.refresh_from_db()
    unsent_level = alert.notified_level
    alerts.email_training_alert(alert_id=alert.pk)

    assert unsent_level == 0
    assert len(mail.outbox) == 1


def test_a_closed_alert_is_not_e_mailed(training: TrainingTrust, today: dt.date) -> None:
    services.refresh_alerts(go_live_id=training.go_live.pk, today=today)
    alert = TrainingAlert.objects.get()
    TrainingAlert.objects.filter(pk=alert.pk).update(closed_at=alert.raised_at)

    tasks.email_training_alert(alert.pk)
    tasks.email_training_alert(alert.pk + 1000)  # gone altogether

    assert mail.outbox == []


def test_an_alert_serious_when_first_raised_is_e_mailed_once_as_raised_and_serious(
    training: TrainingTrust, today: dt.date, django_capture_on_commit_callbacks: Any
) -> None:
    _behind_plan(training, today, planned_today=75)

    _refresh_and_send(training, today, django_capture_on_commit_callbacks)
    _refresh_and_send(training, today, django_capture_on_commit_callbacks)

    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Training alert raised"]
    assert mail.outbox[0].body.startswith("A serious training alert was raised.")


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_e_mails_the_alert_raised_by_a_refresh_through_redis(
    training: TrainingTrust, today: dt.date
) -> None:
    from celery.contrib.testing.worker import start_worker  # noqa: PLC0415

    from golive.celery import app  # noqa: PLC0415

    app.control.purge()  # nothing left over from earlier runs on this test broker
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        services.refresh_alerts(go_live_id=training.go_live.pk, today=today)
        alert = TrainingAlert.objects.get()
        for _ in range(200):
            alert.refresh_from_db()
            if alert.notified_level and mail.outbox:
                break
            time.sleep(0.1)

    assert alert.notified_level == TrainingAlert.RAISED
    assert [m.to for m in mail.outbox] == [["lead@example.nhs.uk"]]


def test_a_serious_alert_is_tagged_and_says_the_leads_were_e_mailed_on_the_training_page(
    training: TrainingTrust, today: dt.date, django_capture_on_commit_callbacks: Any
) -> None:
    from django.test import Client  # noqa: PLC0415
    from django.urls import reverse  # noqa: PLC0415

    _behind_plan(training, today, planned_today=75)
    _refresh_and_send(training, today, django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(training.lead)

    page = client.get(reverse("training:home")).content.decode()

    assert '<strong class="nhsuk-tag nhsuk-tag--red">Serious</strong>' in page
    assert "Training leads were e-mailed." in page
