"""Coverage against answers worked out by hand (see each test's comment)."""

from __future__ import annotations

import datetime as dt

import pytest

from champions import rota, services
from champions.models import Assignment, CoverageTarget, Designation
from champions.selectors import (
    area_designations,
    coverage_for,
    coverage_grid,
    staff_per_supporter,
)
from golive.access import Access
from tests.champions.conftest import Champions
from tests.conftest import Trust

Kind = Designation.Kind


def roster(trust: Trust, shift: object, designation: Designation) -> Assignment:
    return services.assign_to_shift(
        access=Access(trust.programme_manager),
        user=trust.programme_manager,
        shift=shift,  # type: ignore[arg-type]
        designation=designation,
    )


@pytest.fixture
def scenario(trust: Trust, champions: Champions) -> dict[str, object]:
    """Ward A at the default 1 per 10; Ward B at 1 per 5.

    A early (day 0): 10 planned -> needs 1; 1 champion on duty      -> covered
    A late  (day 0): 25 planned -> needs 3; 1 super user + 1 floorwalker -> gap 2
    B early (day 0): e-roster says 7 on shift (planned 4 ignored) -> needs 2; none -> gap 2
    A early (day 1): 0 planned  -> needs 0                          -> covered
    Totals: 4 shifts, 2 covered, 6 needed, 4 missing.
    """
    day = champions.go_live_day
    CoverageTarget.objects.create(
        programme=trust.programme, area=trust.ward_b, staff_per_supporter=5
    )
    a_early = champions.shift(trust.ward_a, planned_staff=10)
    a_late = champions.shift(
        trust.ward_a, name="Late", start=dt.time(15), end=dt.time(23), planned_staff=25
    )
    b_early = champions.shift(trust.ward_b, planned_staff=4)
    champions.shift(trust.ward_a, day=day + dt.timedelta(days=1), planned_staff=0)

    roster(trust, a_early, champions.designate(trust.staff_a, trust.ward_a))
    super_user = champions.staff("Sam Super", trust.ward_a)
    roster(
        trust,
        a_late,
        champions.designate(super_user, trust.ward_a, kind=Kind.SUPER_USER, trained=True),
    )
    walker = champions.staff("Fay Walker", trust.ward_a)
    roster(trust, a_late, champions.designate(walker, trust.ward_a, kind=Kind.FLOORWALKER))
    # Taken off again: must not count.
    gone = champions.staff("Gus Gone", trust.ward_a)
    cancelled = roster(trust, a_late, champions.designate(gone, trust.ward_a))
    services.cancel_assignment(
        access=Access(trust.programme_manager), user=trust.programme_manager, assignment=cancelled
    )

    rows = []
    for index in range(6):  # six on the early, one of them listed twice (counted once)
        member = champions.staff(f"Rota {index}", trust.ward_b)
        rows.append(rota.RotaRow(member.pk, trust.ward_b.pk, b_early.starts_at, b_early.ends_at))
    long_day = champions.staff("Long Day", trust.ward_b)
    rows.append(
        rota.RotaRow(
            long_day.pk,
            trust.ward_b.pk,
            b_early.starts_at + dt.timedelta(hours=1),
            b_early.ends_at + dt.timedelta(hours=4),
        )
    )
    night_before = champions.staff("Night Before", trust.ward_b)
    rows.append(  # ends as the early starts: not on it
        rota.RotaRow(
            night_before.pk,
            trust.ward_b.pk,
            b_early.starts_at - dt.timedelta(hours=12),
            b_early.starts_at,
        )
    )
    rota.record_rota_entries(rows=rows)
    return {"day": day, "a_late": a_late, "b_early": b_early}


def test_coverage_counts_shifts_covered_and_supporters_missing(
    trust: Trust, scenario: dict[str, object]
) -> None:
    summary = coverage_for(trust.wave_1, [trust.ward_a, trust.ward_b])

    assert summary.shifts_total == 4
    assert summary.shifts_covered == 2
    assert summary.shifts_with_gaps == 2
    assert summary.supporters_needed == 6
    assert summary.supporters_missing == 4
    assert summary.covered_share == 0.5


