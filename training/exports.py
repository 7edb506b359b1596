"""Exports as CSV (formula-escaped) or XLSX: the huddle list (who is not yet trained, booked
or overdue, with the courses each still needs), training-gap tickets by area, and
confidence checks as aggregates."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook

from golive import definitions, small_numbers
from golive.exports import csv_response, escape_formula
from golive.models import GoLive, RoleGroup
from training.confidence_checks import ConfidenceView
from training.models import Completion, ConfidenceResponse, Requirement
from training.selectors import STATUS_LABELS, GapRow

HEADER = (
    "Staff number",
    "Name",
    "Role group",
    "Job title",
    "Areas",
    "Status",
    "New starter",
    "Courses still needed",
)


def people_rows(people: Iterable[Any], go_live: GoLive) -> list[list[object]]:
    """One row per person; courses still needed come from the go-live's requirements."""
    needs: dict[str, list[tuple[int, str]]] = {}
    for requirement in Requirement.objects.filter(go_live=go_live).select_related("course"):
        needs.setdefault(requirement.role_group, []).append(
            (requirement.course_id, requirement.course.name)
        )
    groups = dict(RoleGroup.choices)
    people = list(
        people.prefetch_related(  # type: ignore[attr-defined]
            Prefetch("completions", queryset=Completion.objects.only("staff_id", "course_id"))
        )
    )
    rows = []
    for member in people:
        done = {completion.course_id for completion in member.completions.all()}
        missing = [name for pk, name in needs.get(member.role_group, []) if pk not in done]
        rows.append(
            [
                member.staff_number,
                member.full_name,
                groups.get(member.role_group, member.role_group),
                member.job_title,
                "; ".join(area.name for area in member.areas.all()),
                STATUS_LABELS[member.status],
                "Yes" if member.new_starter else "No",
                "; ".join(missing),
            ]
        )
    return rows


def _filename(go_live: GoLive, extension: str) -> str:
    return f"training-{slugify(go_live.name)}.{extension}"


def as_csv(go_live: GoLive, rows: list[list[object]]) -> HttpResponse:
    return csv_response(_filename(go_live, "csv"), HEADER, rows)


def as_xlsx(go_live: GoLive, rows: list[list[object]]) -> HttpResponse:
    return _xlsx(_filename(go_live, "xlsx"), "Not yet trained", HEADER, rows)


def _xlsx(
    filename: str, title: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append(list(header))
    for row in rows:
        # Text, escaped like the CSV: a name such as "=cmd" must never become a formula.
        sheet.append([escape_formula(cell) for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


GAP_HEADER = (
    "Site",
    "Area",
    "Course code",
    "Course",
    "Training-gap tickets",
    "Last logged",
    "Must do the course",
    "Completed it (refresher candidates)",
    "Not yet completed",
)
GAP_NAMES_HEADER = ("Refresher candidates (staff number: name)",)


def gap_header(*, with_names: bool) -> tuple[str, ...]:
    return GAP_HEADER + GAP_NAMES_HEADER if with_names else GAP_HEADER


def gap_rows(rows: Iterable[GapRow], *, with_names: bool) -> list[list[object]]:
    """One row per area and course with training-gap tickets; the refresher candidates by
    name only for those who may see staff. No ticket text: it may carry patient details."""
    table = []
    for row in rows:
        line: list[object] = [
            row.area.site.name,
            row.area.name,
            row.course.code if row.course else "",
            row.course.name if row.course else "No course named",
            row.tickets,
            timezone.localtime(row.last_logged).date().isoformat(),
            "" if row.must_do is None else row.must_do,
            "" if row.completed is None else row.completed,
            "" if row.not_yet_done is None else row.not_yet_done,
        ]
        if with_names:
            line.append("; ".join(f"{m.staff_number}: {m.full_name}" for m in row.candidates))
        table.append(line)
    return table


def gaps_as_csv(go_live: GoLive, rows: list[list[object]], *, with_names: bool) -> HttpResponse:
    name = f"training-gaps-{slugify(go_live.name)}.csv"
    return csv_response(name, gap_header(with_names=with_names), rows)


def gaps_as_xlsx(go_live: GoLive, rows: list[list[object]], *, with_names: bool) -> HttpResponse:
    name = f"training-gaps-{slugify(go_live.name)}.xlsx"
    return _xlsx(name, "Training gaps by area", gap_header(with_names=with_names), rows)


def confidence_header() -> list[str]:
    return [
        "Grouping",
        "Group",
        "Responses",
        "Average (1 to 5)",
        f"{definitions.label('training.confidence.not_ready_share')}, %",
        definitions.label("training.confidence.low"),
        "Worries (count)",
    ]


def confidence_notes() -> list[str]:
    return definitions.notes(
        ["training.confidence.not_ready_share", "training.confidence.low", small_numbers.KEY]
    )


def confidence_rows(view: ConfidenceView) -> list[list[object]]:
    """Aggregates only: a group below the small-number rule is a row saying so, with no
    figures; the overall row is built from shown groups only. No names, no comments."""
    labels = dict(ConfidenceResponse.Worry.choices)
    groups = [("Area", g) for g in view.by_area] + [("Role group", g) for g in view.by_role_group]
    if view.overall is not None:
        groups.append(("All shown groups", view.overall))
    rows: list[list[object]] = []
    for grouping, group in groups:
        if group.suppressed:
            note = definitions.label(small_numbers.KEY)
            rows.append([grouping, group.group, note, "", "", "", ""])
            continue
        worries = "; ".join(f"{labels.get(key, key)} ({n})" for key, n in group.worries)
        share = "" if group.low_share is None else round(100 * group.low_share, 1)
        low = "Yes" if group.is_low else "No"
        rows.append([grouping, group.group, group.responses, group.mean, share, low, worries])
    return rows


def confidence_as_csv(go_live: GoLive, rows: list[list[object]]) -> HttpResponse:
    """The table, then a blank row and the definitions as "Note:" rows."""
    name = f"confidence-{slugify(go_live.name)}.csv"
    trailer = [[], *([f"Note: {note}"] for note in confidence_notes())]
    return csv_response(name, confidence_header(), [*rows, *trailer])


def confidence_as_xlsx(go_live: GoLive, rows: list[list[object]]) -> HttpResponse:
    """The table, then a blank row and the definitions as "Note:" rows."""
    name = f"confidence-{slugify(go_live.name)}.xlsx"
    trailer = [[], *([f"Note: {note}"] for note in confidence_notes())]
    return _xlsx(name, "Confidence", confidence_header(), [*rows, *trailer])
