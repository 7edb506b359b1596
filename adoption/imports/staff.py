"""Merging a staff list. Staff lists are thousands of rows, not millions, so this uses the ORM
(keeping audit history) rather than raw SQL; still one transaction, set-wise lookups.

One person may be on several lines, one per area they work in (their placements); lines of
one person that disagree about who they are (name, role group, job title, dates, EPR user
id) are conflicts, and that person is not written. A list marked as the full list
(``ImportBatch.mark_leavers``) also marks staff missing from it as leavers."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from adoption.imports.loading import DUPLICATE_REPORT_CAP, ConflictFound, Duplicate, MergeResult
from adoption.imports.permissions import capability_for
from adoption.models import ImportBatch
from golive.access import Access
from golive.identifiers import mask
from golive.models import Area, StaffMember

UPDATABLE = ("full_name", "role_group", "job_title", "start_date", "epr_user_id", "end_date")
IDENTIFYING = frozenset({"epr_user_id"})


@dataclass
class StaffLines:
    """The work file read back: each person's details (from their first line), their
    placements (number, area) -> lines, and, for people whose lines disagree, every one of
    their lines as a conflict."""

    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    placements: dict[tuple[str, int], list[int]] = field(default_factory=dict)
    conflicts: list[ConflictFound] = field(default_factory=list)
    conflicting: set[str] = field(default_factory=set)


def _shown(name: str, value: Any) -> str:
    text = "" if value is None else str(value)
    return mask(text) if name in IDENTIFYING and text else text


def _disagreements(lines: list[tuple[int, dict[str, Any]]]) -> list[ConflictFound]:
    """One person's lines, if they disagree: each line (identical repeats too, since which
    version is right cannot be known) against the first of their lines that differs from it."""
    found = []
    for line, values in lines:
        for other, theirs in lines:
            differing = tuple(key for key in UPDATABLE if values[key] != theirs[key])
            if differing:
                shown = tuple(
                    (_shown(key, values[key]), _shown(key, theirs[key])) for key in differing
                )
                found.append(ConflictFound(line, differing, shown, other_line=other))
                break
    return found


def _read(work_file: Path) -> StaffLines:
    found = StaffLines()
    lines: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    areas: dict[int, int] = {}
    with work_file.open(newline="", encoding="utf-8") as handle:
        for line_text, number, name, group, title, area, start, epr, end in csv.reader(handle):
            line = int(line_text)
            values = {
                "full_name": name,
                "role_group": group,
                "job_title": title,
                "start_date": dt.date.fromisoformat(start) if start else None,
                "epr_user_id": epr,
                "end_date": dt.date.fromisoformat(end) if end else None,
            }
            lines.setdefault(number, []).append((line, values))
            areas[line] = int(area)
    for number, theirs in lines.items():
        conflicts = _disagreements(theirs) if len(theirs) > 1 else []
        if conflicts:
            found.conflicting.add(number)
            found.conflicts.extend(conflicts)
            continue
        found.people[number] = theirs[0][1]
        for line, _ in theirs:
            found.placements.setdefault((number, areas[line]), []).append(line)
    found.conflicts.sort(key=lambda conflict: conflict.line)
    return found


def _manageable(batch: ImportBatch) -> QuerySet[StaffMember]:
    """Staff of the trust the uploader may mark as leavers: those placed solely in areas the
    uploader may import staff for; for a programme-wide uploader, the programme's areas (its
    go-lives' areas: a trust may run other programmes whose staff this list does not cover)."""
    staff = StaffMember.objects.filter(organisation_id=batch.programme.organisation_id)
    access = Access(batch.uploaded_by)
    capability = capability_for("staff")
    if access.has_programme_wide(capability, batch.programme):
        allowed = Area.objects.filter(go_lives__programme=batch.programme).values("pk")
    else:
        allowed = access.areas(capability, programme=batch.programme).values("pk")
    placed = StaffMember.areas.through.objects
    inside = placed.filter(area_id__in=allowed).values("staffmember_id")
    outside = placed.exclude(area_id__in=allowed).values("staffmember_id")
    return staff.filter(pk__in=inside).exclude(pk__in=outside)


