"""The communications plan over the API: items written by programme managers, events read
by area."""

from __future__ import annotations

from django.test import Client

from readiness.models import (
    CommsItem,
)
from tests.readiness.conftest import API, Readiness, post_json, put_json


def test_engagement_events_over_the_api_follow_the_users_areas(
    client: Client, readiness: Readiness
) -> None:
    from django.utils import timezone  # noqa: PLC0415

    from readiness.models import EngagementEvent  # noqa: PLC0415

    for title, area in [("Open workshop", None), ("Walk B", readiness.trust.ward_b)]:
        EngagementEvent.objects.create(
            go_live=readiness.trust.wave_1, kind="workshop", title=title,
            held_on=timezone.localdate(), area=area,
        )  # fmt: skip
    client.force_login(readiness.trust.ward_manager)
    body = client.get("/api/v1/readiness/engagement-events/").json()
    assert [row["title"] for row in body["results"]] == ["Open workshop"]


def test_a_programme_manager_adds_and_updates_a_comms_item_over_the_api(
    client: Client, readiness: Readiness
) -> None:
    pm = readiness.trust.programme_manager
    client.force_login(pm)
    body = {
        "go_live": readiness.trust.wave_1.pk, "title": "Go-live email", "audience": "All staff",
        "channel": "email", "planned_on": "2026-11-30", "owner": pm.pk,
    }  # fmt: skip
    created = post_json(client, f"{API}/comms/", body)
    assert created.status_code == 201
    del body["go_live"]
    updated = put_json(client, f"{API}/comms/{created.json()['id']}/", {**body, "status": "done"})
    assert updated.json()["status"] == "done"
    assert CommsItem.objects.get().status == "done"


def test_an_executive_cannot_add_a_comms_item(client: Client, readiness: Readiness) -> None:
    client.force_login(readiness.trust.executive)
    body = {
        "go_live": readiness.trust.wave_1.pk, "title": "Go-live email", "audience": "All staff",
        "channel": "email", "planned_on": "2026-11-30", "owner": readiness.chair.pk,
    }  # fmt: skip
    assert post_json(client, f"{API}/comms/", body).status_code == 403
