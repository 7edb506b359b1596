from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management import call_command
from django.test import Client

from champions import services
from champions.models import Assignment, Designation
from golive.access import Access
from tests.champions.conftest import Champions
from tests.conftest import Trust

Kind = Designation.Kind


def test_ward_manager_lists_only_their_areas_designations(
    client: Client, trust: Trust, champions: Champions
) -> None:
    mine = champions.designate(trust.staff_a, trust.ward_a)
    champions.designate(trust.staff_b, trust.ward_b)
    client.force_login(trust.ward_manager)

    body = client.get("/api/v1/designations/").json()

    assert [row["id"] for row in body["results"]] == [mine.pk]
    assert body["results"][0]["counts"] is True


def test_champion_sees_designations_of_their_own_areas(
    client: Client, trust: Trust, champions: Champions
) -> None:
    champions.designate(trust.staff_a, trust.ward_a)
    champions.designate(trust.staff_b, trust.ward_b)
    client.force_login(trust.champion)

    body = client.get("/api/v1/designations/").json()

    assert [row["staff_name"] for row in body["results"]] == ["Alice Ward-A"]


def test_designations_filter_by_role(client: Client, trust: Trust, champions: Champions) -> None:
    champions.designate(trust.staff_a, trust.ward_a)
    walker = champions.designate(trust.staff_b, trust.ward_b, kind=Kind.FLOORWALKER)
    client.force_login(trust.programme_manager)

    body = client.get("/api/v1/designations/", {"role": "floorwalker"}).json()

    assert [row["id"] for row in body["results"]] == [walker.pk]


