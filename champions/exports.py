"""CSV and XLSX exports of designations and rosters. CSV cells are formula-escaped by
``golive.exports``; XLSX cells are written as text, never as formulas."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from champions.models import Assignment, Designation
from champions.selectors import counts
from champions.visibility import Visibility
from golive.exports import csv_response

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DESIGNATION_HEADER = (
    "Area",
    "Site",
    "Staff number",
    "Name",
    "Role",
    "Status",
    "Super-user training",
    "Counts towards target",
    "Confidence with clinical systems (1-5)",
    "Leadership (1-5)",
    "Note",
    "For",
    "Nominated by",
    "Nominated at",
    "Agreed at",
)
ROSTER_HEADER = (
    "Day",
    "Shift",
    "Starts",
    "Ends",
    "Area",
    "Staff number",
    "Name",
    "Role",
)


def _local(value: object) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""  # type: ignore[arg-type]


def designation_rows(
    designations: Iterable[Designation], *, visibility: Visibility
) -> Iterator[Sequence[object]]:
    """One row per designation; what the reader may not see of a person
    (``champions.visibility``) is left empty, so the columns stay the same for everyone."""
    for row in designations:
        sight = visibility.of(area=row.area, staff=row.staff)
        yield (
            row.area.name,
            row.area.site.name,
            row.staff.staff_number if sight.staff_number else "",
            row.staff.full_name if sight.names else "",
            row.get_kind_display(),
            row.get_status_display(),
            "Completed" if getattr(row, "trained", False) else "Not completed",
            "Yes" if counts(row) else "No",
            row.systems_confidence if sight.details else "",
            row.leadership if sight.details else "",
            row.note if sight.details else "",
            row.go_live.name if row.go_live else "Whole programme",
            row.nominated_by.display_name if row.nominated_by and sight.names else "",
            _local(row.nominated_at),
            _local(row.agreed_at),
        )


def roster_rows(
    assignments: Iterable[Assignment], *, visibility: Visibility
) -> Iterator[Sequence[object]]:
    for row in assignments:
        sight = visibility.of(area=row.shift.area, staff=row.staff)
        yield (
            row.shift.day.isoformat(),
            row.shift.name,
            _local(row.starts_at),
            _local(row.ends_at),
            row.shift.area.name,
            row.staff.staff_number if sight.staff_number else "",
            row.staff.full_name if sight.names else "",
            row.designation.get_kind_display(),
        )


def xlsx_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Export")
    sheet.append(list(header))
    for row in rows:
        sheet.append([_text_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _text_cell(sheet: Any, value: object) -> object:
    """Strings as text cells: openpyxl would store "=..." as a formula."""
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def respond(
    stem: str, fmt: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    if fmt == "csv":
        return csv_response(f"{stem}.csv", header, rows)
    if fmt == "xlsx":
        return xlsx_response(f"{stem}.xlsx", header, rows)
    raise Http404("Exports are CSV or XLSX.")
