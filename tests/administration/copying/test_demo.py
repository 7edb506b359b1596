"""The demo's Wave 4, set up from Wave 2 once, however often the demo runs."""

from __future__ import annotations

import datetime as dt

import pytest

from administration.copying.demo import SOURCE, TARGET, seed_copying_demo
from administration.models import GoLiveCopy
from golive.demo import DEMO_PROGRAMME, seed_demo
from golive.models import GoLive, Programme
from readiness.demo import seed_readiness_demo
from readiness.models import CommandCell, Criterion, Gate, Milestone, SignOff
from support.demo import seed_support_demo

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def programme(db: None) -> Programme:
    seed_demo(staff_count=100, today=TODAY)
    programme = Programme.objects.get(name=DEMO_PROGRAMME)
    seed_support_demo(programme=programme, today=TODAY)
    seed_readiness_demo(programme=programme, today=TODAY)
    return programme


def test_the_demo_sets_up_wave_4_from_wave_2_once(programme: Programme) -> None:
    seed_copying_demo(programme=programme, today=TODAY)
    counts = (GoLive.objects.count(), Criterion.objects.count(), Milestone.objects.count())

    seed_copying_demo(programme=programme, today=TODAY + dt.timedelta(days=1))
    seed_readiness_demo(programme=programme, today=TODAY)

    record = GoLiveCopy.objects.get()
    assert (record.source.name, record.target.name) == (SOURCE, TARGET)
    assert (GoLive.objects.count(), Criterion.objects.count(), Milestone.objects.count()) == counts
    wave_4 = record.target
    assert Gate.objects.filter(go_live=wave_4).count() == 3
    assert CommandCell.objects.filter(go_live=wave_4).count() == 3
    assert not SignOff.objects.filter(gate__go_live=wave_4).exists()
    assert set(wave_4.criteria.values_list("rag", flat=True)) == {"not_assessed"}
