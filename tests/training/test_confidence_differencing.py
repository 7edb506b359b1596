"""Confidence checks cannot be worked out by subtraction: role groups are built only from
the areas shown, and hidden further where the overall less the role groups shown would give
a small group back."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from golive.models import Area, RoleGroup
from tests.factories import StaffMemberFactory
from tests.training.conftest import TrainingTrust
from training.models import ConfidenceResponse


def _check(training: TrainingTrust, area: Area, score: int, role_group: str | None) -> None:
    staff = None
    if role_group is not None:
        staff = StaffMemberFactory(organisation=training.trust.organisation, role_group=role_group)
    ConfidenceResponse.objects.create(
        go_live=training.go_live, area=area, staff=staff, score=score, submitted_at=timezone.now()
    )


def _summary(training: TrainingTrust) -> dict[str, Any]:
    client = Client()
    client.force_login(training.lead)
    url = f"/api/v1/training/go-lives/{training.go_live.pk}/confidence/"
    body: dict[str, Any] = client.get(url).json()
    return body


def _recovered(whole: dict[str, Any], parts: list[dict[str, Any]]) -> tuple[int, float] | None:
    """What subtraction gives back: the count and mean left out of ``whole`` by the shown
    ``parts``, or None when nothing is left out."""
    shown = [part for part in parts if not part["suppressed"]]
    count = whole["responses"] - sum(part["responses"] for part in shown)
    if count == 0:
        return None
    total = whole["mean"] * whole["responses"] - sum(p["mean"] * p["responses"] for p in shown)
    return count, round(total / count, 2)


@pytest.mark.django_db
def test_role_groups_leave_out_checks_from_a_hidden_area(training: TrainingTrust) -> None:
    t = training.trust
    for score in (4, 4, 4, 4, 4):
        _check(training, t.ward_a, score, RoleGroup.NURSING)
    for score in (1, 1, 2):  # Ward B: three nurses, too few to show
        _check(training, t.ward_b, score, RoleGroup.NURSING)

    body = _summary(training)

    nursing = body["by_role_group"][0]
    assert body["by_area"][1]["suppressed"] is True
    # Before: nursing held all eight, so nursing less the overall (Ward A) was Ward B's 3
    # checks and their mean, 1.33.
    assert _recovered(nursing, [body["overall"]]) is None
    assert (nursing["responses"], nursing["mean"]) == (5, 4.0)


@pytest.mark.django_db
def test_a_small_role_group_cannot_be_worked_out_from_the_overall(
    training: TrainingTrust,
) -> None:
    t = training.trust
    for score in (4, 4, 4, 5, 5, 5):
        _check(training, t.ward_a, score, RoleGroup.NURSING)
    for score in (1, 2):  # two doctors: too few to show
        _check(training, t.ward_a, score, RoleGroup.MEDICAL)

    body = _summary(training)

    # Overall 8 less nursing 6 would be the two doctors, mean 1.5: nursing is hidden too.
    recovered = _recovered(body["overall"], body["by_role_group"])
    assert recovered is None or recovered[0] >= 5
    assert [g["suppressed"] for g in body["by_role_group"]] == [True, True]
    assert body["overall"]["responses"] == 8


@pytest.mark.django_db
def test_anonymous_checks_are_not_counted_as_a_role_group_to_protect(
    training: TrainingTrust,
) -> None:
    t = training.trust
    for score in (4, 4, 4, 5, 5):
        _check(training, t.ward_a, score, RoleGroup.NURSING)
    for score in (1, 2, 3, 3, 3):  # five anonymous checks: a group of five left out
        _check(training, t.ward_a, score, None)

    body = _summary(training)

    assert body["by_role_group"][0]["responses"] == 5
    assert _recovered(body["overall"], body["by_role_group"]) == (5, 2.4)
