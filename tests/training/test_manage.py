"""Managing a go-live's training: plan, scope changes, bookings, course changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.training.conftest import TrainingTrust
from training.models import Booking, Course, Requirement, ScopeChange, TrainingPlan


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_training_lead_saves_targets_and_a_trajectory(training: TrainingTrust) -> None:
    response = _client(training.lead).post(
        reverse("training:plan"),
        {"target_percent": 85, "alert_margin_points": 7, "new_starter_days": 21,
         "points": "2026-01-08, 30%\n\n2026-01-01, 10"},
    )  # fmt: skip

    assert response.status_code == 302
    plan = TrainingPlan.objects.get(go_live=training.go_live)
    assert (plan.target_percent, plan.alert_margin_points, plan.new_starter_days) == (85, 7, 21)
    assert list(training.go_live.trajectory.values_list("on_date", "planned_percent")) == [
        (dt.date(2026, 1, 1), Decimal("10.0")),
        (dt.date(2026, 1, 8), Decimal("30.0")),
    ]


def test_a_plan_ending_after_go_live_is_refused(training: TrainingTrust) -> None:
    late = training.go_live.user_go_live_date + dt.timedelta(days=1)

    response = _client(training.lead).post(
        reverse("training:plan"),
        {"target_percent": 85, "alert_margin_points": 7, "new_starter_days": 21,
         "points": f"{late.isoformat()}, 90"},
    )  # fmt: skip

    assert "The plan must end by the user go-live." in response.content.decode()


def test_a_ward_manager_cannot_open_the_plan(training: TrainingTrust) -> None:
    assert _client(training.trust.ward_manager).get(reverse("training:plan")).status_code == 403


def test_a_training_lead_adds_someone_by_staff_number_and_undoes_it(
    training: TrainingTrust,
) -> None:
    client = _client(training.lead)
    carol = training.trust.staff_c

    client.post(
        reverse("training:scope"),
        {"staff_number": carol.staff_number, "kind": "include", "reason": "Bank nurse"},
    )
    change = ScopeChange.objects.get()
    client.post(reverse("training:scope_change_delete", args=[change.pk]))

    assert (change.staff, change.kind, change.changed_by) == (carol, "include", training.lead)
    assert not ScopeChange.objects.exists()


def test_an_unknown_staff_number_is_reported_on_its_field(training: TrainingTrust) -> None:
    response = _client(training.lead).post(
        reverse("training:scope"), {"staff_number": "NOPE", "kind": "exclude", "reason": "x"}
    )

    assert "No one on the staff list has that staff number." in response.content.decode()


def test_a_register_can_book_people_on_a_future_session(training: TrainingTrust) -> None:
    t = training.trust
    session = timezone.localdate() + dt.timedelta(days=3)

    _client(t.ward_manager).post(
        reverse("training:register"),
        {"action": "booked", "course": training.workflows.pk, "session_on": session,
         "staff": [t.staff_a.pk]},
    )  # fmt: skip

    booking = Booking.objects.get()
    assert (booking.staff, booking.session_on, booking.booked_by) == (
        t.staff_a,
        session,
        t.ward_manager,
    )


def test_booking_a_session_in_the_past_is_refused_on_the_date(training: TrainingTrust) -> None:
    t = training.trust

    response = _client(t.ward_manager).post(
        reverse("training:register"),
        {"action": "booked", "course": training.workflows.pk,
         "session_on": timezone.localdate() - dt.timedelta(days=1), "staff": [t.staff_a.pk]},
    )  # fmt: skip

    assert "A session to book must be today or later." in response.content.decode()
    assert not Booking.objects.exists()


def test_a_training_lead_changes_a_course(training: TrainingTrust) -> None:
    _client(training.lead).post(
        reverse("training:course_edit", args=[training.basics.pk]),
        {"code": "EPR101", "name": "EPR basics", "delivery": "classroom",
         "duration_minutes": 45, "epr_role": "All users"},
    )  # fmt: skip

    course = Course.objects.get(pk=training.basics.pk)
    assert (course.name, course.delivery, course.epr_role) == (
        "EPR basics",
        "classroom",
        "All users",
    )


def test_a_training_lead_removes_a_requirement(training: TrainingTrust) -> None:
    requirement = Requirement.objects.get(course=training.workflows)

    _client(training.lead).post(reverse("training:requirement_delete", args=[requirement.pk]))

    assert not Requirement.objects.filter(pk=requirement.pk).exists()


def test_a_ward_manager_cannot_remove_a_requirement(training: TrainingTrust) -> None:
    requirement = Requirement.objects.get(course=training.workflows)

    response = _client(training.trust.ward_manager).post(
        reverse("training:requirement_delete", args=[requirement.pk])
    )

    assert response.status_code == 403
    assert Requirement.objects.filter(pk=requirement.pk).exists()
