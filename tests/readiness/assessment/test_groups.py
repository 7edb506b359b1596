"""Readiness group pages: setting one up, its co-chairs' meetings and actions."""

from __future__ import annotations

from django.test import Client

from readiness.models import (
    ReadinessGroup,
)
from tests.readiness.conftest import Readiness


def test_setting_up_a_group_with_one_person_as_both_chairs_shows_the_field_error(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)

    response = client.post(
        "/readiness/groups/",
        {
            "name": "People",
            "domains": ["people"],
            "clinical_chair": readiness.chair.pk,
            "operational_chair": readiness.chair.pk,
            "cadence": "weekly",
        },
    )

    assert response.status_code == 200
    assert "The co-chairs must be different people." in response.content.decode()
    assert not ReadinessGroup.objects.filter(name="People").exists()


def test_a_co_chair_records_a_meeting_with_decisions(client: Client, readiness: Readiness) -> None:
    group = ReadinessGroup.objects.get()
    client.force_login(readiness.chair)

    response = client.post(
        f"/readiness/groups/{group.pk}/",
        {
            "form": "meeting",
            "held_on": "20/11/2026",
            "notes": "",
            "decisions": "Go with SSO pilot\nDefer printers",
        },
    )

    assert response.status_code == 302
    assert [d.text for d in group.meetings.get().decisions.all()] == [
        "Go with SSO pilot",
        "Defer printers",
    ]


def test_a_ward_manager_cannot_record_a_groups_meeting(
    client: Client, readiness: Readiness
) -> None:
    group = ReadinessGroup.objects.get()
    client.force_login(readiness.trust.ward_manager)

    response = client.post(
        f"/readiness/groups/{group.pk}/", {"form": "meeting", "held_on": "20/11/2026"}
    )

    assert response.status_code == 403
