from __future__ import annotations

import datetime as dt
import itertools

import pytest

from champions.demo import seed_champions_demo
from champions.models import Assignment, Designation, RotaEntry, Shift
from champions.selectors import coverage_for, is_trained
from golive.demo import DEMO_PROGRAMME, seed_demo
from golive.models import Area, GoLive, Programme

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def demo(db: None) -> tuple[Programme, GoLive]:
    seed_demo(staff_count=1500, today=TODAY)
    programme = Programme.objects.get(name=DEMO_PROGRAMME)
    seed_champions_demo(programme=programme, today=TODAY)
    return programme, GoLive.objects.get(name__startswith="Wave 2")


def test_demo_seeding_is_idempotent(demo: tuple[Programme, GoLive]) -> None:
    programme, _ = demo

    def counts() -> tuple[int, ...]:
        return (
            Designation.objects.count(),
            Shift.objects.count(),
            Assignment.objects.count(),
            RotaEntry.objects.count(),
        )

    first = counts()
    seed_champions_demo(programme=programme, today=TODAY)

    assert counts() == first
    assert all(first)


def test_demo_roster_has_covered_shifts_and_a_few_gaps(demo: tuple[Programme, GoLive]) -> None:
    _, go_live = demo
    ward = Area.objects.get(site__code="NGH", code="W7B")

    summary = coverage_for(go_live, [ward])

    assert summary.shifts_total == 42
    assert 0 < summary.shifts_with_gaps < summary.shifts_total / 2
    assert any(cell.staff_from_roster for cell in summary.cells)


def test_demo_roster_obeys_the_roster_rules(demo: tuple[Programme, GoLive]) -> None:
    programme, _ = demo
    active = list(Assignment.objects.filter(status="active").select_related("designation", "shift"))

    for assignment in active:
        assert assignment.designation.status == Designation.Status.AGREED
        assert assignment.designation.area_id == assignment.shift.area_id
        if assignment.designation.kind == Designation.Kind.SUPER_USER:
            assert is_trained(assignment.staff_id, programme.pk)
    by_staff: dict[int, list[Assignment]] = {}
    for assignment in active:
        by_staff.setdefault(assignment.staff_id, []).append(assignment)
    for shifts in by_staff.values():
        shifts.sort(key=lambda a: a.starts_at)
        for earlier, later in itertools.pairwise(shifts):
            assert earlier.ends_at <= later.starts_at
