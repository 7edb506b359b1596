from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.utils import timezone

from golive.models import Role, WorkerHeartbeat
from golive.navigation import SESSION_GO_LIVE_KEY
from tests import factories as f
from tests.conftest import Trust


def test_home_shows_the_next_go_live_by_default(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    response = client.get("/")

    assert response.status_code == 200
    assert response.context["summary"].go_live == trust.wave_1
    assert response.context["summary"].areas_in_scope == 2


def test_home_counts_only_the_ward_managers_areas(client: Client, trust: Trust) -> None:
    client.force_login(trust.ward_manager)

    summary = client.get("/").context["summary"]

    assert summary.areas_in_scope == 1
    assert summary.staff_in_scope == 1
    assert summary.is_whole_scope is False


def test_user_without_roles_is_told_how_to_get_access(client: Client, trust: Trust) -> None:
    client.force_login(trust.outsider)

    response = client.get("/", follow=True)

    assert response.redirect_chain == [("/access/request/", 302)]
    assert "You are signed in, but you have no role" in response.content.decode()


def test_switching_go_live_changes_what_home_shows(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    response = client.post("/go-live/switch/", {"go_live": trust.wave_2.pk, "next": "/training/"})

    assert response.status_code == 302
    assert response["Location"] == "/training/"
    assert client.get("/").context["summary"].go_live == trust.wave_2


def test_switcher_refuses_a_go_live_the_user_cannot_see(client: Client, trust: Trust) -> None:
    hidden = f.GoLiveFactory(programme=trust.programme, name="Hidden", areas=[trust.ward_b])
    client.force_login(trust.ward_manager)

    response = client.post("/go-live/switch/", {"go_live": hidden.pk})

    assert response.status_code == 200
    assert "Choose a go-live from the list." in response.content.decode()
    assert SESSION_GO_LIVE_KEY not in client.session


def test_switcher_never_redirects_off_site(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    response = client.post(
        "/go-live/switch/", {"go_live": trust.wave_2.pk, "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_switcher_requires_a_csrf_token(trust: Trust) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(trust.programme_manager)

    response = client.post("/go-live/switch/", {"go_live": trust.wave_2.pk})

    assert response.status_code == 403


def test_ward_manager_staff_list_shows_only_their_wards_staff(client: Client, trust: Trust) -> None:
    client.force_login(trust.ward_manager)

    response = client.get("/staff/")

    assert [member.full_name for member in response.context["page"]] == ["Alice Ward-A"]
    assert "Bob Ward-B" not in response.content.decode()


def test_staff_list_filters_by_role_group(client: Client, trust: Trust) -> None:
    f.StaffMemberFactory(
        organisation=trust.organisation,
        full_name="Dr Ward-A",
        role_group="medical",
        areas=[trust.ward_a],
    )
    client.force_login(trust.programme_manager)

    response = client.get("/staff/", {"role_group": "medical"})

    assert [member.full_name for member in response.context["page"]] == ["Dr Ward-A"]


def test_staff_list_returns_only_the_results_fragment_to_htmx(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    response = client.get("/staff/", {"q": "Bob"}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert "Bob Ward-B" in body
    assert "<html" not in body


def test_executive_cannot_open_the_staff_list(client: Client, trust: Trust) -> None:
    client.force_login(trust.executive)

    assert client.get("/staff/").status_code == 403
    assert client.get("/staff/export.csv").status_code == 403


def test_staff_export_is_scoped_and_formula_escaped(client: Client, trust: Trust) -> None:
    f.StaffMemberFactory(
        organisation=trust.organisation,
        full_name='=HYPERLINK("http://x")',
        areas=[trust.ward_a],
    )
    client.force_login(trust.ward_manager)

    response = client.get("/staff/export.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    names = [row[1] for row in rows[1:]]
    assert response["Content-Type"].startswith("text/csv")
    assert sorted(names) == ['\'=HYPERLINK("http://x")', "Alice Ward-A"]


@pytest.mark.parametrize("section", ["readiness", "training", "adoption", "support"])
def test_each_section_home_opens_for_a_programme_manager(
    client: Client, trust: Trust, section: str
) -> None:
    client.force_login(trust.programme_manager)

    response = client.get(f"/{section}/")

    assert response.status_code == 200


def test_champion_cannot_open_readiness(client: Client, trust: Trust) -> None:
    client.force_login(trust.champion)

    assert client.get("/readiness/").status_code == 403


def test_readiness_lists_only_the_ward_managers_areas(client: Client, trust: Trust) -> None:
    client.force_login(trust.ward_manager)

    response = client.get("/readiness/")

    areas = [area for _, site_areas in response.context["sites"] for area in site_areas]
    assert areas == [trust.ward_a]


def test_signed_in_pages_are_not_cached(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_liveness_answers_without_signing_in(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_probe_fails_without_a_worker_heartbeat(client: Client, db: None) -> None:
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False


def test_readiness_probe_fails_when_the_heartbeat_is_stale(
    client: Client, db: None, settings: object
) -> None:
    WorkerHeartbeat.objects.create(
        name="worker", beat_at=timezone.now() - timezone.timedelta(minutes=10)
    )

    response = client.get("/readyz")

    assert response.status_code == 503
    assert "last heartbeat" in response.json()["checks"]["worker"]["detail"]


def test_readiness_probe_passes_with_database_broker_and_fresh_heartbeat(
    client: Client, db: None
) -> None:
    WorkerHeartbeat.objects.create(name="worker", beat_at=timezone.now())

    response = client.get("/readyz")

    assert response.json()["checks"]["database"]["ok"] is True
    assert response.json()["checks"]["broker"]["ok"] is True
    assert response.status_code == 200


def test_administrator_role_grant_gives_every_section(client: Client, trust: Trust) -> None:
    admin = f.UserFactory()
    f.grant(admin, Role.ADMINISTRATOR, trust.programme)
    client.force_login(admin)

    labels = {item["label"] for item in client.get("/").context["nav_items"]}

    assert labels == {
        "Home",
        "Readiness",
        "Training",
        "Champions",
        "Service desk",
        "Adoption",
        "Staff",
        "Audit trail",
        "Set-up",
    }


def test_navigation_marks_only_the_current_section(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    items = client.get("/training/").context["nav_items"]

    assert [item["label"] for item in items if item["active"]] == ["Training"]


def test_adoption_counts_only_areas_the_user_may_see(client: Client, trust: Trust) -> None:
    client.force_login(trust.ward_manager)

    go_lives = client.get("/adoption/").context["go_lives"]

    assert {g.name: g.area_count for g in go_lives} == {"Wave 1": 1, "Wave 2": 1}
