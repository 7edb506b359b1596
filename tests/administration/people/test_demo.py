from __future__ import annotations

import pytest

from administration.models import AccessRequest, Invitation
from administration.people.demo import seed_people_demo
from golive.access import Access
from golive.demo import DEMO_PROGRAMME, seed_demo
from golive.models import Programme, RoleGrant, User
from readiness.demo import seed_readiness_demo
from readiness.models import Action, DutyAssignment


def _counts() -> tuple[int, ...]:
    return (
        AccessRequest.objects.count(),
        Invitation.objects.count(),
        RoleGrant.objects.count(),
        Action.objects.filter(owner_staff__isnull=False).count(),
        DutyAssignment.objects.filter(staff__isnull=False).count(),
    )


@pytest.mark.django_db
def test_people_demo_shows_each_piece_once_however_often_it_runs() -> None:
    seed_demo(staff_count=60)
    programme = Programme.objects.get(name=DEMO_PROGRAMME)
    seed_readiness_demo(programme=programme)
    list(seed_people_demo(programme=programme))
    first = _counts()
    list(seed_people_demo(programme=programme))

    assert _counts() == first
    assert first[0] == first[1] == first[3] == first[4] == 1
    newstarter = User.objects.get(username="newstarter")
    assert not Access(newstarter).roles
    assert AccessRequest.objects.get().status == AccessRequest.Status.PENDING
    assert Invitation.objects.get().accepted_at is None
    assert RoleGrant.objects.get(user__username="locum").ends_on is not None