def test_ward_manager_nominates_over_the_api(client: Client, trust: Trust) -> None:
    client.force_login(trust.ward_manager)

    response = client.post(
        "/api/v1/designations/",
        {
            "go_live": trust.wave_1.pk,
            "area": trust.ward_a.pk,
            "staff": trust.staff_a.pk,
            "role": "super_user",
            "systems_confidence": 4,
            "leadership": 3,
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response.json()["status"] == "nominated"
    assert response.json()["counts"] is False


def test_nomination_in_another_area_is_refused_as_unknown(client: Client, trust: Trust) -> None:
    client.force_login(trust.ward_manager)

    response = client.post(
        "/api/v1/designations/",
        {
            "go_live": trust.wave_1.pk,
            "area": trust.ward_b.pk,
            "staff": trust.staff_b.pk,
            "role": "super_user",
            "systems_confidence": 4,
            "leadership": 3,
        },
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["field_errors"][0]["field"] == "area"


def test_bad_scores_come_back_as_field_errors(client: Client, trust: Trust) -> None:
    client.force_login(trust.ward_manager)

    response = client.post(
        "/api/v1/designations/",
        {
            "go_live": trust.wave_1.pk,
            "area": trust.ward_a.pk,
            "staff": trust.staff_a.pk,
            "role": "boss",
            "systems_confidence": 9,
            "leadership": 0,
        },
        content_type="application/json",
    )

    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "invalid"
    assert {error["field"] for error in body["field_errors"]} == {
        "role",
        "systems_confidence",
        "leadership",
    }


def test_executive_cannot_nominate_over_the_api(client: Client, trust: Trust) -> None:
    client.force_login(trust.executive)

    response = client.post(
        "/api/v1/designations/",
        {
            "go_live": trust.wave_1.pk,
            "area": trust.ward_a.pk,
            "staff": trust.staff_a.pk,
            "role": "super_user",
            "systems_confidence": 4,
            "leadership": 3,
        },
        content_type="application/json",
    )

    assert response.status_code == 403
    assert set(response.json()) == {"code", "message"}


def test_accept_and_withdraw_over_the_api(
    client: Client, trust: Trust, champions: Champions
) -> None:
    designation = champions.designate(trust.staff_a, trust.ward_a, status="nominated")
    client.force_login(trust.ward_manager)

    accepted = client.post(f"/api/v1/designations/{designation.pk}/accept/")
    again = client.post(f"/api/v1/designations/{designation.pk}/accept/")
    withdrawn = client.post(
        f"/api/v1/designations/{designation.pk}/withdraw/",
        {"reason": "Left the trust"},
        content_type="application/json",
    )

    assert accepted.json()["status"] == "agreed"
    assert (again.status_code, again.json()["code"]) == (409, "not_nominated")
    assert withdrawn.json()["status"] == "withdrawn"


def test_rostering_an_untrained_super_user_is_a_conflict_with_the_rule_code(
    client: Client, trust: Trust, champions: Champions
) -> None:
    shift = champions.shift(trust.ward_a)
    designation = champions.designate(trust.staff_a, trust.ward_a, kind=Kind.SUPER_USER)
    client.force_login(trust.ward_manager)

    response = client.post(
        "/api/v1/shift-assignments/",
        {"shift": shift.pk, "designation": designation.pk},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json() == {
        "code": "untrained",
        "message": "Alice Ward-A has not completed super-user training, so cannot be "
        "rostered as a super user.",
    }


def test_rostering_and_unrostering_over_the_api(
    client: Client, trust: Trust, champions: Champions
) -> None:
    shift = champions.shift(trust.ward_a)
    designation = champions.designate(trust.staff_a, trust.ward_a)
    client.force_login(trust.ward_manager)

    created = client.post(
        "/api/v1/shift-assignments/",
        {"shift": shift.pk, "designation": designation.pk},
        content_type="application/json",
    )
    listed = client.get("/api/v1/shifts/", {"area": trust.ward_a.pk}).json()
    removed = client.delete(f"/api/v1/shift-assignments/{created.json()['id']}/")

    assert created.status_code == 201
    assert listed["results"][0]["rostered"][0]["staff_name"] == "Alice Ward-A"
    assert removed.status_code == 204
    assert Assignment.objects.get().status == "cancelled"


def test_ward_manager_cannot_see_or_roster_another_areas_shifts(
    client: Client, trust: Trust, champions: Champions
) -> None:
    shift = champions.shift(trust.ward_b)
    designation = champions.designate(trust.staff_b, trust.ward_b)
    client.force_login(trust.ward_manager)

    listed = client.get("/api/v1/shifts/").json()
    response = client.post(
        "/api/v1/shift-assignments/",
        {"shift": shift.pk, "designation": designation.pk},
        content_type="application/json",
    )

    assert listed["results"] == []
    assert response.status_code == 400
    assert response.json()["field_errors"][0]["field"] == "shift"
    assert not Assignment.objects.exists()


def test_champion_cannot_roster_over_the_api(
    client: Client, trust: Trust, champions: Champions
) -> None:
    shift = champions.shift(trust.ward_a)
    designation = champions.designate(trust.staff_a, trust.ward_a)
    client.force_login(trust.champion)

    response = client.post(
        "/api/v1/shift-assignments/",
        {"shift": shift.pk, "designation": designation.pk},
        content_type="application/json",
    )

    assert response.status_code == 403


def test_coverage_over_the_api_is_scoped_to_the_callers_areas(
    client: Client, trust: Trust, champions: Champions
) -> None:
    champions.shift(trust.ward_a, planned_staff=12)
    champions.shift(trust.ward_b, planned_staff=30)
    client.force_login(trust.ward_manager)

    body = client.get("/api/v1/coverage/", {"go_live": trust.wave_1.pk}).json()

    assert (body["shifts_total"], body["supporters_needed"], body["supporters_missing"]) == (
        1,
        2,
        2,
    )
    assert body["cells"][0]["area_name"] == "Ward A"
    assert body["cells"][0]["covered"] is False


def test_coverage_period_filter_uses_local_days(
    client: Client, trust: Trust, champions: Champions
) -> None:
    day = champions.go_live_day
    champions.shift(trust.ward_a)
    champions.shift(trust.ward_a, day=day + dt.timedelta(days=1))
    client.force_login(trust.executive)

    body = client.get(
        "/api/v1/coverage/",
        {"go_live": trust.wave_1.pk, "day_from": day.isoformat(), "day_to": day.isoformat()},
    ).json()

    assert body["shifts_total"] == 1


def test_coverage_needs_a_go_live(client: Client, trust: Trust) -> None:
    client.force_login(trust.executive)

    response = client.get("/api/v1/coverage/")

    assert response.status_code == 400
    assert response.json()["field_errors"][0]["field"] == "go_live"


def test_schema_documents_the_champions_endpoints_and_rule_errors(
    client: Client, trust: Trust
) -> None:
    client.force_login(trust.programme_manager)

    schema = client.get("/api/schema/", {"format": "json"}).json()

    create = schema["paths"]["/api/v1/shift-assignments/"]["post"]
    assert {"201", "400", "403", "409"} <= set(create["responses"])
    assert "other_area" in create["responses"]["400"]["description"]
    assert "untrained" in create["responses"]["409"]["description"]
    assert "/api/v1/coverage/" in schema["paths"]


def test_schema_generates_without_warnings(db: None, tmp_path: Path) -> None:
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "s.yml"))

    assert "/api/v1/designations/{id}/accept/" in (tmp_path / "s.yml").read_text()


def _rostered(trust: Trust, champions: Champions, staff: object, shift: object) -> Assignment:
    return services.assign_to_shift(
        access=Access(trust.ward_manager),
        user=trust.ward_manager,
        shift=shift,  # type: ignore[arg-type]
        designation=champions.designate(staff, trust.ward_a),  # type: ignore[arg-type]
    )


def test_cover_is_requested_and_accepted_over_the_api(
    client: Client, trust: Trust, champions: Champions
) -> None:
    shift = champions.shift(trust.ward_a)
    original = _rostered(trust, champions, trust.staff_a, shift)
    coverer = champions.designate(champions.staff("Dan Cover", trust.ward_a), trust.ward_a)
    client.force_login(trust.ward_manager)

    created = client.post(
        "/api/v1/cover-requests/",
        {"assignment": original.pk, "reason": "Sick"},
        content_type="application/json",
    )
    missing = client.post(f"/api/v1/cover-requests/{created.json()['id']}/accept/")
    accepted = client.post(
        f"/api/v1/cover-requests/{created.json()['id']}/accept/",
        {"designation": coverer.pk},
        content_type="application/json",
    )

    assert created.status_code == 201
    assert created.json()["request_type"] == "cover"
    assert missing.json()["field_errors"][0]["field"] == "designation"
    assert accepted.json()["status"] == "accepted"
    assert Assignment.objects.get(status="active").staff.full_name == "Dan Cover"


def test_a_swap_that_would_double_book_is_refused_over_the_api(
    client: Client, trust: Trust, champions: Champions
) -> None:
    early = champions.shift(trust.ward_a)
    late = champions.shift(trust.ward_a, name="Late", start=dt.time(15), end=dt.time(23))
    evening = champions.shift(trust.ward_a, name="Evening", start=dt.time(16), end=dt.time(23))
    on_early = _rostered(trust, champions, trust.staff_a, early)
    services.assign_to_shift(  # Alice also works the evening, which overlaps the late
        access=Access(trust.ward_manager),
        user=trust.ward_manager,
        shift=evening,
        designation=on_early.designation,
    )
    erin_late = _rostered(trust, champions, champions.staff("Erin Swap", trust.ward_a), late)
    client.force_login(trust.ward_manager)
    created = client.post(
        "/api/v1/cover-requests/",
        {"assignment": on_early.pk, "swap_with": erin_late.pk},
        content_type="application/json",
    )

    accepted = client.post(f"/api/v1/cover-requests/{created.json()['id']}/accept/")

    assert created.json()["request_type"] == "swap"
    assert (accepted.status_code, accepted.json()["code"]) == (409, "double_booked")
    assert Assignment.objects.filter(status="active").count() == 3


def test_designations_filter_by_go_live_includes_programme_wide_roles(
    client: Client, trust: Trust, champions: Champions
) -> None:
    wave_1 = champions.designate(trust.staff_a, trust.ward_a)
    wave_2_only = champions.designate(trust.staff_c, trust.ward_c, go_live=trust.wave_2)
    everywhere = champions.designate(trust.staff_a, trust.ward_a, kind=Kind.FLOORWALKER)
    everywhere.go_live = None
    everywhere.save()
    client.force_login(trust.programme_manager)

    body = client.get("/api/v1/designations/", {"go_live": trust.wave_2.pk}).json()

    assert {row["id"] for row in body["results"]} == {wave_2_only.pk, everywhere.pk}
    assert wave_1.pk not in {row["id"] for row in body["results"]}


def test_staff_numbers_are_left_out_for_callers_who_may_not_see_staff_data(
    client: Client, trust: Trust, champions: Champions
) -> None:
    champions.designate(trust.staff_a, trust.ward_a)
    client.force_login(trust.champion)  # sees colleagues' names, not staff data

    row = client.get("/api/v1/designations/").json()["results"][0]

    assert row["staff_name"] == "Alice Ward-A"
    assert "staff_number" not in row
