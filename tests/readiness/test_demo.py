from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from golive.demo import DEMO_PROGRAMME, seed_demo
from golive.models import GoLive, Programme, User
from readiness.command.selectors import stand_down_states
from readiness.demo import SSO_KEY, seed_readiness_demo
from readiness.models import (
    Action,
    CommandCell,
    CommsItem,
    Criterion,
    DutyAssignment,
    EngagementEvent,
    EscalationStep,
    EvidencePack,
    Gate,
    GateSignatory,
    Hazard,
    Milestone,
    Rag,
    SignOff,
    SitRep,
    StandDownCriterion,
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
        StandDownCriterion.objects.count(),
        EscalationStep.objects.count(),
        GateSignatory.objects.count(),
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


def test_the_live_waves_silver_cell_has_stand_down_criteria_read_live_and_ticked(
    demo: Programme,
) -> None:
    silver = CommandCell.objects.get(
        go_live__name__startswith="Wave 1", level=CommandCell.Level.SILVER
    )
    states = stand_down_states(silver, now=timezone.now())
    kinds = {state.criterion.kind for state in states}
    assert kinds == set(StandDownCriterion.Kind.values)
    manual = next(s for s in states if s.criterion.kind == StandDownCriterion.Kind.MANUAL)
    assert manual.criterion.ticked_by is not None


def test_the_live_waves_login_escalation_stepped_up_to_gold(demo: Programme) -> None:
    step = EscalationStep.objects.select_related("escalation").get(
        escalation__go_live__name__startswith="Wave 1"
    )
    assert (step.from_level, step.to_level, step.escalation.level) == ("silver", "gold", "gold")


def test_the_demo_cell_and_escalation_pages_render_for_the_silver_lead(
    demo: Programme, client: Client
) -> None:
    client.force_login(User.objects.get(username="chair"))
    silver = CommandCell.objects.get(
        go_live__name__startswith="Wave 1", level=CommandCell.Level.SILVER
    )
    client.post("/go-live/switch/", {"go_live": silver.go_live_id, "next": "/"})
    step = EscalationStep.objects.get()
    cell_page = client.get(f"/readiness/cells/{silver.pk}/")
    escalation_page = client.get(f"/readiness/escalations/{step.escalation_id}/")
    assert cell_page.status_code == escalation_page.status_code == 200
    assert "Ward managers confirm business as usual" in cell_page.content.decode()
    assert "Silver to gold" in escalation_page.content.decode()
