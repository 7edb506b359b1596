"""E-roster extracts: who works which shift, where, for champion coverage."""

from __future__ import annotations

import datetime as dt
from typing import Any

from adoption.imports.roster import merge_roster
from adoption.models import ImportBatch
from champions.models import RotaEntry
from tests.conftest import Trust

HEADER = "staff_number,area,starts_at,ends_at"
Status = ImportBatch.Status


def roster(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def test_an_e_roster_loads_future_shifts_in_utc_and_a_re_import_changes_nothing(
    trust: Trust, import_file: Any
) -> None:
    a, c = trust.staff_a.staff_number, trust.staff_c.staff_number
    content = roster(
        f"{a},N/WA,2030-07-01 07:30:00,2030-07-01 15:30:00",
        f"{c},S/WC,2030-07-01 20:00:00,2030-07-02 08:00:00",
        f"{a},N/WA,2030-07-01 07:30:00,2030-07-01 15:30:00",
    )

    first = import_file(content, kind="roster", profile="golive-roster")
    again = import_file(content.replace("\n", "\r\n"), kind="roster", profile="golive-roster")

    assert first.status == Status.COMMITTED, first.message
    assert (first.rows_inserted, first.rows_duplicate) == (2, 1)
    assert (again.rows_inserted, again.rows_updated, again.rows_unchanged) == (0, 0, 2)
    shift = RotaEntry.objects.get(staff=trust.staff_a)
    assert shift.starts_at == dt.datetime(2030, 7, 1, 6, 30, tzinfo=dt.UTC)  # summer time
    assert shift.batch_id == first.pk


def test_a_shift_that_ends_before_it_starts_or_after_a_day_is_a_row_error(
    trust: Trust, import_file: Any
) -> None:
    a = trust.staff_a.staff_number

    batch = import_file(
        roster(
            f"{a},N/WA,2030-07-01 15:30:00,2030-07-01 07:30:00",
            f"{a},N/WA,2030-07-02 07:30:00,2030-07-03 08:30:00",
        ),
        kind="roster",
        profile="golive-roster",
    )

    assert batch.status == Status.REJECTED
    assert list(batch.issues.values_list("line", "code", "column")) == [
        (2, "INVALID_SHIFT", "ends_at"),
        (3, "INVALID_SHIFT", "ends_at"),
    ]
    assert not RotaEntry.objects.exists()


def test_a_ward_manager_cannot_load_shifts_for_another_ward(trust: Trust, import_file: Any) -> None:
    a, b = trust.staff_a.staff_number, trust.staff_b.staff_number

    batch = import_file(
        roster(
            f"{a},N/WA,2030-07-01 07:30:00,2030-07-01 15:30:00",
            f"{b},N/WB,2030-07-01 07:30:00,2030-07-01 15:30:00",
        ),
        kind="roster",
        profile="golive-roster",
        user=trust.ward_manager,
    )

    assert batch.status == Status.REJECTED
    assert set(batch.issues.values_list("code", flat=True)) == {"NOT_YOUR_AREA"}
    assert not RotaEntry.objects.exists()


def test_a_re_imported_e_roster_removes_shifts_it_no_longer_lists_and_says_how_many(
    trust: Trust, import_file: Any
) -> None:
    a, b = trust.staff_a.staff_number, trust.staff_b.staff_number
    trust.staff_b.areas.add(trust.ward_a)
    first = roster(
        f"{a},N/WA,2030-07-01 07:30:00,2030-07-01 15:30:00",
        f"{b},N/WA,2030-07-01 07:30:00,2030-07-01 15:30:00",
        f"{a},N/WA,2030-07-02 07:30:00,2030-07-02 15:30:00",
    )
    # Bob is taken off 1 July; Alice's 2 July moves to a late shift.
    second = roster(
        f"{a},N/WA,2030-07-01 07:30:00,2030-07-01 15:30:00",
        f"{a},N/WA,2030-07-02 13:00:00,2030-07-02 21:00:00",
    )

    import_file(first, kind="roster", profile="golive-roster")
    again = import_file(second, kind="roster", profile="golive-roster")

    assert again.status == Status.COMMITTED, again.message
    assert (again.rows_inserted, again.rows_unchanged) == (1, 1)
    assert "2 shifts no longer in the e-roster for these areas and days were removed." in (
        again.notices
    )
    starts = RotaEntry.objects.order_by("starts_at").values_list("staff_id", "starts_at")
    assert list(starts) == [
        (trust.staff_a.pk, dt.datetime(2030, 7, 1, 6, 30, tzinfo=dt.UTC)),
        (trust.staff_a.pk, dt.datetime(2030, 7, 2, 12, 0, tzinfo=dt.UTC)),
    ]


def test_an_e_roster_leaves_other_areas_and_days_alone(trust: Trust, import_file: Any) -> None:
    a, c = trust.staff_a.staff_number, trust.staff_c.staff_number
    import_file(
        roster(
            f"{a},N/WA,2030-07-01 07:30:00,2030-07-01 15:30:00",
            f"{a},N/WA,2030-07-05 07:30:00,2030-07-05 15:30:00",
            f"{c},S/WC,2030-07-02 07:30:00,2030-07-02 15:30:00",
        ),
        kind="roster",
        profile="golive-roster",
    )

    later = import_file(
        roster(f"{a},N/WA,2030-07-03 07:30:00,2030-07-03 15:30:00"),
        kind="roster",
        profile="golive-roster",
    )

    assert not later.notices
    assert RotaEntry.objects.count() == 4


def test_a_batch_committed_without_its_rejected_rows_removes_no_shifts(
    trust: Trust, import_file: Any, tmp_path: Any
) -> None:
    a = trust.staff_a.staff_number
    batch = import_file(
        roster(
            f"{a},N/WA,2030-07-01 07:30:00,2030-07-01 15:30:00",
            f"{a},N/WA,2030-07-02 07:30:00,2030-07-02 15:30:00",
        ),
        kind="roster",
        profile="golive-roster",
    )
    # As a "commit valid rows only" re-run would merge it: the 2 July row was rejected.
    ImportBatch.objects.filter(pk=batch.pk).update(partial_allowed=True)
    work = tmp_path / "work.csv"
    start, end = "2030-07-01T06:30:00+00:00", "2030-07-01T14:30:00+00:00"
    work.write_text(f"2,{trust.staff_a.pk},{trust.ward_a.pk},{start},{end}\n")

    merged = merge_roster(batch_id=batch.pk, work_file=work, present_fields=frozenset())

    assert RotaEntry.objects.count() == 2
    assert merged.notices[0].startswith("Some rows were rejected, so shifts missing")
