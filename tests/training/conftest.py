from __future__ import annotations

from typing import Any

import pytest

from golive.models import Role
from tests import factories as f
from tests.conftest import Trust
from tests.training.factories import CourseFactory, RequirementFactory


class TrainingTrust:
    """The shared test trust with two courses required of nurses on wave 1, and a training
    lead."""

    def __init__(self, trust: Trust) -> None:
        self.trust = trust
        self.go_live = trust.wave_1
        self.basics = CourseFactory(programme=trust.programme, code="EPR101", name="Basics")
        self.workflows = CourseFactory(programme=trust.programme, code="EPR201", name="Workflows")
        for course in (self.basics, self.workflows):
            RequirementFactory(go_live=self.go_live, course=course, role_group="nursing")
        self.lead = f.UserFactory(username="lead")
        f.grant(self.lead, Role.TRAINING_LEAD, trust.programme)


@pytest.fixture
def training(trust: Trust) -> TrainingTrust:
    return TrainingTrust(trust)


@pytest.fixture
def today() -> Any:
    from django.utils import timezone  # noqa: PLC0415

    return timezone.localdate()
