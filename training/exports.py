"""The huddle list as CSV (formula-escaped) or XLSX: who is not yet trained, booked or
overdue, with the courses each still needs."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook

from golive.exports import csv_response, escape_formula
from golive.models import GoLive, RoleGroup
from training.models import Completion, Requirement
from training.selectors import STATUS_LABELS

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
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Not yet trained")
    sheet.append(list(HEADER))
    for row in rows:
        # Text, escaped like the CSV: a name such as "=cmd" must never become a formula.
        sheet.append([escape_formula(cell) for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(go_live, "xlsx")}"'
    response["Cache-Control"] = "no-store"
    return response
