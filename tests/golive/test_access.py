from __future__ import annotations

import pytest
from django.test import Client

from golive.access import CHAMPION_PEOPLE, READ_CAPABILITIES, Access, Capability
from golive.models import Role
from tests import factories as f
from tests.conftest import Trust


def test_ward_manager_sees_only_their_areas(trust: Trust) -> None:
    access = Access(trust.ward_manager)

    assert set(access.areas()) == {trust.ward_a}


def test_ward_manager_sees_only_staff_of_their_areas(trust: Trust) -> None:
    access = Access(trust.ward_manager)

    assert list(access.staff()) == [trust.staff_a]


def test_ward_manager_sees_only_go_lives_touching_their_areas(trust: Trust) -> None:
    only_b = f.GoLiveFactory(programme=trust.programme, name="B only", areas=[trust.ward_b])

    visible = set(Access(trust.ward_manager).go_lives())

    assert visible == {trust.wave_1, trust.wave_2}
    assert only_b not in visible


def test_ward_manager_may_edit_readiness_only_in_their_area(trust: Trust) -> None:
    access = Access(trust.ward_manager)

    assert access.has(Capability.EDIT_READINESS, area=trust.ward_a)
    assert not access.has(Capability.EDIT_READINESS, area=trust.ward_b)


def test_programme_manager_sees_every_area_of_the_trust(trust: Trust) -> None:
    access = Access(trust.programme_manager)

    assert set(access.areas()) == {trust.ward_a, trust.ward_b, trust.ward_c}


def test_programme_wide_grant_does_not_reach_another_trusts_areas(trust: Trust) -> None:
    other_area = f.AreaFactory()

    assert other_area not in set(Access(trust.programme_manager).areas())


def test_executive_reads_every_section_but_peoples_names_and_changes_nothing(
    trust: Trust,
) -> None:
    access = Access(trust.executive)

    assert access.is_read_only
    held = {capability for capability in Capability if access.has(capability)}
    names = {Capability.VIEW_STAFF, Capability.VIEW_AUDIT, *CHAMPION_PEOPLE}
    assert held == READ_CAPABILITIES - names


def test_executive_cannot_see_staff_names(trust: Trust) -> None:
    assert not Access(trust.executive).staff().exists()


def test_user_without_grants_sees_nothing(trust: Trust) -> None:
    access = Access(trust.outsider)

    assert not access.areas().exists()
    assert not access.go_lives().exists()
    assert not access.staff().exists()


def test_superuser_sees_everything(trust: Trust) -> None:
    admin = f.UserFactory(is_superuser=True)

    assert Access(admin).areas().count() == 3


def test_filter_by_area_scopes_any_queryset(trust: Trust) -> None:
    from golive.models import StaffMember  # noqa: PLC0415

    scoped = Access(trust.ward_manager).filter_by_area(
        StaffMember.objects.all(), area_field="areas", capability=Capability.VIEW_STAFF
    )

    assert list(scoped) == [trust.staff_a]


@pytest.mark.parametrize(
    "path", ["/", "/staff/", "/staff/export.csv", "/readiness/", "/training/", "/admin/"]
)
def test_anonymous_visitor_is_sent_to_sign_in(client: Client, db: None, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("path", ["/api/v1/areas/", "/api/v1/staff/", "/api/schema/", "/api/docs/"])
def test_anonymous_api_caller_is_refused(client: Client, db: None, path: str) -> None:
    assert client.get(path).status_code == 403


def test_staff_on_two_visible_wards_are_listed_once(trust: Trust) -> None:
    from golive.models import StaffMember  # noqa: PLC0415

    trust.staff_a.areas.add(trust.ward_b)

    scoped = Access(trust.programme_manager).filter_by_area(
        StaffMember.objects.all(), area_field="areas", capability=Capability.VIEW_STAFF
    )

    assert sorted(member.full_name for member in scoped) == [
        "Alice Ward-A",
        "Bob Ward-B",
        "Carol Ward-C",
    ]


def test_area_grant_naming_another_trusts_area_gives_nothing(trust: Trust) -> None:
    foreign = f.AreaFactory()
    user = f.UserFactory()
    f.grant(user, Role.WARD_MANAGER, trust.programme, [foreign])

    access = Access(user)

    assert not access.areas().exists()
    assert not access.has(Capability.EDIT_READINESS, area=foreign)


@pytest.mark.parametrize(
    ("role", "sections"),
    [
        (Role.EXECUTIVE, {"Home", "Readiness", "Training", "Service desk", "Adoption"}),
        (Role.CHAMPION, {"Home", "Training", "Service desk"}),
        (Role.SERVICE_DESK_AGENT, {"Home", "Service desk"}),
        (Role.TRAINING_LEAD, {"Home", "Training", "Service desk", "Adoption", "Staff"}),
        (
            Role.PROGRAMME_MANAGER,
            {
                "Home",
                "Readiness",
                "Training",
                "Service desk",
                "Adoption",
                "Staff",
                "Set-up",
                "Audit trail",
            },
        ),
        (
            Role.CLINICAL_SAFETY_OFFICER,
            {"Home", "Readiness", "Service desk", "Adoption", "Audit trail"},
        ),
    ],
)
def test_navigation_shows_the_sections_of_the_users_role(
    client: Client, trust: Trust, role: Role, sections: set[str]
) -> None:
    user = f.UserFactory()
    f.grant(user, role, trust.programme)
    client.force_login(user)

    response = client.get("/")

    # Every role sees Champions (rosters and coverage), added by the champions app.
    assert {item["label"] for item in response.context["nav_items"]} == sections | {"Champions"}
