"""Merging an e-roster extract (who works which shift, where): the staff on shift that
champion coverage targets are counted against. Thousands of rows; the champions app's
service stores them, keyed on staff member, area and start, in the caller's transaction.
An extract is the whole rota for the areas and days it covers, so shifts it no longer
lists there are removed (and counted in a notice)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from adoption.imports.loading import DUPLICATE_REPORT_CAP, ConflictFound, Duplicate, MergeResult
from adoption.models import ImportBatch
from champions.rota import RotaRow, record_rota_entries, replace_rota_entries

_Key = tuple[int, int, dt.datetime]  # staff member, area, start


def merge_roster(
    *,
    batch_id: int,
    work_file: Path,
    present_fields: frozenset[str],
    correction: bool = False,  # an e-roster extract replaces the rota it covers anyway
) -> MergeResult:
    """Store the extract's shifts (keyed on staff member, area and start). A shift listed
    twice with different ends is a conflict: none of its lines is stored, and every one is
    returned as a conflict for the pipeline to refuse the batch on (or leave out)."""
    listed: dict[_Key, list[tuple[int, RotaRow]]] = {}
    with work_file.open(newline="", encoding="utf-8") as handle:
        for line_text, staff_text, area_text, starts_text, ends_text in csv.reader(handle):
            row = RotaRow(
                staff_id=int(staff_text),
                area_id=int(area_text),
                starts_at=dt.datetime.fromisoformat(starts_text),
                ends_at=dt.datetime.fromisoformat(ends_text),
            )
            listed.setdefault((row.staff_id, row.area_id, row.starts_at), []).append(
                (int(line_text), row)
            )
    rows: dict[_Key, RotaRow] = {}
    lines: dict[_Key, list[int]] = {}
    conflicts: list[ConflictFound] = []
    for key, found in listed.items():
        ends = {row.ends_at for _, row in found}
        if len(ends) == 1:
            rows[key] = found[0][1]
            lines[key] = [line for line, _ in found]
            continue
        # Which end is right cannot be known: no line of the shift is stored, not even the
        # first, and each is reported against the first line that differs from it.
        for at, row in found:
            other, theirs = next((o, r) for o, r in found if r.ends_at != row.ends_at)
            conflicts.append(
                ConflictFound(
                    line=at,
                    fields=("ends_at",),
                    values=((row.ends_at.isoformat(), theirs.ends_at.isoformat()),),
                    other_line=other,
                )
            )
    conflicts.sort(key=lambda conflict: conflict.line)
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
        staged=sum(len(found) for found in lines.values()) + len(conflicts),
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
        duplicate_rows=sum(len(found) - 1 for found in repeated),
        duplicates=[Duplicate(found[0], found) for found in repeated],
        conflicts=tuple(conflicts[:DUPLICATE_REPORT_CAP]),
        conflict_rows=len(conflicts),
    )
