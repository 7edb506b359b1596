"""The training API: scoped per role, structured errors, documented in the schema."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from golive.models import Role
from tests import factories as f
from tests.training.conftest import TrainingTrust
from tests.training.factories import CompletionFactory
from training.models import Booking, Completion, ConfidenceResponse, Course, Requirement

API = "/api/v1/training"


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_ward_manager_lists_only_completions_of_their_own_staff(
    training: TrainingTrust,
) -> None:
    t = training.trust
    CompletionFactory(staff=t.staff_a, course=training.basics)
    CompletionFactory(staff=t.staff_b, course=training.basics)

    body = _client(t.ward_manager).get(f"{API}/completions/").json()

    assert [row["staff_number"] for row in body["results"]] == [t.staff_a.staff_number]


def test_a_ward_manager_gets_people_of_their_own_areas_only(training: TrainingTrust) -> None:
    t = training.trust

    body = _client(t.ward_manager).get(f"{API}/go-lives/{training.go_live.pk}/people/").json()

    assert [row["full_name"] for row in body["results"]] == ["Alice Ward-A"]
    assert body["results"][0]["status"] == "not_trained"


def test_an_executive_gets_figures_but_not_names(training: TrainingTrust) -> None:
    client = _client(training.trust.executive)

    figures = client.get(f"{API}/go-lives/{training.go_live.pk}/breakdown/", {"by": "site"})
    people = client.get(f"{API}/go-lives/{training.go_live.pk}/people/")

    assert figures.json() == [
        {"group": "North Hospital", "in_scope": 2, "must_train": 2, "trained": 0,
         "percent": 0.0, "booked": 0, "overdue": 0, "new_starters": 0},
    ]  # fmt: skip
    assert people.status_code == 403
    assert set(people.json()) == {"code", "message"}


def test_a_go_live_the_caller_cannot_see_is_not_found(training: TrainingTrust) -> None:
    elsewhere = f.UserFactory(username="wm-c")
    f.grant(elsewhere, Role.WARD_MANAGER, training.trust.programme, [training.trust.ward_c])

    response = _client(elsewhere).get(f"{API}/go-lives/{training.go_live.pk}/trajectory/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_trajectory_gives_the_forecast_and_the_weekly_rate_needed(
    training: TrainingTrust,
) -> None:
    t = training.trust
    for course in (training.basics, training.workflows):
        CompletionFactory(staff=t.staff_a, course=course)

    body = _client(training.lead).get(f"{API}/go-lives/{training.go_live.pk}/trajectory/").json()

    assert (body["population"], body["trained"], body["trained_percent"]) == (2, 1, 50.0)
    assert body["target_percent"] == 90
    weeks_left = (training.go_live.user_go_live_date - timezone.localdate()).days / 7
    assert body["weekly_needed"] == (2 * 0.9 - 1) / weeks_left
    assert body["forecast"][-1]["on"] == training.go_live.user_go_live_date.isoformat()


def test_a_register_posted_by_staff_number_records_completions(training: TrainingTrust) -> None:
    t = training.trust

    response = _client(t.ward_manager).post(
        f"{API}/completions/",
        {"go_live": training.go_live.pk, "course": training.basics.pk,
         "completed_on": timezone.localdate().isoformat(),
         "staff_numbers": [t.staff_a.staff_number]},
        content_type="application/json",
    )  # fmt: skip

    assert response.status_code == 201
    assert response.json() == {"recorded": 1, "unchanged": 0}
    assert Completion.objects.get().recorded_by == t.ward_manager


def test_a_register_for_another_wards_staff_is_refused_and_records_nothing(
    training: TrainingTrust,
) -> None:
    t = training.trust

    response = _client(t.ward_manager).post(
        f"{API}/completions/",
        {"go_live": training.go_live.pk, "course": training.basics.pk,
         "completed_on": timezone.localdate().isoformat(),
         "staff_numbers": [t.staff_a.staff_number, t.staff_b.staff_number]},
        content_type="application/json",
    )  # fmt: skip

    assert response.status_code == 400
    assert response.json()["field_errors"][0]["field"] == "staff_numbers"
    assert not Completion.objects.exists()


def test_a_register_answers_alike_for_another_wards_staff_and_an_unknown_number(
    training: TrainingTrust,
) -> None:
    t = training.trust
    body = {"go_live": training.go_live.pk, "course": training.basics.pk,
            "completed_on": timezone.localdate().isoformat()}  # fmt: skip

    def refusal(number: str) -> Any:
        response = _client(t.ward_manager).post(
            f"{API}/completions/",
            {**body, "staff_numbers": [t.staff_a.staff_number, number]},
            content_type="application/json",
        )
        error = response.json()
        message = error["field_errors"][0]["message"].replace(number, "<number>")
        return response.status_code, error["code"], message

    elsewhere = refusal(t.staff_b.staff_number)  # on the trust's list, on another ward
    unknown = refusal("NO-SUCH-1")

    assert elsewhere == unknown
    assert elsewhere[0] == 400


def test_a_register_dated_in_the_future_gets_a_field_error(training: TrainingTrust) -> None:
    t = training.trust

    response = _client(training.lead).post(
        f"{API}/completions/",
        {"go_live": training.go_live.pk, "course": training.basics.pk,
         "completed_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
         "staff_numbers": [t.staff_a.staff_number]},
        content_type="application/json",
    )  # fmt: skip

    assert response.status_code == 400
    assert response.json()["field_errors"] == [
        {"field": "completed_on", "code": "future", "message": "The date cannot be in the future."}
    ]


def test_a_training_lead_adds_a_course_and_a_duplicate_code_is_a_field_error(
    training: TrainingTrust,
) -> None:
    client = _client(training.lead)
    body = {"programme": training.trust.programme.pk, "code": "EPR301", "name": "Orders",
            "delivery": "workshop", "duration_minutes": 120}  # fmt: skip

    created = client.post(f"{API}/courses/", body, content_type="application/json")
    again = client.post(f"{API}/courses/", body, content_type="application/json")

    assert created.status_code == 201
    assert Course.objects.filter(code="EPR301").count() == 1
    assert again.status_code == 400
    assert again.json()["field_errors"][0]["code"] == "duplicate_code"


def test_an_executive_cannot_add_requirements(training: TrainingTrust) -> None:
    response = _client(training.trust.executive).post(
        f"{API}/requirements/",
        {"go_live": training.go_live.pk, "course": training.basics.pk,
         "role_groups": ["medical"], "due_on": training.go_live.user_go_live_date.isoformat()},
        content_type="application/json",
    )  # fmt: skip

    assert response.status_code == 403
    assert not Requirement.objects.filter(role_group="medical").exists()


def test_an_unknown_role_group_is_a_field_error(training: TrainingTrust) -> None:
    response = _client(training.lead).post(
        f"{API}/requirements/",
        {"go_live": training.go_live.pk, "course": training.basics.pk,
         "role_groups": ["wizards"], "due_on": training.go_live.user_go_live_date.isoformat()},
        content_type="application/json",
    )  # fmt: skip

    assert response.status_code == 400
    assert response.json()["field_errors"][0]["field"] == "role_groups"


def test_the_schema_documents_the_training_endpoints_and_their_errors(
    training: TrainingTrust,
) -> None:
    schema = _client(training.lead).get("/api/schema/", {"format": "json"}).json()

    people = schema["paths"]["/api/v1/training/go-lives/{id}/people/"]["get"]
    register = schema["paths"]["/api/v1/training/completions/"]["post"]
    assert {"200", "403", "404"} <= set(people["responses"])
    assert {"201", "400", "403"} <= set(register["responses"])


def test_confidence_over_the_api_withholds_small_groups(training: TrainingTrust) -> None:
    for score in (1, 2, 1):
        ConfidenceResponse.objects.create(
            go_live=training.go_live, area=training.trust.ward_a, score=score,
            submitted_at=timezone.now(),
        )  # fmt: skip

    body = _client(training.lead).get(f"{API}/go-lives/{training.go_live.pk}/confidence/").json()

    assert body["by_area"] == [
        {"group": "Ward A (North Hospital)", "suppressed": True, "responses": None,
         "mean": None, "low_share": None, "is_low": False, "worries": []},
    ]  # fmt: skip
    assert body["overall"] is None


def test_a_training_lead_replaces_the_plan_over_the_api(training: TrainingTrust) -> None:
    url = f"{API}/go-lives/{training.go_live.pk}/plan/"
    plan = {"target_percent": 80, "alert_margin_points": 5, "new_starter_days": 30,
            "points": [{"on": "2026-01-01", "planned_percent": 20},
                       {"on": "2026-02-01", "planned_percent": 60}]}  # fmt: skip

    response = _client(training.lead).put(url, plan, content_type="application/json")
    read_back = _client(training.trust.executive).get(url).json()

    assert response.status_code == 200
    assert read_back["target_percent"] == 80
    assert read_back["points"] == [
        {"on": "2026-01-01", "planned_percent": 20.0},
        {"on": "2026-02-01", "planned_percent": 60.0},
    ]


def test_a_plan_that_goes_down_is_a_field_error_over_the_api(training: TrainingTrust) -> None:
    plan = {"target_percent": 80, "alert_margin_points": 5, "new_starter_days": 30,
            "points": [{"on": "2026-01-01", "planned_percent": 60},
                       {"on": "2026-02-01", "planned_percent": 20}]}  # fmt: skip

    response = _client(training.lead).put(
        f"{API}/go-lives/{training.go_live.pk}/plan/", plan, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["field_errors"][0]["field"] == "points"


def test_a_ward_manager_cannot_change_the_plan_over_the_api(training: TrainingTrust) -> None:
    response = _client(training.trust.ward_manager).put(
        f"{API}/go-lives/{training.go_live.pk}/plan/",
        {"target_percent": 10, "alert_margin_points": 5, "new_starter_days": 30, "points": []},
        content_type="application/json",
    )

    assert response.status_code == 403


def test_booking_staff_by_number_lists_only_bookings_the_caller_may_see(
    training: TrainingTrust,
) -> None:
    t = training.trust
    session = (timezone.localdate() + dt.timedelta(days=3)).isoformat()

    response = _client(training.lead).post(
        f"{API}/bookings/",
        {"go_live": training.go_live.pk, "course": training.basics.pk, "session_on": session,
         "staff_numbers": [t.staff_a.staff_number, t.staff_b.staff_number]},
        content_type="application/json",
    )  # fmt: skip

    assert response.status_code == 201
    assert response.json() == {"booked": 2}
    mine = _client(t.ward_manager).get(f"{API}/bookings/").json()["results"]
    assert [(b["staff_number"], b["session_on"]) for b in mine] == [
        (t.staff_a.staff_number, session)
    ]


def test_booking_a_session_in_the_past_or_as_an_executive_is_refused(
    training: TrainingTrust,
) -> None:
    t = training.trust
    body = {"go_live": training.go_live.pk, "course": training.basics.pk,
            "staff_numbers": [t.staff_a.staff_number]}  # fmt: skip
    past = {**body, "session_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat()}
    future = {**body, "session_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat()}

    refused = _client(training.lead).post(f"{API}/bookings/", past, content_type="application/json")
    executive = _client(t.executive).post(
        f"{API}/bookings/", future, content_type="application/json"
    )

    assert refused.status_code == 400
    assert refused.json()["field_errors"][0]["field"] == "session_on"
    assert executive.status_code == 403
    assert not Booking.objects.exists()


def test_a_planned_percentage_over_100_or_not_a_number_is_a_400_not_a_crash(
    training: TrainingTrust,
) -> None:
    url = f"{API}/go-lives/{training.go_live.pk}/plan/"
    client = _client(training.lead)
    client.raise_request_exception = False
    statuses = []
    for value in ("150", "NaN"):
        body = (
            '{"target_percent": 80, "alert_margin_points": 5, "new_starter_days": 30, '
            f'"points": [{{"on": "2026-01-01", "planned_percent": {value}}}]}}'
        )
        statuses.append(client.put(url, body, content_type="application/json").status_code)

    assert statuses == [400, 400]
