"""Ticket free text (what happened, resolution notes, comments) is for the people who log
and work tickets in the area; executives see figures (issue 22, F9)."""

from __future__ import annotations

import csv
import io
from typing import Any

from support import services
from support.models import Escalation, Ticket

TEXT = "Canary text: bed 4 missed a dose"
NOTE = "Canary resolution note"
COMMENT = "Canary comment for the reporter"


def _resolved(desk: Any, make_ticket: Any, *, clinical_safety: bool = False) -> Ticket:
    ticket = make_ticket(TEXT)
    services.add_comment(ticket=ticket, user=desk.agent, body=COMMENT, visibility="reporter")
    ticket.resolution_note = NOTE
    ticket.is_clinical_safety = clinical_safety
    ticket.save(update_fields=["resolution_note", "is_clinical_safety"])
    return ticket


def test_executive_ticket_export_leaves_what_happened_empty(
    desk: Any, use_wave_1: Any, make_ticket: Any
) -> None:
    _resolved(desk, make_ticket)

    body = use_wave_1(desk.executive).get("/support/analytics/tickets.csv").content.decode()

    rows = list(csv.DictReader(io.StringIO(body)))
    assert TEXT not in body
    assert [row["what_happened"] for row in rows] == [""]


def test_desk_ticket_export_keeps_what_happened(
    desk: Any, use_wave_1: Any, make_ticket: Any
) -> None:
    _resolved(desk, make_ticket)

    body = use_wave_1(desk.agent).get("/support/analytics/tickets.csv").content.decode()

    assert TEXT in body


def test_executive_ticket_xlsx_export_has_no_ticket_text(
    desk: Any, use_wave_1: Any, make_ticket: Any
) -> None:
    from openpyxl import load_workbook  # noqa: PLC0415

    _resolved(desk, make_ticket)

    response = use_wave_1(desk.executive).get("/support/analytics/tickets.xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert TEXT not in {cell for row in sheet.iter_rows(values_only=True) for cell in row}


def test_executive_ticket_page_shows_no_description_note_or_comments(
    desk: Any, use_wave_1: Any, make_ticket: Any
) -> None:
    ticket = _resolved(desk, make_ticket)
    ticket.resolution_type = Ticket.ResolutionType.CONFIGURATION
    ticket.save(update_fields=["resolution_type"])

    page = use_wave_1(desk.executive).get(f"/support/tickets/{ticket.pk}/").content.decode()

    assert ticket.reference in page
    for text in (TEXT, NOTE, COMMENT):
        assert text not in page, text


def test_ward_manager_ticket_page_keeps_description_and_comments(
    desk: Any, use_wave_1: Any, make_ticket: Any
) -> None:
    ticket = _resolved(desk, make_ticket)

    page = use_wave_1(desk.ward_manager).get(f"/support/tickets/{ticket.pk}/").content.decode()

    assert TEXT in page
    assert COMMENT in page


def test_executive_api_tickets_and_comments_carry_no_text(
    desk: Any, use_wave_1: Any, make_ticket: Any
) -> None:
    ticket = _resolved(desk, make_ticket)
    client = use_wave_1(desk.executive)

    row = client.get(f"/api/v1/tickets/{ticket.pk}/").json()
    comments = client.get(f"/api/v1/tickets/{ticket.pk}/comments/").json()

    assert (row["reference"], row["description"], row["resolution_note"]) == (
        ticket.reference,
        "",
        "",
    )
    assert comments == []


def test_desk_api_tickets_keep_their_text(desk: Any, use_wave_1: Any, make_ticket: Any) -> None:
    ticket = _resolved(desk, make_ticket)

    row = use_wave_1(desk.agent).get(f"/api/v1/tickets/{ticket.pk}/").json()

    assert (row["description"], row["resolution_note"]) == (TEXT, NOTE)


def test_executive_safety_list_shows_no_ticket_text(
    desk: Any, use_wave_1: Any, make_ticket: Any
) -> None:
    ticket = _resolved(desk, make_ticket, clinical_safety=True)

    page = use_wave_1(desk.executive).get("/support/safety/").content.decode()

    assert ticket.reference in page
    assert TEXT not in page


def test_escalating_a_ticket_puts_no_ticket_text_on_the_board(
    desk: Any, use_wave_1: Any, make_ticket: Any
) -> None:
    ticket = make_ticket(TEXT)

    use_wave_1(desk.agent).post(f"/support/tickets/{ticket.pk}/escalate/")

    summary = Escalation.objects.get(ticket=ticket).summary
    assert ticket.reference in summary
    assert TEXT not in summary
