"""CSV and XLSX exports of the assessment board: one row per criterion. CSV cells are
formula-escaped by ``golive.exports``; XLSX strings are written as text, never formulas."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence

from django.http import Http404, HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from golive.exports import csv_response
from readiness.assessment.selectors import Board

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = (
    "Site",
    "Area",
    "Domain",
    "Criterion",
    "Weight",
    "Status",
    "Live figure",
    "Pass rule",
    "Evidence link",
    "Comment",
    "Owner",
    "Updated at",
    "Area score (%)",
)


def rows(board: Board) -> Iterator[Sequence[object]]:
    for row in board.rows:
        for cell in row.cells:
            for state in cell.states:
                criterion = state.criterion
                yield (
                    row.area.site.name,
                    row.area.name,
                    criterion.template.get_domain_display(),
                    criterion.template.title,
                    criterion.template.weight,
                    state.rag_label,
                    state.figure,
                    state.threshold,
                    criterion.evidence_link,
                    criterion.comment,
                    criterion.owner.display_name if criterion.owner else "",
                    timezone.localtime(criterion.updated_at).strftime("%Y-%m-%d %H:%M")
                    if criterion.updated_at
                    else "",
                    row.score.percent,
                )


def _xlsx(filename: str, board: Board) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Readiness")
    sheet.append(list(HEADER))
    for values in rows(board):
        cells: list[object] = []
        for value in values:
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # text, so "=..." is never stored as a formula
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def respond(stem: str, fmt: str, board: Board) -> HttpResponse:
    if fmt == "csv":
        return csv_response(f"{stem}.csv", HEADER, rows(board))
    if fmt == "xlsx":
        return _xlsx(f"{stem}.xlsx", board)
    raise Http404("Exports are CSV or XLSX.")
