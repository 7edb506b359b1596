"""Merging a staff list. Staff lists are thousands of rows, not millions, so this uses the ORM
(keeping audit history) rather than raw SQL; still one transaction, set-wise lookups."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from adoption.imports.loading import Duplicate, MergeResult
from adoption.models import ImportBatch
from golive.models import StaffMember

UPDATABLE = ("full_name", "role_group", "job_title", "start_date", "epr_user_id")


def _read(work_file: Path) -> tuple[dict[str, dict[str, Any]], dict[tuple[str, int], list[int]]]:
    people: dict[str, dict[str, Any]] = {}
    placements: dict[tuple[str, int], list[int]] = {}
    with work_file.open(newline="", encoding="utf-8") as handle:
        for line, number, name, group, title, area, start, epr in csv.reader(handle):
            placements.setdefault((number, int(area)), []).append(int(line))
            people.setdefault(
                number,
                {
                    "full_name": name,
                    "role_group": group,
                    "job_title": title,
                    "start_date": dt.date.fromisoformat(start) if start else None,
                    "epr_user_id": epr,
                },
            )
    return people, placements


def merge_staff(
    *, batch_id: int, work_file: Path, present_fields: frozenset[str], correction: bool = False
) -> MergeResult:
    """Insert new staff, update changed ones, add their areas. Call inside a transaction.
    Only fields the file supplies are updated: a list without job titles keeps the ones
    Golive has."""
    updatable = [name for name in UPDATABLE if name in present_fields]
    batch = ImportBatch.objects.select_related("programme", "uploaded_by").get(pk=batch_id)
    organisation_id = batch.programme.organisation_id
    people, placements = _read(work_file)
    existing = {
        member.staff_number: member
        for member in StaffMember.objects.filter(
            organisation_id=organisation_id, staff_number__in=list(people)
        )
    }
    new, changed = [], []
    for number, values in people.items():
        member = existing.get(number)
        if member is None:
            new.append(StaffMember(organisation_id=organisation_id, staff_number=number, **values))
        elif any(getattr(member, name) != values[name] for name in updatable):
            for name in updatable:
                setattr(member, name, values[name])
            changed.append(member)
    user = batch.uploaded_by
    bulk_create_with_history(new, StaffMember, default_user=user)
    if changed:
        bulk_update_with_history(changed, StaffMember, updatable, default_user=user)
    ids = dict(
        StaffMember.objects.filter(
            organisation_id=organisation_id, staff_number__in=list(people)
        ).values_list("staff_number", "pk")
    )
    through = StaffMember.areas.through
    through.objects.bulk_create(
        [through(staffmember_id=ids[number], area_id=area) for number, area in placements],
        ignore_conflicts=True,
    )
    duplicates = [Duplicate(lines[0], lines) for lines in placements.values() if len(lines) > 1]
    duplicate_rows = sum(len(lines) - 1 for lines in placements.values())
    return MergeResult(
        staged=sum(len(lines) for lines in placements.values()),
        inserted=len(new),
        updated=len(changed),
        unchanged=len(people) - len(new) - len(changed),
        duplicate_rows=duplicate_rows,
        duplicates=duplicates,
    )
