"""The demo's training: built on the imported LMS file, behind trajectory, idempotent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from adoption.imports.demo import seed_adoption_demo
from golive.demo import DEMO_PROGRAMME, seed_demo
from golive.models import GoLive, Programme, User
from training.demo import seed_training_demo
from training.models import (
    Booking,
    ConfidenceResponse,
    Requirement,
    ScopeChange,
    TrainingAlert,
    TrajectoryPoint,
)


@pytest.fixture
def demo(settings: Any, tmp_path: Path) -> tuple[Programme, User]:
    settings.VAR_DIR = tmp_path
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"
    seed_demo(staff_count=400, today=timezone.localdate())
    programme = Programme.objects.get(name=DEMO_PROGRAMME)
    seed_adoption_demo(programme=programme, user=User.objects.get(username="pm"), per_day=5)
    return programme, User.objects.get(username="trainer")


@pytest.mark.django_db
def test_the_demo_wave_still_to_come_is_visibly_behind_its_trajectory(
    demo: tuple[Programme, User],
) -> None:
    programme, trainer = demo

    seed_training_demo(programme=programme, user=trainer)

    upcoming = GoLive.objects.filter(programme=programme).order_by("user_go_live_date")[1]
    kinds = set(
        TrainingAlert.objects.filter(go_live=upcoming, closed_at=None).values_list(
            "kind", flat=True
        )
    )
    assert TrainingAlert.Kind.BEHIND_PLAN in kinds


@pytest.mark.django_db
def test_seeding_the_training_demo_twice_changes_nothing(demo: tuple[Programme, User]) -> None:
    programme, trainer = demo

    def counts() -> tuple[int, ...]:
        return (
            Requirement.objects.count(),
            TrajectoryPoint.objects.count(),
            Booking.objects.count(),
            TrainingAlert.objects.count(),
            ConfidenceResponse.objects.count(),
            ScopeChange.objects.count(),
        )

    seed_training_demo(programme=programme, user=trainer)
    first = counts()
    seed_training_demo(programme=programme, user=trainer)

    assert counts() == first
    assert first[0] > 0
    assert first[2] > 0
    assert first[4] > 0
    assert first[5] == 2


@pytest.mark.django_db
def test_the_demo_training_lead_is_e_mailed_the_upcoming_waves_alerts(
    demo: tuple[Programme, User], django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail  # noqa: PLC0415

    from training import tasks  # noqa: PLC0415

    programme, trainer = demo
    with django_capture_on_commit_callbacks() as queued:
        seed_training_demo(programme=programme, user=trainer)
    for alert in TrainingAlert.objects.filter(closed_at=None):
        tasks.email_training_alert(alert.pk)

    assert queued
    assert mail.outbox
    assert {tuple(message.to) for message in mail.outbox} == {(trainer.email,)}
