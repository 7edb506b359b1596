"""The e-roster record: rows stored once on (staff, area, start), and an extract replacing
what it no longer lists only in the areas and days it covers."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from champions import rota
from champions.models import RotaEntry
from tests.conftest import Trust


def test_e_roster_rows_are_inserted_once_and_updated_on_reimport(trust: Trust) -> None:
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=40)
    row = rota.RotaRow(trust.staff_a.pk, trust.ward_a.pk, start, start + dt.timedelta(hours=8))
    later = rota.RotaRow(trust.staff_a.pk, trust.ward_a.pk, start, start + dt.timedelta(hours=12))

    first = rota.record_rota_entries(rows=[row, row])
    same = rota.record_rota_entries(rows=[row])
    changed = rota.record_rota_entries(rows=[later])

    assert (first.inserted, same.unchanged, changed.updated) == (1, 1, 1)
    assert RotaEntry.objects.get().ends_at == start + dt.timedelta(hours=12)


def test_replacing_the_e_roster_removes_only_unlisted_shifts_in_the_days_it_covers(
    trust: Trust,
) -> None:
    day = timezone.localdate() + dt.timedelta(days=40)

    def at(days: int, hour: int) -> dt.datetime:
        return timezone.make_aware(
            dt.datetime.combine(day + dt.timedelta(days=days), dt.time(hour))
        )

    def row(staff: object, area: object, days: int, hour: int) -> rota.RotaRow:
        return rota.RotaRow(staff.pk, area.pk, at(days, hour), at(days, hour + 8))  # type: ignore[attr-defined]

    kept_before = row(trust.staff_a, trust.ward_a, -1, 7)  # the day before the new extract
    dropped_night = row(trust.staff_a, trust.ward_a, 1, 15)  # in range, no longer listed
    other_ward = row(trust.staff_b, trust.ward_b, 1, 7)
    listed = [row(trust.staff_a, trust.ward_a, 0, 7), row(trust.staff_a, trust.ward_a, 2, 7)]
    rota.record_rota_entries(rows=[kept_before, dropped_night, other_ward, *listed])

    counts = rota.replace_rota_entries(rows=listed)
    again = rota.replace_rota_entries(rows=listed)

    assert (counts.unchanged, counts.removed, again.removed) == (2, 1, 0)
    remaining = set(RotaEntry.objects.values_list("area_id", "starts_at"))
    assert remaining == {
        (trust.ward_a.pk, kept_before.starts_at),
        (trust.ward_b.pk, other_ward.starts_at),
        *((trust.ward_a.pk, r.starts_at) for r in listed),
    }
