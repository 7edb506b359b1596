from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from readiness.models import Attendance, CommsItem, EngagementEvent
from tests.readiness.conftest import Readiness


def _event(readiness: Readiness, title: str, area: object = None) -> EngagementEvent:
    return EngagementEvent.objects.create(
        go_live=readiness.trust.wave_1,
        kind=EngagementEvent.Kind.WORKSHOP,
        title=title,
        held_on=timezone.localdate(),
        area=area,
    )


def test_a_programme_manager_plans_a_communication(client: Client, readiness: Readiness) -> None:
    client.force_login(readiness.trust.programme_manager)

    response = client.post(
        "/readiness/comms/",
        {
            "form": "item",
            "title": "Go-live in two weeks",
            "audience": "All staff on Wards A and B",
            "channel": "email",
            "planned_on": "01/12/2026",
            "owner": readiness.chair.pk,
        },
    )

    assert response.status_code == 302
    item = CommsItem.objects.get()
    assert (item.planned_on, item.owner) == (dt.date(2026, 12, 1), readiness.chair)


def test_a_communication_without_an_audience_shows_the_field_error(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)

    response = client.post(
        "/readiness/comms/",
        {
            "form": "item",
            "title": "X",
            "channel": "email",
            "planned_on": "01/12/2026",
            "owner": readiness.chair.pk,
        },
    )

    assert response.status_code == 200
    assert "Say who it is for." in response.content.decode()


def test_attendance_is_totalled_by_staff_group_and_re_recording_replaces_it(
    client: Client, readiness: Readiness
) -> None:
    workshop = _event(readiness, "EPR open workshop")
    walk = _event(readiness, "Floor walk", readiness.trust.ward_a)
    client.force_login(readiness.trust.programme_manager)
    for event, group, count in [
        (workshop, "nursing", 30),
        (workshop, "medical", 8),
        (walk, "nursing", 5),
        (walk, "nursing", 6),
    ]:
        client.post(
            "/readiness/comms/",
            {"form": "attendance", "event": event.pk, "role_group": group, "count": count},
        )

    response = client.get("/readiness/comms/")

    assert response.context["by_group"] == [
        ("Nursing and midwifery", 36),
        ("Medical and dental", 8),
    ]
    assert Attendance.objects.count() == 3


def test_a_ward_manager_sees_trust_wide_events_and_their_own_areas_only(
    client: Client, readiness: Readiness
) -> None:
    _event(readiness, "EPR open workshop")
    _event(readiness, "Floor walk A", readiness.trust.ward_a)
    _event(readiness, "Floor walk B", readiness.trust.ward_b)
    client.force_login(readiness.trust.ward_manager)

    response = client.get("/readiness/comms/")

    assert [e.title for e in response.context["events"]] == ["EPR open workshop", "Floor walk A"]
    assert response.context["forms"] is None


def test_a_ward_manager_cannot_change_the_plan(client: Client, readiness: Readiness) -> None:
    client.force_login(readiness.trust.ward_manager)
    response = client.post(
        "/readiness/comms/",
        {"form": "event", "kind": "drop_in", "title": "X", "held_on": "01/12/2026"},
    )
    assert response.status_code == 403


def test_an_event_in_an_area_outside_the_go_live_is_refused(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)
    response = client.post(
        "/readiness/comms/",
        {
            "form": "event",
            "kind": "drop_in",
            "title": "Drop-in",
            "held_on": "01/12/2026",
            "area": readiness.trust.ward_c.pk,
        },
    )
    assert response.status_code == 200
    assert not EngagementEvent.objects.exists()


def test_overdue_planned_communications_are_flagged(client: Client, readiness: Readiness) -> None:
    CommsItem.objects.create(
        go_live=readiness.trust.wave_1,
        title="Briefing pack",
        audience="Ward managers",
        channel="briefing",
        planned_on=timezone.localdate() - dt.timedelta(days=1),
        owner=readiness.chair,
    )
    client.force_login(readiness.trust.executive)
    assert "Overdue" in client.get("/readiness/comms/").content.decode()
