"""A training lead whose grant names some areas may record training there, but courses,
requirements, the plan and the scope apply to the whole programme: only a programme-wide
training lead may change them, in pages and over the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from golive.models import Role, User
from tests import factories as f
from tests.training.conftest import TrainingTrust
from training.models import Completion, Course, Requirement, ScopeChange, TrainingPlan

API = "/api/v1/training"


@pytest.fixture
def area_lead(training: TrainingTrust) -> User:
    user = f.UserFactory(username="area-lead")
    f.grant(user, Role.TRAINING_LEAD, training.trust.programme, [training.trust.ward_a])
    return user


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_area_training_lead_cannot_open_or_save_the_plan(
    training: TrainingTrust, area_lead: User
) -> None:
    client = _client(area_lead)
    plan = {"target_percent": 10, "alert_margin_points": 5, "new_starter_days": 28, "points": ""}

    assert client.get(reverse("training:plan")).status_code == 403
    assert client.post(reverse("training:plan"), plan).status_code == 403
    assert not TrainingPlan.objects.exists()


def test_an_area_training_lead_cannot_add_or_remove_requirements_on_the_page(
    training: TrainingTrust, area_lead: User
) -> None:
    client = _client(area_lead)
    existing = Requirement.objects.first()
    assert existing is not None
    due = training.go_live.user_go_live_date.isoformat()

    added = client.post(
        reverse("training:requirements"),
        {"course": training.basics.pk, "role_groups": ["medical"], "due_on": due},
    )
    removed = client.post(reverse("training:requirement_delete", args=[existing.pk]))

    assert (added.status_code, removed.status_code) == (403, 403)
    assert Requirement.objects.count() == 2


def test_an_area_training_lead_cannot_change_courses_or_the_scope_on_the_page(
    training: TrainingTrust, area_lead: User
) -> None:
    client = _client(area_lead)

    course = client.post(
        reverse("training:course_new"),
        {"code": "NEW1", "name": "New", "delivery": "classroom", "duration_minutes": 30},
    )
    scope = client.post(
        reverse("training:scope"),
        {"staff_number": training.trust.staff_a.staff_number, "kind": "exclude", "reason": "x"},
    )

    assert (course.status_code, scope.status_code) == (403, 403)
    assert not Course.objects.filter(code="NEW1").exists()
    assert not ScopeChange.objects.exists()


def test_the_area_training_leads_page_offers_no_plan_or_requirement_changes(
    training: TrainingTrust, area_lead: User
) -> None:
    client = _client(area_lead)

    home = client.get(reverse("training:home"))
    requirements = client.get(reverse("training:requirements"))

    assert home.context["may_manage"] is False
    assert requirements.context["may_manage"] is False
    assert reverse("training:plan") not in home.content.decode()


def test_an_area_training_lead_still_records_a_register_for_their_own_area(
    training: TrainingTrust, area_lead: User
) -> None:
    t = training.trust

    response = _client(area_lead).post(
        f"{API}/completions/",
        {"go_live": training.go_live.pk, "course": training.basics.pk,
         "completed_on": timezone.localdate().isoformat(),
         "staff_numbers": [t.staff_a.staff_number]},
        content_type="application/json",
    )  # fmt: skip

    assert response.status_code == 201
    assert Completion.objects.filter(staff=t.staff_a).count() == 1


def test_an_area_training_lead_cannot_replace_the_plan_over_the_api(
    training: TrainingTrust, area_lead: User
) -> None:
    response = _client(area_lead).put(
        f"{API}/go-lives/{training.go_live.pk}/plan/",
        {"target_percent": 10, "alert_margin_points": 5, "new_starter_days": 30, "points": []},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not TrainingPlan.objects.exists()


def test_an_area_training_lead_cannot_change_requirements_or_courses_over_the_api(
    training: TrainingTrust, area_lead: User
) -> None:
    client = _client(area_lead)
    existing = Requirement.objects.first()
    assert existing is not None
    due = (training.go_live.user_go_live_date - dt.timedelta(days=1)).isoformat()

    added = client.post(
        f"{API}/requirements/",
        {"go_live": training.go_live.pk, "course": training.basics.pk,
         "role_groups": ["medical"], "due_on": due},
        content_type="application/json",
    )  # fmt: skip
    removed = client.delete(f"{API}/requirements/{existing.pk}/")
    course = client.post(
        f"{API}/courses/",
        {"programme": training.trust.programme.pk, "code": "NEW1", "name": "New",
         "delivery": "classroom", "duration_minutes": 30},
        content_type="application/json",
    )  # fmt: skip
    changed = client.patch(
        f"{API}/courses/{training.basics.pk}/", {"name": "Renamed"}, content_type="application/json"
    )

    assert [r.status_code for r in (added, removed, course, changed)] == [403, 403, 403, 403]
    assert Requirement.objects.count() == 2
    assert not Course.objects.filter(code="NEW1").exists()
    training.basics.refresh_from_db()
    assert training.basics.name == "Basics"


def test_a_programme_wide_training_lead_still_changes_requirements_over_the_api(
    training: TrainingTrust,
) -> None:
    due = (training.go_live.user_go_live_date - dt.timedelta(days=1)).isoformat()

    response = _client(training.lead).post(
        f"{API}/requirements/",
        {"go_live": training.go_live.pk, "course": training.basics.pk,
         "role_groups": ["medical"], "due_on": due},
        content_type="application/json",
    )  # fmt: skip

    assert response.status_code == 201
    assert Requirement.objects.count() == 3
