from __future__ import annotations

import datetime as dt

import pytest

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
