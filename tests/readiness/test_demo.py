from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from golive.demo import DEMO_PROGRAMME, seed_demo
from golive.models import GoLive, Programme, User
from readiness.demo import SSO_KEY, seed_readiness_demo
from readiness.models import (
    Action,
    CommandCell,
    CommsItem,
    Criterion,
    DutyAssignment,
    EngagementEvent,
    EvidencePack,
    Gate,
    Hazard,
    Milestone,
    Rag,
    SignOff,
    SitRep,
)
from support.demo import seed_support_demo

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def demo(db: None) -> Programme:
    seed_demo(staff_count=300, today=TODAY)
    programme = Programme.objects.get(name=DEMO_PROGRAMME)
    # The service desk first, as in seed_demo: sit-reps and P1 criteria read its tickets.
    seed_support_demo(programme=programme, today=TODAY)
    seed_readiness_demo(programme=programme, today=TODAY)
    return programme


def _counts() -> tuple[int, ...]:
    return (
        Criterion.objects.count(),
        Criterion.history.count(),  # type: ignore[attr-defined]
        Action.objects.count(),
        SignOff.objects.count(),
        EvidencePack.objects.count(),
        Hazard.objects.count(),
        Milestone.objects.count(),
        CommandCell.objects.count(),
        DutyAssignment.objects.count(),
        SitRep.objects.count(),
        CommsItem.objects.count(),
        EngagementEvent.objects.count(),
    )


def test_readiness_demo_seeding_is_idempotent(demo: Programme) -> None:
    first = _counts()
    seed_readiness_demo(programme=demo, today=TODAY)
    assert _counts() == first
    assert all(first)


def test_wave_2_is_clearly_amber_on_login_readiness(demo: Programme) -> None:
    wave_2 = GoLive.objects.get(name__startswith="Wave 2")
    rags = list(
        Criterion.objects.filter(go_live=wave_2, template__key=SSO_KEY).values_list(
            "rag", flat=True
        )
    )
    assert rags.count(Rag.AMBER) > len(rags) / 2


def test_the_live_wave_has_decided_gates_with_frozen_evidence(demo: Programme) -> None:
    wave_1 = GoLive.objects.get(name__startswith="Wave 1")
    gates = Gate.objects.filter(go_live=wave_1)
    assert {g.decision for g in gates} == {"go"}
    assert EvidencePack.objects.filter(gate__go_live=wave_1).count() == 3


def test_the_demo_board_renders_for_the_chair(demo: Programme, client: Client) -> None:
    client.force_login(User.objects.get(username="chair"))
    response = client.get("/readiness/board/")
    assert response.status_code == 200
    assert "Single sign-on and login tested on every device type" in response.content.decode()


def test_the_live_wave_has_a_published_go_live_morning_sit_rep(demo: Programme) -> None:
    sitrep = SitRep.objects.get(cell__go_live__name__startswith="Wave 1")
    assert sitrep.status == SitRep.Status.PUBLISHED
    assert sum(sitrep.figures["tickets_opened"].values()) > 0
