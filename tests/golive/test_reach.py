"""One reach per role: the pages, the API, the navigation and the links rendered in templates
all follow golive.access.ROLE_READS through golive.navigation.SECTIONS."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from golive.models import Role, User
from golive.navigation import section_of
from tests import factories as f
from tests.conftest import Trust
from training.models import TrainingAlert


def _user_with(role: Role, trust: Trust, areas: tuple[object, ...] = ()) -> User:
    user = f.UserFactory()
    f.grant(user, role, trust.programme, list(areas))  # type: ignore[arg-type]
    return user


@pytest.mark.parametrize(
    ("route", "section"),
    [
        ("readiness:board", "readiness"),
        ("readiness-hazard-list", "readiness"),
        ("readiness:command", "command"),
        ("readiness:sitrep", "command"),
        ("readiness-cell-list", "command"),
        ("staff-list", "staff"),
        ("shift-assignment-list", "champions"),
        ("api-comparison", "adoption"),
        ("home", "home"),
    ],
)
def test_a_route_belongs_to_the_section_its_longest_name_or_prefix_names(
    route: str, section: str
) -> None:
    found = section_of(route)

    assert found is not None
    assert found.key == section


def test_signing_in_belongs_to_no_section() -> None:
    assert section_of("login") is None


def test_service_desk_agent_is_refused_the_readiness_api_as_it_is_the_readiness_pages(
    client: Client, trust: Trust
) -> None:
    client.force_login(_user_with(Role.SERVICE_DESK_AGENT, trust))

    assert client.get("/readiness/").status_code == 403
    assert client.get("/api/v1/readiness/criteria/").status_code == 403
    assert client.get("/api/v1/readiness/hazards/").status_code == 403


def test_service_desk_agent_still_reaches_the_desk_and_champions_over_the_api(
    client: Client, trust: Trust
) -> None:
    client.force_login(_user_with(Role.SERVICE_DESK_AGENT, trust))

    assert client.get("/api/v1/tickets/").status_code == 200
    assert client.get("/api/v1/designations/").status_code == 200


def test_ward_manager_is_shown_no_command_and_control_tab_and_is_refused_the_page(
    client: Client, trust: Trust
) -> None:
    client.force_login(trust.ward_manager)

    page = client.get("/readiness/").content.decode()

    assert "/readiness/command/" not in page
    assert client.get("/readiness/command/").status_code == 403


def test_programme_manager_is_shown_the_command_and_control_tab(
    client: Client, trust: Trust
) -> None:
    client.force_login(trust.programme_manager)

    page = client.get("/readiness/").content.decode()

    assert 'href="/readiness/command/"' in page


def test_chair_of_some_areas_is_shown_no_command_tab_as_the_page_covers_every_area(
    client: Client, trust: Trust
) -> None:
    client.force_login(_user_with(Role.READINESS_CHAIR, trust, (trust.ward_a,)))

    page = client.get("/readiness/").content.decode()

    assert "/readiness/command/" not in page
    assert client.get("/readiness/command/").status_code == 403


@pytest.mark.parametrize(
    ("role", "linked"),
    [
        (Role.SERVICE_DESK_AGENT, False),
        (Role.CLINICAL_SAFETY_OFFICER, False),
        (Role.TRAINING_LEAD, True),
        (Role.EXECUTIVE, True),
    ],
)
def test_home_links_to_the_training_trajectory_only_for_roles_that_reach_training(
    client: Client, trust: Trust, role: Role, linked: bool
) -> None:
    now = timezone.now()
    TrainingAlert.objects.create(
        go_live=trust.wave_1,
        kind=TrainingAlert.Kind.BEHIND_PLAN,
        message="Behind plan by 40 staff.",
        raised_at=now,
        updated_at=now,
    )
    client.force_login(_user_with(role, trust))

    page = client.get("/").content.decode()

    assert "Behind plan by 40 staff." in page
    assert ('href="/training/"' in page) is linked
