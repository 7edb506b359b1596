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
    filename: str, title: str, header: Sequence[str], rows: Sequence[Sequence[object]]
) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = title[:31]
    sheet.append([escape_formula(h) for h in header])
    for row in rows:
        sheet.append([_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def table_response(
    fmt: str, name: str, title: str, header: Sequence[str], rows: Sequence[Sequence[object]]
) -> HttpResponse:
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", title, header, rows)
    return csv_response(f"{name}.csv", header, rows)
