"""Merging an e-roster extract (who works which shift, where): the staff on shift that
champion coverage targets are counted against. Thousands of rows; the champions app's
service stores them, keyed on staff member, area and start, in the caller's transaction.
An extract is the whole rota for the areas and days it covers, so shifts it no longer
lists there are removed (and counted in a notice)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from adoption.imports.loading import Duplicate, MergeResult
from adoption.models import ImportBatch
from champions.rota import RotaRow, record_rota_entries, replace_rota_entries


def merge_roster(
    *, batch_id: int, work_file: Path, present_fields: frozenset[str], correction: bool = False
) -> MergeResult:
    rows: dict[tuple[int, int, dt.datetime], RotaRow] = {}
    lines: dict[tuple[int, int, dt.datetime], list[int]] = {}
    with work_file.open(newline="", encoding="utf-8") as handle:
        for line, staff_text, area_text, starts_text, ends_text in csv.reader(handle):
            row = RotaRow(
                staff_id=int(staff_text),
                area_id=int(area_text),
                starts_at=dt.datetime.fromisoformat(starts_text),
                ends_at=dt.datetime.fromisoformat(ends_text),
            )
            key = (row.staff_id, row.area_id, row.starts_at)
            rows.setdefault(key, row)  # the first line wins, as for every other kind
            lines.setdefault(key, []).append(int(line))
    # A batch committed without its rejected rows does not list every shift it should, so
    # nothing it leaves out can be taken as removed from the rota.
    partial = ImportBatch.objects.filter(pk=batch_id, partial_allowed=True).exists()
    store = record_rota_entries if partial else replace_rota_entries
    counts = store(rows=rows.values(), batch_id=batch_id)
    repeated = [found for found in lines.values() if len(found) > 1]
    notices: tuple[str, ...] = ()
    if partial:
        notices = (
            "Some rows were rejected, so shifts missing from this file were kept; import "
            "the corrected file to remove shifts taken off the rota.",
        )
    elif counts.removed:
        notices = (
            f"{counts.removed:,} shift{'s' if counts.removed != 1 else ''} no longer in the "
            "e-roster for these areas and days "
            f"{'were' if counts.removed != 1 else 'was'} removed.",
        )
    return MergeResult(
        notices=notices,
        staged=sum(len(found) for found in lines.values()),
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
        duplicate_rows=sum(len(found) - 1 for found in repeated),
        duplicates=[Duplicate(found[0], found) for found in repeated],
    )
