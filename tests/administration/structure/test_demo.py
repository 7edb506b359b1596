from __future__ import annotations

import pytest

from administration.structure.demo import REASON, seed_structure_demo
from golive.demo import DEMO_PROGRAMME, seed_demo
from golive.models import Area, GoLive, Programme, Release

pytestmark = pytest.mark.django_db


def test_the_demo_fills_windows_release_dates_a_cohort_and_a_retired_area_once() -> None:
    seed_demo(staff_count=5)
    programme = Programme.objects.get(name=DEMO_PROGRAMME)

    seed_structure_demo(programme=programme)
    history = Area.history.count()
    second = seed_structure_demo(programme=programme)

    assert not GoLive.objects.filter(stabilisation_ends_on__isnull=True).exists()
    assert GoLive.objects.filter(approach="modular").exclude(scope_note="").exists()
    assert not Release.objects.filter(planned_date__isnull=True).exists()
    retired = Area.objects.get(is_active=False)
    assert retired.history.latest().history_change_reason == REASON
    assert Area.history.count() == history
    assert second == ["Set-up: 0 go-live windows, 0 release dates filled."]
