"""What a batch's report says about conflicting duplicates and corrected rows: the merge
(``loading.merge_events``) finds them, this turns them into located, masked issues and a
notice naming the batches (and profile versions) whose rows a correction replaced."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from adoption.imports.loading import ConflictFound, MergeResult
from adoption.imports.profiles import Profile
from adoption.imports.rows import Issue, column_name
from adoption.models import ImportBatch

CODE = "CONFLICTING_DUPLICATE"
LABELS = {
    "occurred_at": "time",
    "event_type": "event type",
    "order_type": "order type",
    "user_id": "EPR user id",
    "role": "role group",
    "area": "area",
    "patient_id": "patient",
}


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _differences(conflict: ConflictFound) -> str:
    shown = [
        f"{LABELS.get(name, name.replace('_', ' '))} ({this or 'blank'} / {other or 'blank'})"
        for name, (this, other) in zip(conflict.fields, conflict.values, strict=True)
    ]
    return f"a different {_listed(shown)}"


# What makes two rows of a kind "the same record" (events: ``SAME_EVENT``).
SAME_RECORD = {
    "staff": "has the same staff number as",
    "roster": "is the same shift (staff member, area and start) as",
    "training": "is the same completion (staff member and course) as",
}


def conflict_issue(conflict: ConflictFound, profile: Profile, *, by_event_id: bool) -> Issue:
    """One conflict as its row's issue: located at the first differing field's column."""
    same = SAME_RECORD.get(
        profile.kind, "has the same event id as" if by_event_id else "is the same event as"
    )
    if conflict.other_line is not None:
        message = (
            f"Line {conflict.line} {same} line {conflict.other_line} but with "
            f"{_differences(conflict)}; line {conflict.line} was not imported: fix the file."
        )
    else:
        message = (
            f"Line {conflict.line} {same} an event batch {conflict.other_batch} committed, "
            f"but with {_differences(conflict)}; it was not imported. To replace the "
            "committed rows, upload the file as a correction (a programme manager's choice)."
        )
    first = conflict.fields[0] if conflict.fields else ""
    column = column_name(profile, first) if first else ""
    value = conflict.values[0][0] if conflict.values else ""
    return Issue(conflict.line, column, CODE, message, value)


def conflict_issues(
    conflicts: Iterable[ConflictFound], profile: Profile, present_fields: frozenset[str]
) -> list[Issue]:
    by_event_id = "event_id" in present_fields
    return [conflict_issue(found, profile, by_event_id=by_event_id) for found in conflicts]


def _profile(name: str, version: int | None) -> str:
    return name if version is None else f"{name} v{version}"


def superseded_notices(merged: MergeResult, batch: ImportBatch) -> list[str]:
    """One notice per earlier batch whose rows this correction replaced (or, a dry run,
    would replace)."""
    if not merged.superseded:
        return []
    earlier = ImportBatch.objects.filter(pk__in=merged.superseded).values_list(
        "pk", "profile_name", "profile_version"
    )
    used = (
        f"v{batch.profile_version}"
        if batch.profile_version is not None
        else f"profile {batch.profile_name}"
    )
    return [
        f"{'Would update' if batch.dry_run else 'Updated'} {merged.superseded[pk]:,} "
        f"{'row' if merged.superseded[pk] == 1 else 'rows'} first imported by batch {pk} "
        f"(profile {_profile(name, version)}); this batch used {used}."
        for pk, name, version in sorted(earlier)
    ]


def already_imported_notices(batch: ImportBatch) -> list[str]:
    """A dry run of a file a real upload already committed says so (checking it again is
    allowed; importing it would be refused as already imported)."""
    if not batch.dry_run:
        return []
    earlier = (
        ImportBatch.objects.filter(
            programme_id=batch.programme_id,
            kind=batch.kind,
            sha256=batch.sha256,
            dry_run=False,
            status=ImportBatch.Status.COMMITTED,
        )
        .select_related("uploaded_by")
        .order_by("uploaded_at")
        .first()
    )
    if earlier is None:
        return []
    when = timezone.localtime(earlier.uploaded_at)
    return [
        f"This file was already imported on {when:%d %b %Y at %H:%M} by "
        f"{earlier.uploaded_by.get_username()} (batch {earlier.pk}): importing it again would "
        "change nothing."
    ]
