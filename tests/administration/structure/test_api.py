"""Programme set-up over the API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from golive.models import Area, GoLive, Programme, Release, Role, Site
from tests.factories import GoLiveFactory, ReleaseFactory, UserFactory, grant

from .conftest import Trust, client_for

pytestmark = pytest.mark.django_db


def test_a_programme_manager_creates_an_area_over_the_api(trust: Trust) -> None:
    response = client_for(trust.pm).post(
        "/api/v1/areas/",
        {"site": trust.site.pk, "code": "W8", "name": "Ward 8", "area_type": "ward"},
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["site_id"] == trust.site.pk
    assert Area.objects.filter(site=trust.site, code="W8").exists()


def test_a_programme_manager_cannot_create_an_area_in_another_trust(
    trust: Trust, other_trust: Trust
) -> None:
    response = client_for(trust.pm).post(
        "/api/v1/areas/",
        {"site": other_trust.site.pk, "code": "W8", "name": "Ward 8"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["field_errors"][0]["field"] == "site"
    assert not Area.objects.filter(code="W8").exists()


def test_a_programme_manager_cannot_create_a_go_live_in_another_programme(
    trust: Trust, other_trust: Trust
) -> None:
    response = client_for(trust.pm).post(
        "/api/v1/go-lives/",
        {"programme": other_trust.programme.pk, "name": "Sneaky", "approach": "phased",
         "user_go_live_date": "2027-01-01"},
        content_type="application/json",
    )  # fmt: skip

    assert response.status_code == 400
    assert not GoLive.objects.filter(name="Sneaky").exists()


def test_a_go_live_is_created_over_the_api_with_its_scope(trust: Trust) -> None:
    response = client_for(trust.pm).post(
        "/api/v1/go-lives/",
        {"programme": trust.programme.pk, "name": "Wave 5", "approach": "modular",
         "user_go_live_date": "2027-01-10", "stabilisation_ends_on": "2027-02-10",
         "scope_note": "Adults only", "area_ids": [trust.area.pk]},
        content_type="application/json",
    )  # fmt: skip

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["area_ids"], body["scope_note"]) == ([trust.area.pk], "Adults only")


def test_go_live_dates_out_of_order_are_field_errors_over_the_api(trust: Trust) -> None:
    response = client_for(trust.pm).post(
        "/api/v1/go-lives/",
        {"programme": trust.programme.pk, "name": "Wave 5", "approach": "phased",
         "user_go_live_date": "2027-01-10", "technical_go_live_date": "2027-01-20"},
        content_type="application/json",
    )  # fmt: skip

    assert response.status_code == 400
    errors = response.json()["field_errors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("technical_go_live_date", "technical_after_user")
    ]


@pytest.mark.parametrize(
    ("url", "payload"),
    [
        ("/api/v1/areas/", {"site": 0, "code": "W8", "name": "Ward 8"}),
        ("/api/v1/sites/", {"code": "X", "name": "X"}),
        ("/api/v1/releases/", {"go_live": 0, "name": "R"}),
    ],
)
def test_an_executive_is_refused_every_set_up_write(trust: Trust, url: str, payload: dict) -> None:
    response = client_for(trust.executive).post(url, payload, content_type="application/json")

    assert response.status_code == 403


def test_a_ward_manager_reads_areas_but_cannot_retire_one(trust: Trust) -> None:
    client = client_for(trust.ward_manager)

    listed = client.get("/api/v1/areas/")
    refused = client.post(f"/api/v1/areas/{trust.area.pk}/retire/", {"reason": "x"})

    assert [a["id"] for a in listed.json()["results"]] == [trust.area.pk]
    assert refused.status_code == 403


def test_retiring_over_the_api_needs_a_reason_and_then_keeps_it(trust: Trust) -> None:
    client = client_for(trust.pm)
    url = f"/api/v1/areas/{trust.area.pk}/retire/"

    missing = client.post(url, {}, content_type="application/json")
    done = client.post(url, {"reason": "Merged"}, content_type="application/json")
    again = client.post(url, {"reason": "Merged"}, content_type="application/json")

    assert missing.status_code == 400
    assert done.status_code == 200
    assert done.json()["is_active"] is False
    assert again.status_code == 409
    assert again.json()["code"] == "already_retired"
    assert Area.objects.get(pk=trust.area.pk).history.latest().history_change_reason == "Merged"


def test_every_role_reads_programmes_but_only_administrators_create_them(trust: Trust) -> None:
    executive = client_for(trust.executive)
    pm = client_for(trust.pm)
    admin = UserFactory()
    grant(admin, Role.ADMINISTRATOR, trust.programme)

    listed = executive.get("/api/v1/programmes/")
    refused = pm.post("/api/v1/programmes/", {"name": "Phase 2"}, content_type="application/json")
    created = client_for(admin).post(
        "/api/v1/programmes/", {"name": "Phase 2"}, content_type="application/json"
    )

    assert [p["id"] for p in listed.json()["results"]] == [trust.programme.pk]
    assert refused.status_code == 403
    assert created.status_code == 201
    assert Programme.objects.filter(
        name="Phase 2", organisation=trust.programme.organisation
    ).exists()


def test_sites_and_releases_are_created_edited_and_deleted_over_the_api(trust: Trust) -> None:
    client = client_for(trust.pm)
    go_live = GoLiveFactory(programme=trust.programme)

    site = client.post(
        "/api/v1/sites/", {"code": "RCH", "name": "Riverside"}, content_type="application/json"
    )
    release = client.post(
        "/api/v1/releases/", {"go_live": go_live.pk, "name": "PAS", "planned_date": "2027-01-01"},
        content_type="application/json",
    )  # fmt: skip
    edited = client.put(
        f"/api/v1/releases/{release.json()['id']}/", {"name": "PAS", "version": "2"},
        content_type="application/json",
    )  # fmt: skip
    deleted = client.delete(f"/api/v1/releases/{release.json()['id']}/")

    assert site.status_code == 201
    assert Site.objects.filter(code="RCH").exists()
    assert release.status_code == 201
    assert edited.json()["version"] == "2"
    assert deleted.status_code == 204
    assert not Release.objects.filter(go_live=go_live).exists()


def test_releases_of_another_programme_are_hidden(trust: Trust, other_trust: Trust) -> None:
    release = ReleaseFactory(go_live__programme=other_trust.programme)

    response = client_for(trust.pm).get(f"/api/v1/releases/{release.pk}/")

    assert response.status_code == 404


CSV = "site_code,code,name,type\nNGH,W1,Ward One,ward\nNGH,W2,Ward 2,theatre\n"


def _bulk(trust: Trust, text: str, dry_run: str) -> object:
    return client_for(trust.pm).post(
        "/api/v1/areas/bulk/",
        {"file": SimpleUploadedFile("a.csv", text.encode()), "dry_run": dry_run},
    )


def test_a_bulk_dry_run_returns_the_plan_and_writes_nothing(trust: Trust) -> None:
    response = _bulk(trust, CSV, "true")

    assert response.status_code == 200
    assert response.json()["counts"] == {"create": 1, "update": 1, "unchanged": 0}
    assert Area.objects.count() == 1


def test_a_bulk_import_writes_every_line(trust: Trust) -> None:
    response = _bulk(trust, CSV, "false")

    assert response.status_code == 201
    assert sorted(Area.objects.values_list("code", "name")) == [
        ("W1", "Ward One"),
        ("W2", "Ward 2"),
    ]


def test_a_bulk_import_with_a_line_error_writes_nothing_and_names_the_line(trust: Trust) -> None:
    response = _bulk(trust, CSV + "ZZZ,W3,Ward 3,ward\n", "false")

    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "invalid_rows"
    assert body["field_errors"] == [
        {
            "field": "line 4.site_code",
            "code": "UNKNOWN_SITE",
            "message": "No site of this trust has this code.",
        }
    ]
    assert Area.objects.count() == 1


def test_a_bulk_file_refused_as_a_whole_answers_with_its_code(trust: Trust) -> None:
    response = _bulk(trust, "site_code,code\nNGH,W1\n", "true")

    assert response.status_code == 400
    assert response.json()["code"] == "HEADER_MISMATCH"
