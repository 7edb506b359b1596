"""The service desk's settings pages and services: categories, SLA targets and resolver
groups, changed by programme managers and administrators only."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from golive.access import Access
from golive.models import Role, User
from golive.refusals import Conflict
from support.configuration import services
from support.configuration.views import duration
from support.models import Category, Priority, ResolverGroup, SlaTarget
from tests import factories as f
from tests.support.conftest import DeskTrust

SETTINGS = "/support/settings/"


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def top_level(desk: DeskTrust) -> Category:
    row = Category.objects.filter(parent__isnull=True, is_active=True).order_by("pk").first()
    assert row is not None
    return row


def test_the_settings_pages_show_the_seeded_tree_targets_and_groups(desk: DeskTrust) -> None:
    client = client_for(desk.programme_manager)
    tree = client.get(f"{SETTINGS}categories/")
    assert tree.status_code == 200
    parent = top_level(desk)
    assert parent.name in tree.content.decode()
    assert len(tree.context["tree"]) == Category.objects.filter(parent__isnull=True).count()
    sla = client.get(f"{SETTINGS}sla/").content.decode()
    assert all(label in sla for label in Priority.labels)
    groups = client.get(f"{SETTINGS}resolver-groups/").content.decode()
    assert all(group.name in groups for group in ResolverGroup.objects.all())
    assert client.get(SETTINGS).status_code == 200


def test_programme_manager_adds_a_category_under_a_top_level_one(desk: DeskTrust) -> None:
    parent = top_level(desk)
    client = client_for(desk.programme_manager)
    response = client.post(
        f"{SETTINGS}categories/new/?parent={parent.pk}", {"name": "Label printers"}
    )
    assert response.status_code == 302
    row = Category.objects.get(name="Label printers")
    assert row.parent == parent
    assert row.slug == "label-printers"
    assert row.position == parent.children.exclude(pk=row.pk).count()


def test_a_category_name_its_siblings_have_is_refused_beside_the_field(desk: DeskTrust) -> None:
    parent = top_level(desk)
    client = client_for(desk.programme_manager)
    response = client.post(f"{SETTINGS}categories/new/", {"name": parent.name.upper()})
    assert response.status_code == 200
    assert "There is already a category" in response.context["form"].errors["name"][0]


def test_categories_go_only_two_levels_deep(desk: DeskTrust) -> None:
    child = Category.objects.filter(parent__isnull=False).order_by("pk").first()
    assert child is not None
    with pytest.raises(ValidationError) as raised:
        services.add_category(access=Access(desk.programme_manager), name="Deeper", parent=child)
    assert raised.value.error_dict["parent"][0].code == "too_deep"


def test_renaming_keeps_the_slug(desk: DeskTrust) -> None:
    row = top_level(desk)
    slug = row.slug
    client = client_for(desk.programme_manager)
    response = client.post(
        f"{SETTINGS}categories/{row.pk}/", {"name": "Access and login", "position": "3"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.name, row.position, row.slug) == ("Access and login", 3, slug)


def test_switching_a_category_off_takes_its_children_and_records_why(desk: DeskTrust) -> None:
    parent = Category.objects.filter(parent__isnull=True, children__isnull=False).first()
    assert parent is not None
    client = client_for(desk.programme_manager)
    response = client.post(
        f"{SETTINGS}categories/{parent.pk}/status/", {"reason": "Merged into Hardware"}
    )
    assert response.status_code == 302
    assert not Category.objects.filter(pk=parent.pk, is_active=True).exists()
    assert not parent.children.filter(is_active=True).exists()
    latest = parent.history.latest("history_date")
    assert latest.history_change_reason == "Merged into Hardware"


def test_switching_a_category_off_asks_for_a_reason(desk: DeskTrust) -> None:
    row = top_level(desk)
    client = client_for(desk.programme_manager)
    response = client.post(f"{SETTINGS}categories/{row.pk}/status/", {"reason": ""})
    assert response.context["form"].errors["reason"]
    row.refresh_from_db()
    assert row.is_active


def test_a_child_cannot_be_switched_on_under_a_parent_that_is_off(desk: DeskTrust) -> None:
    parent = Category.objects.filter(parent__isnull=True, children__isnull=False).first()
    assert parent is not None
    access = Access(desk.programme_manager)
    services.set_category_active(access=access, category=parent, active=False, reason="Merged")
    child = parent.children.first()
    assert child is not None
    with pytest.raises(Conflict) as raised:
        services.set_category_active(access=access, category=child, active=True, reason="Back")
    assert raised.value.code == "parent_inactive"


def test_programme_manager_changes_an_sla_target(desk: DeskTrust) -> None:
    client = client_for(desk.programme_manager)
    response = client.post(
        f"{SETTINGS}sla/P2/",
        {"first_response_minutes": "20", "resolve_minutes": "480", "clock": "business_hours"},
    )
    assert response.status_code == 302
    target = SlaTarget.objects.get(priority=Priority.P2)
    assert (target.first_response_minutes, target.resolve_minutes, target.clock) == (
        20,
        480,
        SlaTarget.Clock.BUSINESS_HOURS,
    )


def test_a_resolution_time_shorter_than_the_first_response_is_refused(desk: DeskTrust) -> None:
    client = client_for(desk.programme_manager)
    response = client.post(
        f"{SETTINGS}sla/P1/",
        {"first_response_minutes": "60", "resolve_minutes": "30", "clock": "always"},
    )
    assert response.status_code == 200
    assert "Resolving cannot be due before" in response.context["form"].errors["resolve_minutes"][0]
    assert SlaTarget.objects.get(priority=Priority.P1).resolve_minutes != 30


@pytest.mark.parametrize("minutes", ["0", "-5", "soon"])
def test_sla_times_must_be_positive_whole_minutes(desk: DeskTrust, minutes: str) -> None:
    client = client_for(desk.programme_manager)
    response = client.post(
        f"{SETTINGS}sla/P3/",
        {"first_response_minutes": minutes, "resolve_minutes": "600", "clock": "always"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["first_response_minutes"]


def test_the_sla_service_refuses_bad_times_with_codes(desk: DeskTrust) -> None:
    access = Access(desk.programme_manager)
    with pytest.raises(ValidationError) as raised:
        services.set_sla_target(
            access=access,
            priority="P1",
            first_response_minutes=0,
            resolve_minutes=10,
            clock="always",
        )
    assert raised.value.error_dict["first_response_minutes"][0].code == "not_positive"
    with pytest.raises(ValidationError) as raised:
        services.set_sla_target(
            access=access,
            priority="P1",
            first_response_minutes=60,
            resolve_minutes=10,
            clock="always",
        )
    assert raised.value.error_dict["resolve_minutes"][0].code == "resolve_before_response"


def test_an_unknown_priority_is_not_found(desk: DeskTrust) -> None:
    assert client_for(desk.programme_manager).get(f"{SETTINGS}sla/P9/").status_code == 404


def test_programme_manager_adds_and_renames_a_resolver_group(desk: DeskTrust) -> None:
    client = client_for(desk.programme_manager)
    added = client.post(f"{SETTINGS}resolver-groups/", {"name": "Pharmacy systems team"})
    assert added.status_code == 302
    group = ResolverGroup.objects.get(name="Pharmacy systems team")
    renamed = client.post(f"{SETTINGS}resolver-groups/{group.pk}/", {"name": "Pharmacy IT"})
    assert renamed.status_code == 302
    group.refresh_from_db()
    assert group.name == "Pharmacy IT"


def test_a_resolver_group_name_in_use_is_refused_beside_the_field(desk: DeskTrust) -> None:
    existing = ResolverGroup.objects.order_by("pk").first()
    assert existing is not None
    client = client_for(desk.programme_manager)
    response = client.post(f"{SETTINGS}resolver-groups/", {"name": existing.name.lower()})
    assert response.status_code == 200
    assert "already a resolver group" in response.context["form"].errors["name"][0]


@pytest.mark.parametrize("who", ["agent", "executive", "safety_officer", "ward_manager"])
def test_desk_agents_executives_and_others_are_refused_the_settings(
    desk: DeskTrust, who: str
) -> None:
    client = client_for(getattr(desk, who))
    assert client.get(SETTINGS).status_code == 403
    response = client.post(
        f"{SETTINGS}sla/P1/",
        {"first_response_minutes": "1", "resolve_minutes": "1", "clock": "always"},
    )
    assert response.status_code == 403
    assert SlaTarget.objects.get(priority=Priority.P1).first_response_minutes != 1


def test_a_programme_manager_for_named_areas_only_may_not_change_settings(
    desk: DeskTrust,
) -> None:
    scoped = f.UserFactory(username="scoped-pm")
    f.grant(scoped, Role.PROGRAMME_MANAGER, desk.programme, [desk.ward_a])
    assert client_for(scoped).get(SETTINGS).status_code == 403
    with pytest.raises(PermissionDenied):
        services.add_resolver_group(access=Access(scoped), name="Shadow team")


def test_the_desk_home_links_the_settings_only_for_those_who_may_change_them(
    desk: DeskTrust,
) -> None:
    assert SETTINGS in client_for(desk.programme_manager).get("/support/").content.decode()
    assert SETTINGS not in client_for(desk.agent).get("/support/").content.decode()


def test_durations_read_as_people_say_them() -> None:
    assert [duration(m) for m in (15, 60, 90, 1440, 1500)] == [
        "15 minutes",
        "1 hour",
        "1 hour 30 minutes",
        "1 day",
        "1 day 1 hour",
    ]
