"""Scope changes and confidence checks over the API: scoped per role, structured errors,
documented; confidence read back only as aggregates of large enough groups."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils import timezone

from golive.models import Role, User
from tests import factories as f
from tests.training.conftest import TrainingTrust
from training.models import ConfidenceResponse, ScopeChange

API = "/api/v1/training"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _change(training: TrainingTrust, user: User, **body: object) -> Any:
    defaults = {"go_live": training.go_live.pk, "kind": "exclude", "reason": "Long-term leave"}
    return _client(user).post(
        f"{API}/scope-changes/", {**defaults, **body}, content_type="application/json"
    )


def test_a_training_lead_excludes_someone_by_staff_number_and_the_reason_loses_nhs_numbers(
    training: TrainingTrust,
) -> None:
    t = training.trust

    response = _change(
        training,
        training.lead,
        staff_number=t.staff_b.staff_number,
        reason="Off sick, see patient 943 476 5919",
    )
    people = _client(training.lead).get(f"{API}/go-lives/{training.go_live.pk}/people/").json()

    assert response.status_code == 201
    body = response.json()
    assert (body["staff_number"], body["kind"]) == (t.staff_b.staff_number, "exclude")
    assert "943 476 5919" not in ScopeChange.objects.get().reason
    assert [row["full_name"] for row in people["results"]] == ["Alice Ward-A"]


def test_an_unknown_staff_number_or_kind_is_a_field_error(training: TrainingTrust) -> None:
    unknown = _change(training, training.lead, staff_number="NOPE")
    bad_kind = _change(
        training, training.lead, staff_number=training.trust.staff_a.staff_number, kind="maybe"
    )

    assert unknown.status_code == 400
    assert unknown.json()["field_errors"][0]["field"] == "staff_number"
    assert bad_kind.status_code == 400
    assert bad_kind.json()["field_errors"] == [
        {"field": "kind", "code": "invalid_choice", "message": "Add or exclude."}
    ]
    assert not ScopeChange.objects.exists()


def test_an_area_training_lead_or_a_ward_manager_cannot_change_the_scope_over_the_api(
    training: TrainingTrust,
) -> None:
    t = training.trust
    area_lead = f.UserFactory(username="area-lead")
    f.grant(area_lead, Role.TRAINING_LEAD, t.programme, [t.ward_a])

    refused = [
        _change(training, user, staff_number=t.staff_a.staff_number).status_code
        for user in (area_lead, t.ward_manager, t.executive)
    ]

    assert refused == [403, 403, 403]
    assert not ScopeChange.objects.exists()


def test_an_area_training_lead_cannot_tell_from_the_refusal_whether_a_staff_number_exists(
    training: TrainingTrust,
) -> None:
    t = training.trust
    area_lead = f.UserFactory(username="area-lead")
    f.grant(area_lead, Role.TRAINING_LEAD, t.programme, [t.ward_a])

    existing = _change(training, area_lead, staff_number=t.staff_c.staff_number)
    unknown = _change(training, area_lead, staff_number="N999999")

    assert existing.status_code == unknown.status_code == 403
    assert existing.json() == unknown.json()
    assert not ScopeChange.objects.exists()


def test_scope_changes_are_listed_only_for_staff_the_caller_may_see(
    training: TrainingTrust,
) -> None:
    t = training.trust
    for member in (t.staff_a, t.staff_b):
        ScopeChange.objects.create(
            go_live=training.go_live, staff=member, kind="exclude", reason="Leave"
        )

    lead = _client(training.lead).get(f"{API}/scope-changes/").json()["results"]
    ward = _client(t.ward_manager).get(f"{API}/scope-changes/").json()["results"]
    executive = _client(t.executive).get(f"{API}/scope-changes/").json()["results"]

    assert sorted(row["full_name"] for row in lead) == ["Alice Ward-A", "Bob Ward-B"]
    assert [row["full_name"] for row in ward] == ["Alice Ward-A"]
    assert executive == []


def test_a_scope_change_is_undone_by_a_training_lead_but_not_an_area_lead(
    training: TrainingTrust,
) -> None:
    t = training.trust
    change = ScopeChange.objects.create(
        go_live=training.go_live, staff=t.staff_a, kind="exclude", reason="Leave"
    )
    area_lead = f.UserFactory(username="area-lead")
    f.grant(area_lead, Role.TRAINING_LEAD, t.programme, [t.ward_a])

    refused = _client(area_lead).delete(f"{API}/scope-changes/{change.pk}/")
    undone = _client(training.lead).delete(f"{API}/scope-changes/{change.pk}/")

    assert (refused.status_code, undone.status_code) == (403, 204)
    assert not ScopeChange.objects.exists()


def _check(user: User, **body: object) -> Any:
    return _client(user).post(f"{API}/confidence-checks/", body, content_type="application/json")


def test_a_ward_manager_records_an_anonymous_check_for_their_own_area_only(
    training: TrainingTrust,
) -> None:
    t = training.trust
    go_live = training.go_live.pk

    own = _check(t.ward_manager, go_live=go_live, area=t.ward_a.pk, score=2,
                 worries=["no_time"], comment="Rota is full; 943 476 5919")  # fmt: skip
    other = _check(t.ward_manager, go_live=go_live, area=t.ward_b.pk, score=4)

    assert own.status_code == 201
    assert own.json()["named"] is False
    assert other.status_code == 400
    assert other.json()["field_errors"][0]["field"] == "area"
    saved = ConfidenceResponse.objects.get()
    assert (saved.area, saved.staff, saved.worries) == (t.ward_a, None, ["no_time"])
    assert "943 476 5919" not in saved.comment


def test_an_unknown_worry_or_a_score_out_of_range_is_a_field_error(
    training: TrainingTrust,
) -> None:
    t = training.trust
    body = {"go_live": training.go_live.pk, "area": t.ward_a.pk}

    worry = _check(t.ward_manager, **body, score=3, worries=["bored"])
    score = _check(t.ward_manager, **body, score=6)

    assert worry.json()["field_errors"][0]["field"] == "worries"
    assert score.json()["field_errors"][0]["field"] == "score"
    assert not ConfidenceResponse.objects.exists()


def test_an_executive_records_no_confidence_check_named_or_anonymous(
    training: TrainingTrust,
) -> None:
    # Executives read only, here as on the confidence page (golive.middleware).
    t = training.trust
    t.staff_a.user = t.executive
    t.staff_a.save(update_fields=["user"])
    body = {"go_live": training.go_live.pk, "area": t.ward_a.pk, "score": 3}

    anonymous = _check(t.executive, **body)
    named = _check(t.executive, **body, named=True)

    assert (anonymous.status_code, named.status_code) == (403, 403)
    assert not ConfidenceResponse.objects.exists()


def test_confidence_over_the_api_shows_an_area_once_it_reaches_the_minimum_group_size(
    training: TrainingTrust,
) -> None:
    t = training.trust
    url = f"{API}/go-lives/{training.go_live.pk}/confidence/"
    for score in (1, 2, 4, 5):
        ConfidenceResponse.objects.create(
            go_live=training.go_live, area=t.ward_a, score=score, worries=["no_time"],
            submitted_at=timezone.now(),
        )  # fmt: skip
    four = _client(training.lead).get(url).json()
    ConfidenceResponse.objects.create(
        go_live=training.go_live, area=t.ward_a, score=3, worries=["who_to_ask", "no_time"],
        submitted_at=timezone.now(),
    )  # fmt: skip

    five = _client(training.lead).get(url).json()

    assert four["min_group_size"] == 5
    assert four["by_area"][0]["suppressed"] is True
    assert four["by_area"][0]["worries"] == []
    assert five["by_area"] == [
        {"group": "Ward A (North Hospital)", "suppressed": False, "responses": 5, "mean": 3.0,
         "low_share": 0.4, "is_low": True,
         "worries": [{"worry": "no_time", "count": 5}, {"worry": "who_to_ask", "count": 1}]},
    ]  # fmt: skip


def test_a_ward_manager_gets_confidence_for_their_own_areas_only(
    training: TrainingTrust,
) -> None:
    t = training.trust
    for area in (t.ward_a, t.ward_b):
        for score in (3, 3, 3, 3, 3):
            ConfidenceResponse.objects.create(
                go_live=training.go_live, area=area, score=score, submitted_at=timezone.now()
            )

    body = _client(t.ward_manager).get(f"{API}/go-lives/{training.go_live.pk}/confidence/")

    assert [group["group"] for group in body.json()["by_area"]] == ["Ward A (North Hospital)"]


def test_the_schema_documents_scope_changes_and_confidence_checks_with_their_errors(
    training: TrainingTrust,
) -> None:
    schema = _client(training.lead).get("/api/schema/", {"format": "json"}).json()

    scope = schema["paths"]["/api/v1/training/scope-changes/"]["post"]
    undo = schema["paths"]["/api/v1/training/scope-changes/{id}/"]["delete"]
    check = schema["paths"]["/api/v1/training/confidence-checks/"]["post"]
    assert {"201", "400", "403"} <= set(scope["responses"])
    assert {"204", "403", "404"} <= set(undo["responses"])
    assert {"201", "400", "403"} <= set(check["responses"])
