"""Alerts when training falls behind its plan or is forecast to miss its target."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from golive.access import Access
from tests.training.conftest import TrainingTrust
from tests.training.factories import CompletionFactory
from training import services, tasks
from training.models import TrainingAlert, TrainingPlan, TrajectoryPoint

Kind = TrainingAlert.Kind


def _plan(training: TrainingTrust, today: dt.date, planned_today: int) -> None:
    TrainingPlan.objects.create(go_live=training.go_live, target_percent=50, alert_margin_points=10)
    TrajectoryPoint.objects.create(
        go_live=training.go_live, on_date=today - dt.timedelta(days=7), planned_percent=0
    )
    TrajectoryPoint.objects.create(
        go_live=training.go_live, on_date=today, planned_percent=planned_today
    )


def _train(training: TrainingTrust, member: Any, on: dt.date) -> None:
    for course in (training.basics, training.workflows):
        CompletionFactory(staff=member, course=course, completed_on=on)


def test_training_behind_plan_by_the_margin_raises_an_alert(
    training: TrainingTrust, today: dt.date
) -> None:
    _plan(training, today, planned_today=60)
    _train(training, training.trust.staff_a, today - dt.timedelta(days=1))

    services.refresh_alerts(go_live_id=training.go_live.pk, today=today)

    alert = TrainingAlert.objects.get(kind=Kind.BEHIND_PLAN)
    assert alert.message.startswith("50.0% trained against 60.0% planned for today")


def test_training_within_the_margin_of_plan_raises_no_alert(
    training: TrainingTrust, today: dt.date
) -> None:
    _plan(training, today, planned_today=59)
    _train(training, training.trust.staff_a, today - dt.timedelta(days=1))

    services.refresh_alerts(go_live_id=training.go_live.pk, today=today)

    assert not TrainingAlert.objects.filter(kind=Kind.BEHIND_PLAN).exists()


def test_a_forecast_short_of_the_target_raises_an_alert(
    training: TrainingTrust, today: dt.date
) -> None:
    TrainingPlan.objects.create(go_live=training.go_live, target_percent=90)

    services.refresh_alerts(go_live_id=training.go_live.pk, today=today)

    alert = TrainingAlert.objects.get(kind=Kind.FORECAST_MISS)
    assert "0.0% will be trained by go-live against a target of 90%" in alert.message


def test_refreshing_twice_keeps_one_open_alert_and_a_cleared_condition_closes_it(
    training: TrainingTrust, today: dt.date
) -> None:
    tasks.refresh_training_alerts(training.go_live.pk)
    tasks.refresh_training_alerts(training.go_live.pk)
    assert TrainingAlert.objects.filter(kind=Kind.FORECAST_MISS, closed_at=None).count() == 1

    _train(training, training.trust.staff_a, today)
    _train(training, training.trust.staff_b, today)
    tasks.refresh_training_alerts(training.go_live.pk)

    assert not TrainingAlert.objects.filter(closed_at=None).exists()


def test_recording_a_register_queues_an_alert_refresh_after_commit(
    training: TrainingTrust,
    today: dt.date,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent: list[tuple[Any, ...]] = []
    monkeypatch.setattr(tasks.refresh_training_alerts, "delay", lambda *args: sent.append(args))
    with django_capture_on_commit_callbacks() as callbacks:
        services.record_completions(
            access=Access(training.lead),
            user=training.lead,
            go_live=training.go_live,
            course=training.basics,
            completed_on=today,
            staff_ids=[training.trust.staff_a.pk],
        )
    assert sent == []  # nothing before the commit
    for callback in callbacks:
        callback()

    assert sent.count((training.go_live.pk,)) == 1


def test_open_alerts_show_on_the_home_dashboard(training: TrainingTrust, today: dt.date) -> None:
    services.refresh_alerts(go_live_id=training.go_live.pk, today=today)
    client = Client()
    client.force_login(training.trust.executive)

    page = client.get(reverse("home")).content.decode()

    assert "Forecast to miss the target" in page


def test_a_training_lead_acknowledges_an_alert(training: TrainingTrust, today: dt.date) -> None:
    services.refresh_alerts(go_live_id=training.go_live.pk, today=today)
    alert = TrainingAlert.objects.get()
    client = Client()
    client.force_login(training.lead)

    client.post(reverse("training:acknowledge_alert", args=[alert.pk]))

    alert.refresh_from_db()
    assert alert.acknowledged_by == training.lead
    assert alert.acknowledged_at is not None
    assert timezone.now() >= alert.acknowledged_at


def test_a_training_lead_checks_alerts_on_demand(training: TrainingTrust) -> None:
    client = Client()
    client.force_login(training.lead)

    response = client.post(reverse("training:check_alerts"), follow=True)

    assert "Alerts checked: 1 open." in response.content.decode()
    assert TrainingAlert.objects.filter(kind=Kind.FORECAST_MISS, closed_at=None).exists()


def test_a_ward_manager_cannot_check_alerts(training: TrainingTrust) -> None:
    client = Client()
    client.force_login(training.trust.ward_manager)

    assert client.post(reverse("training:check_alerts")).status_code == 403