def _mark_leavers(
    batch: ImportBatch, listed: set[str], today: dt.date
) -> tuple[int, tuple[str, ...]]:
    """Give staff missing from a full list, and not already leavers, an end date of today."""
    if batch.partial_allowed or batch.rows_rejected:
        # Rows rejected from this batch are missing from it too: they are not leavers. (A dry
        # run says so; a real run with rejected rows is rejected or partial.)
        return 0, (
            "Some rows were rejected, so no one missing from this list "
            f"{'would be' if batch.dry_run else 'was'} marked as a leaver; import the corrected "
            "full list to mark leavers.",
        )
    missing = StaffMember.objects.filter(
        organisation_id=batch.programme.organisation_id, end_date__isnull=True
    ).exclude(staff_number__in=listed)
    leavers = list(missing.filter(pk__in=_manageable(batch).values("pk")).order_by("pk"))
    for member in leavers:
        member.end_date = today
    bulk_update_with_history(leavers, StaffMember, ["end_date"], default_user=batch.uploaded_by)
    notices = []
    if leavers:
        who = "1 staff member" if len(leavers) == 1 else f"{len(leavers):,} staff"
        notices.append(
            f"{who} missing from this full list "
            f"{'would be' if batch.dry_run else 'was' if len(leavers) == 1 else 'were'} "
            f"marked as {'a leaver' if len(leavers) == 1 else 'leavers'} from {today:%-d %b %Y}."
        )
    outside = missing.count() - len(leavers)
    if outside:
        notices.append(
            f"{outside:,} staff missing from this list also work outside your areas, so they "
            f"{'would not be' if batch.dry_run else 'were not'} marked as leavers."
        )
    return len(leavers), tuple(notices)


def _rejoined(member: StaffMember, today: dt.date) -> bool:
    return member.end_date is not None and member.end_date <= today


def merge_staff(
    *,
    batch_id: int,
    work_file: Path,
    present_fields: frozenset[str],
    correction: bool = False,  # staff lists always update: every change is a correction
) -> MergeResult:
    """Insert new staff, update changed ones, add their areas. Call inside a transaction.
    Only fields the file supplies are updated: a list without job titles keeps the ones
    Golive has. A full list (``mark_leavers``) clears the end date of a leaver it lists again
    (they rejoined) unless it has an end date column, and marks staff it leaves out as
    leavers (not when rows were rejected). People whose lines conflict are not written;
    they are returned as ``conflicts`` for the pipeline to refuse the batch on."""
    batch = ImportBatch.objects.select_related("programme", "uploaded_by").get(pk=batch_id)
    full_list = batch.mark_leavers
    today = timezone.localdate()
    updatable = [name for name in UPDATABLE if name in present_fields]
    organisation_id = batch.programme.organisation_id
    found = _read(work_file)
    people, placements = found.people, found.placements
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
            continue
        fields = list(updatable)
        if full_list and "end_date" not in present_fields and _rejoined(member, today):
            fields.append("end_date")  # listed again on a full list: they rejoined
        if any(getattr(member, name) != values[name] for name in fields):
            for name in fields:
                setattr(member, name, values[name])
            changed.append(member)
    user = batch.uploaded_by
    bulk_create_with_history(new, StaffMember, default_user=user)
    if changed:
        fields = list(dict.fromkeys([*updatable, *(["end_date"] if full_list else [])]))
        bulk_update_with_history(changed, StaffMember, fields, default_user=user)
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
    leavers, notices = 0, ()  # type: tuple[int, tuple[str, ...]]
    if full_list:
        leavers, notices = _mark_leavers(batch, {*people, *found.conflicting}, today)
    duplicates = [Duplicate(lines[0], lines) for lines in placements.values() if len(lines) > 1]
    return MergeResult(
        staged=sum(len(lines) for lines in found.placements.values()) + len(found.conflicts),
        inserted=len(new),
        updated=len(changed),
        unchanged=len(people) - len(new) - len(changed),
        duplicate_rows=sum(len(lines) - 1 for lines in placements.values()),
        duplicates=duplicates,
        notices=notices,
        conflicts=tuple(found.conflicts[:DUPLICATE_REPORT_CAP]),
        conflict_rows=len(found.conflicts),
        leavers=leavers,
    )
