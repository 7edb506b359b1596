"""The e-roster record: who works which shift, as e-roster extracts say. Coverage counts
staff on shift from it. The import pipeline calls these with rows it has already parsed,
resolved to staff and area ids and checked against the uploader's areas, so nothing here
checks access."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from champions.models import RotaEntry


@dataclass(frozen=True)
class RotaRow:
    """One person working one stretch in one area, as an e-roster import parses it."""

    staff_id: int
    area_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclass(frozen=True)
class RotaCounts:
    inserted: int
    updated: int
    unchanged: int
    removed: int = 0


@transaction.atomic
def record_rota_entries(*, rows: Iterable[RotaRow], batch_id: int | None = None) -> RotaCounts:
    """Store who works which shift (the e-roster), for coverage to count staff on shift.

    The import pipeline calls this with rows it has already parsed, resolved to staff and
    area ids and checked against the uploader's areas. Keyed on (staff, area, start): a
    re-import updates end times and inserts nothing twice. Times must be aware."""
    incoming: dict[tuple[int, int, dt.datetime], RotaRow] = {}
    for row in rows:
        if timezone.is_naive(row.starts_at) or timezone.is_naive(row.ends_at):
            raise ValueError("rota times must be timezone-aware")
        if row.ends_at <= row.starts_at:
            raise ValueError("a rota entry must end after it starts")
        incoming[(row.staff_id, row.area_id, row.starts_at)] = row
    if not incoming:
        return RotaCounts(0, 0, 0)
    existing = {
        (entry.staff_id, entry.area_id, entry.starts_at): entry.ends_at
        for entry in RotaEntry.objects.filter(
            staff_id__in={key[0] for key in incoming},
            starts_at__range=(
                min(key[2] for key in incoming),
                max(key[2] for key in incoming),
            ),
        )
    }
    unchanged = sum(1 for key, row in incoming.items() if existing.get(key) == row.ends_at)
    updated = sum(1 for key in incoming if key in existing) - unchanged
    RotaEntry.objects.bulk_create(
        [
            RotaEntry(
                staff_id=row.staff_id,
                area_id=row.area_id,
                starts_at=row.starts_at,
                ends_at=row.ends_at,
                batch_id=batch_id,
            )
            for key, row in incoming.items()
            if existing.get(key) != row.ends_at
        ],
        update_conflicts=True,
        unique_fields=["staff", "area", "starts_at"],
        update_fields=["ends_at", "batch", "updated_at"],
        batch_size=1000,
    )
    return RotaCounts(
        inserted=len(incoming) - updated - unchanged, updated=updated, unchanged=unchanged
    )


@transaction.atomic
def replace_rota_entries(*, rows: Iterable[RotaRow], batch_id: int | None = None) -> RotaCounts:
    """Store an e-roster extract as the record of who works when for the stretch it covers:
    its rows are recorded as ``record_rota_entries`` does, and any stored entry for one of
    its areas, starting on a day from that area's first to its last day in the extract,
    that the extract no longer lists is removed (someone taken off the rota). Entries for
    other areas, or outside those days, are left alone. Re-running it changes nothing."""
    rows = list(rows)
    counts = record_rota_entries(rows=rows, batch_id=batch_id)
    listed = {(row.staff_id, row.area_id, row.starts_at) for row in rows}
    removed: list[int] = []
    for area_id, (first, last) in _days_covered(rows).items():
        stored = RotaEntry.objects.filter(
            area_id=area_id,
            starts_at__gte=_local_midnight(first),
            starts_at__lt=_local_midnight(last + dt.timedelta(days=1)),
        ).values_list("pk", "staff_id", "starts_at")
        removed += [
            pk for pk, staff_id, starts_at in stored if (staff_id, area_id, starts_at) not in listed
        ]
    if removed:
        RotaEntry.objects.filter(pk__in=removed).delete()
    return RotaCounts(counts.inserted, counts.updated, counts.unchanged, removed=len(removed))


def _days_covered(rows: Iterable[RotaRow]) -> dict[int, tuple[dt.date, dt.date]]:
    """Per area, the first and last local day on which a listed stretch starts."""
    covered: dict[int, tuple[dt.date, dt.date]] = {}
    for row in rows:
        day = timezone.localdate(row.starts_at)
        first, last = covered.get(row.area_id, (day, day))
        covered[row.area_id] = (min(first, day), max(last, day))
    return covered


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))
