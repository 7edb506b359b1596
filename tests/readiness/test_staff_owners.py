"""Staff records (people without an account) own readiness-group actions and hold duties on
the command rota, chosen from the staff the user may see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from golive.access import Access
from readiness.assessment import services as assessment_services
from readiness.command import services as command_services
from readiness.models import Action, CommandCell, DutyAssignment, ReadinessGroup
from tests import factories as f
from tests.readiness.conftest import Readiness


@pytest.fixture
def silver(readiness: Readiness) -> CommandCell:
    return CommandCell.objects.create(
        go_live=readiness.trust.wave_1, level=CommandCell.Level.SILVER, name="Silver",
        lead=readiness.chair,
    )  # fmt: skip


def test_staff_member_owns_an_action_added_on_the_group_page(readiness: Readiness) -> None:
    trust = readiness.trust
    group = ReadinessGroup.objects.get()
    client = Client()
    client.force_login(trust.programme_manager)
    response = client.post(
        reverse("readiness:group", args=[group.pk]),
        {
            "form": "action", "description": "Print downtime packs",
            "owner": f"staff:{trust.staff_b.pk}", "due_on": "01/12/2026",
        },
    )  # fmt: skip
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.owner, action.owner_staff) == (None, trust.staff_b)
    page = client.get(reverse("readiness:group", args=[group.pk])).content.decode()
    assert "Bob Ward-B" in page


def test_user_still_owns_an_action_as_before(readiness: Readiness) -> None:
    action = assessment_services.add_action(
        access=Access(readiness.chair), group=ReadinessGroup.objects.get(),
        description="Test logins", owner=readiness.chair, due_on=dt.date(2026, 12, 1),
    )  # fmt: skip
    assert (action.owner, action.owner_staff) == (readiness.chair, None)


def test_staff_member_the_user_may_not_see_cannot_own_an_action(readiness: Readiness) -> None:
    other_trust_staff = f.StaffMemberFactory()
    with pytest.raises(ValidationError) as refused:
        assessment_services.add_action(
            access=Access(readiness.trust.programme_manager), group=ReadinessGroup.objects.get(),
            description="x", owner_staff=other_trust_staff, due_on=dt.date(2026, 12, 1),
        )  # fmt: skip
    assert refused.value.error_dict["owner"][0].code == "other_staff"


def test_action_with_both_a_user_and_a_staff_owner_is_refused(readiness: Readiness) -> None:
    with pytest.raises(ValidationError) as refused:
        assessment_services.add_action(
            access=Access(readiness.trust.programme_manager), group=ReadinessGroup.objects.get(),
            description="x", owner=readiness.chair, owner_staff=readiness.trust.staff_a,
            due_on=dt.date(2026, 12, 1),
        )  # fmt: skip
    assert refused.value.error_dict["owner"][0].code == "one_person"


def test_staff_member_on_duty_is_shown_on_the_command_page(
    readiness: Readiness, silver: CommandCell
) -> None:
    trust = readiness.trust
    now = timezone.now()
    command_services.assign_duty(
        access=Access(trust.programme_manager), cell=silver, staff=trust.staff_a,
        role="Loggist", starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=8),
    )  # fmt: skip
    duty = DutyAssignment.objects.get()
    assert (duty.user, duty.staff) == (None, trust.staff_a)
    client = Client()
    client.force_login(trust.programme_manager)
    page = client.get(reverse("readiness:command")).content.decode()
    assert "Alice Ward-A (Loggist)" in page


def test_duty_form_offers_staff_and_puts_them_on_the_rota(
    readiness: Readiness, silver: CommandCell
) -> None:
    trust = readiness.trust
    client = Client()
    client.force_login(trust.programme_manager)
    response = client.post(
        reverse("readiness:command"),
        {
            "form": "duty", "cell": silver.pk, "user": f"staff:{trust.staff_c.pk}",
            "role": "Runner", "starts_at": "01/12/2026 07:00", "ends_at": "01/12/2026 19:00",
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert DutyAssignment.objects.get().staff == trust.staff_c


def test_action_api_accepts_a_staff_owner(readiness: Readiness) -> None:
    trust = readiness.trust
    group = ReadinessGroup.objects.get()
    client = Client()
    client.force_login(trust.programme_manager)
    response = client.post(
        f"/api/v1/readiness/groups/{group.pk}/actions/",
        {"description": "Order scanners", "owner_staff": trust.staff_a.pk, "due_on": "2026-12-01"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["owner_name"] == "Alice Ward-A"


def test_group_page_filters_actions_by_a_staff_owner(readiness: Readiness) -> None:
    trust = readiness.trust
    group = ReadinessGroup.objects.get()
    access = Access(trust.programme_manager)
    for description, person in (("Staff task", {"owner_staff": trust.staff_a}),
                                ("User task", {"owner": readiness.chair})):  # fmt: skip
        assessment_services.add_action(
            access=access, group=group, description=description, due_on=dt.date(2026, 12, 1),
            **person,
        )  # fmt: skip
    client = Client()
    client.force_login(trust.programme_manager)
    url = reverse("readiness:group", args=[group.pk])
    response = client.get(url, {"owner": f"staff:{trust.staff_a.pk}"})
    assert [a.description for a in response.context["actions"]] == ["Staff task"]
