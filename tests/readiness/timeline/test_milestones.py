"""The milestone timeline: its page and its API."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from readiness.models import (
    Milestone,
)
from tests.readiness.conftest import API, Readiness, post_json, put_json


def test_overdue_milestones_are_flagged_with_their_countdown(
    client: Client, readiness: Readiness
) -> None:
    from readiness.models import Milestone  # noqa: PLC0415

    today = timezone.localdate()
    wave_1 = readiness.trust.wave_1
    Milestone.objects.create(
        go_live=wave_1, name="Cutover rehearsal", due_on=today - dt.timedelta(days=3)
    )
    Milestone.objects.create(
        go_live=wave_1, name="User go-live", due_on=today + dt.timedelta(days=12)
    )
    client.force_login(readiness.trust.executive)

    rows = client.get("/readiness/").context["milestones"]

    assert [(m.name, days, overdue) for m, days, overdue in rows] == [
        ("Cutover rehearsal", -3, True),
        ("User go-live", 12, False),
    ]
    body = client.get("/readiness/timeline/").content.decode()
    assert "T+3" in body
    assert "T-12" in body
    assert "Overdue" in body


def test_a_programme_manager_adds_a_milestone_and_marks_it_done(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)

    client.post(
        "/readiness/timeline/",
        {"name": "Dual running starts", "kind": "dual_running_start", "due_on": "01/12/2026"},
    )
    milestone = readiness.trust.wave_1.milestones.get()
    client.post(f"/readiness/milestones/{milestone.pk}/complete/")

    milestone.refresh_from_db()
    assert milestone.due_on == dt.date(2026, 12, 1)
    assert milestone.completed_on == timezone.localdate()


def test_a_ward_manager_cannot_plan_milestones(client: Client, readiness: Readiness) -> None:
    client.force_login(readiness.trust.ward_manager)
    response = client.post(
        "/readiness/timeline/", {"name": "X", "kind": "other", "due_on": "01/12/2026"}
    )
    assert response.status_code == 403


def test_a_programme_manager_plans_and_completes_a_milestone_over_the_api(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)
    created = post_json(
        client,
        f"{API}/milestones/",
        {"go_live": readiness.trust.wave_1.pk, "name": "Cutover", "due_on": "2026-12-01"},
    )
    assert created.status_code == 201
    row = created.json()["id"]
    done = put_json(
        client,
        f"{API}/milestones/{row}/",
        {"name": "Cutover", "kind": "other", "due_on": "2026-12-01", "completed_on": "2026-12-02"},
    )
    assert done.json()["completed_on"] == "2026-12-02"


def test_a_duplicate_milestone_name_is_a_field_error(client: Client, readiness: Readiness) -> None:
    client.force_login(readiness.trust.programme_manager)
    body = {"go_live": readiness.trust.wave_1.pk, "name": "Cutover", "due_on": "2026-12-01"}
    post_json(client, f"{API}/milestones/", body)
    second = post_json(client, f"{API}/milestones/", body).json()
    assert second["code"] == "duplicate"


def test_a_ward_manager_cannot_plan_milestones_even_for_their_go_live(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.ward_manager)
    body = {"go_live": readiness.trust.wave_1.pk, "name": "Cutover", "due_on": "2026-12-01"}
    assert post_json(client, f"{API}/milestones/", body).status_code == 403
    assert not Milestone.objects.exists()
