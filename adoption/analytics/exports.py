"""Tables as CSV (formula-escaped, see golive/exports.py) or XLSX (openpyxl). Text that a
spreadsheet would read as a formula is escaped in both: openpyxl stores a string that
starts with '=' as a formula."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.http import HttpResponse
from openpyxl import Workbook

from golive.exports import csv_response, escape_formula

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: object) -> object:
    if value is None or isinstance(value, int | float):
        return value
    return escape_formula(value)


def xlsx_response(
    filename: str,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    notes: Sequence[str] = (),
) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = title[:31]
    sheet.append([escape_formula(h) for h in header])
    for row in rows:
        sheet.append([_cell(value) for value in row])
    if notes:
        # Labels of the batches behind the figures (rows rejected, superseded, withdrawn).
        notes_sheet = workbook.create_sheet("Notes")
        notes_sheet.append(["Notes"])
        for note in notes:
            notes_sheet.append([escape_formula(note)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def table_response(
    fmt: str,
    name: str,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    notes: Sequence[str] = (),
) -> HttpResponse:
    """The table as XLSX (``notes`` on a sheet of their own) or CSV (``notes`` as rows after
    the table and a blank row, each starting "Note:")."""
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", title, header, rows, notes)
    trailer: list[Sequence[object]] = [[], *([f"Note: {note}"] for note in notes)] if notes else []
    return csv_response(f"{name}.csv", header, [*rows, *trailer])
