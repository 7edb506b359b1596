"""Merging training completions (LMS exports, classroom registers): one row per staff member
and course, keeping the latest completion date. ORM-based, in the caller's transaction.

The same person and course on two lines with different dates is not a conflict: a learning
system lists every attempt, and the latest completion wins. Rows that are not completions
(a learning system's enrolments, marked ``NOT_COMPLETED`` by the stager) are skipped and
counted in a notice."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from adoption.imports.fields import NOT_COMPLETED
from adoption.imports.loading import Duplicate, MergeResult
from adoption.models import ImportBatch
from training.models import Completion


def merge_completions(
    *,
    batch_id: int,
    work_file: Path,
    present_fields: frozenset[str],
    correction: bool = False,  # the latest completion wins whatever the choice
) -> MergeResult:
    batch = ImportBatch.objects.select_related("uploaded_by").get(pk=batch_id)
    latest: dict[tuple[int, int], dt.date] = {}
    lines: dict[tuple[int, int], list[int]] = {}
    skipped = 0
    with work_file.open(newline="", encoding="utf-8") as handle:
        for line, staff_text, course_text, completed, status in csv.reader(handle):
            if status == NOT_COMPLETED:
                skipped += 1
                continue
            key = (int(staff_text), int(course_text))
            day = dt.date.fromisoformat(completed)
            latest[key] = max(day, latest.get(key, day))
            lines.setdefault(key, []).append(int(line))
    staff_ids = {staff_id for staff_id, _ in latest}
    existing = {
        (row.staff_id, row.course_id): row
        for row in Completion.objects.filter(staff_id__in=staff_ids)
    }
    new, changed = [], []
    for (staff_id, course_id), day in latest.items():
        row = existing.get((staff_id, course_id))
        if row is None:
            new.append(
                Completion(staff_id=staff_id, course_id=course_id, completed_on=day, batch=batch)
            )
        elif day > row.completed_on:
            row.completed_on, row.batch = day, batch
            changed.append(row)
    bulk_create_with_history(new, Completion, default_user=batch.uploaded_by)
    bulk_update_with_history(
        changed, Completion, ["completed_on", "batch"], default_user=batch.uploaded_by
    )
    repeated = [found for found in lines.values() if len(found) > 1]
    notices: tuple[str, ...] = ()
    if skipped:
        notices = (
            "1 row is not a completion (its status is not Completed) and was skipped."
            if skipped == 1
            else f"{skipped:,} rows are not completions (their status is not Completed) and "
            "were skipped.",
        )
    return MergeResult(
        notices=notices,
        staged=sum(len(found) for found in lines.values()),
        inserted=len(new),
        updated=len(changed),
        unchanged=len(latest) - len(new) - len(changed),
        duplicate_rows=sum(len(found) - 1 for found in repeated),
        duplicates=[Duplicate(found[0], found) for found in repeated],
    )