def test_floorwalkers_are_shown_but_do_not_count_towards_the_target(
    trust: Trust, scenario: dict[str, object]
) -> None:
    summary = coverage_for(trust.wave_1, [trust.ward_a])
    late = next(cell for cell in summary.cells if cell.shift_name == "Late")

    assert (late.needed, late.on_duty, late.floorwalkers, late.gap) == (3, 1, 1, 2)


def test_staff_on_shift_come_from_the_e_roster_when_it_has_rows(
    trust: Trust, scenario: dict[str, object]
) -> None:
    cell = coverage_for(trust.wave_1, [trust.ward_b]).cells[0]

    assert (cell.staff_on_shift, cell.staff_from_roster, cell.needed, cell.gap) == (7, True, 2, 2)


def test_coverage_is_limited_to_the_period_and_areas_asked_for(
    trust: Trust, scenario: dict[str, object]
) -> None:
    day = scenario["day"]
    summary = coverage_for(trust.wave_1, [trust.ward_a], (day, day))  # type: ignore[arg-type]

    assert [cell.shift_name for cell in summary.cells] == ["Early", "Late"]
    assert (summary.shifts_covered, summary.supporters_missing) == (1, 2)


def test_no_shifts_means_no_coverage_share(trust: Trust) -> None:
    summary = coverage_for(trust.wave_2, [trust.ward_c])

    assert (summary.shifts_total, summary.covered_share) == (0, None)


def test_a_go_lives_own_target_overrides_the_programmes(trust: Trust) -> None:
    CoverageTarget.objects.create(
        programme=trust.programme, area=trust.ward_a, staff_per_supporter=8
    )
    CoverageTarget.objects.create(
        programme=trust.programme, go_live=trust.wave_1, area=trust.ward_a, staff_per_supporter=4
    )

    assert staff_per_supporter(trust.wave_1, [trust.ward_a.pk, trust.ward_b.pk]) == {
        trust.ward_a.pk: 4,
        trust.ward_b.pk: 10,
    }
    assert staff_per_supporter(trust.wave_2, [trust.ward_a.pk]) == {trust.ward_a.pk: 8}


def test_area_summary_counts_only_agreed_and_trained_supporters(
    trust: Trust, champions: Champions
) -> None:
    # Ward A: 1 trained super user, 1 untrained, 1 champion, 1 nominee; 20 staff in all.
    for index in range(16):
        champions.staff(f"Extra {index}", trust.ward_a)
    champions.designate(
        champions.staff("T", trust.ward_a), trust.ward_a, kind=Kind.SUPER_USER, trained=True
    )
    champions.designate(champions.staff("U", trust.ward_a), trust.ward_a, kind=Kind.SUPER_USER)
    champions.designate(trust.staff_a, trust.ward_a)
    champions.designate(
        champions.staff("N", trust.ward_a), trust.ward_a, status=Designation.Status.NOMINATED
    )

    ward_a = next(row for row in area_designations(Access(trust.ward_manager), trust.wave_1))

    assert ward_a.area == trust.ward_a
    assert (ward_a.staff, ward_a.super_users, ward_a.untrained_super_users) == (20, 1, 1)
    assert (ward_a.champions, ward_a.nominated, ward_a.counted) == (1, 1, 2)
    assert ward_a.staff_per_counted == 10
    assert ward_a.meets_target is True


def test_heat_map_has_a_row_per_day_and_a_column_per_area_and_shift(
    trust: Trust, champions: Champions
) -> None:
    day = champions.go_live_day
    champions.shift(trust.ward_b, name="Night", start=dt.time(23), end=dt.time(7))
    champions.shift(trust.ward_b, name="Late", start=dt.time(15), end=dt.time(23))
    champions.shift(trust.ward_a)
    champions.shift(trust.ward_b)
    champions.shift(trust.ward_a, day=day + dt.timedelta(days=1))

    grid = coverage_grid(coverage_for(trust.wave_1, [trust.ward_a, trust.ward_b]))

    assert [(c.area_name, c.shift_name) for c in grid.columns] == [
        ("Ward A", "Early"),
        ("Ward B", "Early"),
        ("Ward B", "Late"),
        ("Ward B", "Night"),
    ]
    assert grid.areas == [("Ward A", 1), ("Ward B", 3)]
    assert [(row.day - day).days for row in grid.rows] == [0, 1]
    assert all(cell is not None for cell in grid.rows[0].cells)
    assert [cell is not None for cell in grid.rows[1].cells] == [True, False, False, False]
