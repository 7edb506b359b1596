from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from golive.access import Access
from golive.demo import DEMO_LOGINS, seed_demo
from golive.models import Area, GoLive, Role, StaffMember, User

TODAY = dt.date(2026, 11, 26)


@pytest.mark.django_db
def test_demo_is_idempotent() -> None:
    def counts() -> tuple[int, ...]:
        placements = StaffMember.areas.through.objects.count()
        return (
            Area.objects.count(),
            StaffMember.objects.count(),
            GoLive.objects.count(),
            placements,
        )

    seed_demo(staff_count=200, today=TODAY)
    first = counts()

    seed_demo(staff_count=200, today=TODAY)

    assert counts() == first


@pytest.mark.django_db
def test_demo_has_a_past_a_near_and_a_later_go_live() -> None:
    seed_demo(staff_count=50, today=TODAY)

    offsets = sorted((g.user_go_live_date - TODAY).days for g in GoLive.objects.all())

    assert offsets[0] < 0
    assert 28 <= offsets[1] <= 56
    assert offsets[2] > offsets[1]


@pytest.mark.django_db
def test_demo_has_a_login_for_every_role() -> None:
    seed_demo(staff_count=50, today=TODAY)

    roles = {login.role for login in DEMO_LOGINS}

    assert roles == set(Role)
    assert User.objects.filter(
        username__in=[login.username for login in DEMO_LOGINS]
    ).count() == len(DEMO_LOGINS)


@pytest.mark.django_db
def test_demo_ward_manager_sees_only_their_two_areas() -> None:
    seed_demo(staff_count=50, today=TODAY)

    areas = Access(User.objects.get(username="ward.manager")).areas()

    assert sorted(area.name for area in areas) == ["Main Theatres", "Ward 7B"]


@pytest.mark.django_db
def test_demo_never_changes_an_existing_account_with_a_demo_name() -> None:
    real_admin = User.objects.create_user("admin", password="a-real-secret-password")

    seed_demo(staff_count=10, today=TODAY)

    real_admin.refresh_from_db()
    assert real_admin.check_password("a-real-secret-password")
    assert not real_admin.is_superuser
    assert not real_admin.role_grants.exists()


@pytest.mark.django_db
def test_seed_command_refuses_when_debug_is_off(settings: Any) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match="allow-non-debug"):
        call_command("seed_demo", "--staff", "10")
