"""User-entered text never becomes markup or a spreadsheet formula.

Every free-text field people type into (tickets, comments, criteria notes, hazards, sit-reps,
champion notes, known issues, survey answers, change markers, imported names...) is filled
with a payload that is at once an XSS attempt and a spreadsheet formula; the crawler then
reads every page, htmx fragment, API response and export the programme manager reaches.
"""

from __future__ import annotations

import csv
import html
import io
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from golive.exports import FORMULA_PREFIXES
from golive.models import User
from tests.crawl import crawl

MARK = "XSSMARK"
MARKUP = (
    '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    "<a href=\"javascript:alert(3)\">j</a><b style='x'>{{7*7}}{% now 'Y' %}</b>"
)
# A formula prefix first, so exports must escape it; then the markup, so pages must escape it.
# "{row}" keeps values distinct where a field is unique per area (external references).
PAYLOADS = [f"{prefix}{MARK}{{row}}{MARKUP}" for prefix in FORMULA_PREFIXES] + [
    f"javascript:alert(4)//{MARK}{{row}}{MARKUP}",
    f'=HYPERLINK("http://example.invalid","{MARK}{{row}}"){MARKUP}',
]
USER_TEXT_FIELDS = {
    "golive.Release": ["description"],
    "golive.StaffMember": ["full_name", "job_title"],
    "readiness.Meeting": ["notes"],
    "readiness.Decision": ["text"],
    "readiness.Action": ["description"],
    "readiness.Criterion": ["comment"],
    "readiness.SignOff": ["note"],
    "readiness.Hazard": ["title", "cause", "effect", "controls"],
    "readiness.SitRep": ["summary"],
    "readiness.CommsItem": ["title", "audience"],
    "readiness.EngagementEvent": ["title"],
    "training.ScopeChange": ["reason"],
    "training.ConfidenceResponse": ["comment"],
    "champions.Designation": ["note", "withdrawal_reason"],
    "champions.CoverRequest": ["reason"],
    "adoption.ChangeMarker": ["title", "description"],
    "adoption.Metric": ["description"],
    "adoption.MappingProfile": ["description"],
    "adoption.Survey": ["title"],
    "adoption.FeedbackTheme": ["you_said", "we_did"],
    "adoption.SurveyResponse": ["comment"],
    "support.KnownIssue": ["title", "description", "workaround"],
    "support.Ticket": ["reporter_name", "description", "resolution_note", "external_reference"],
    "support.TicketComment": ["body"],
    "support.Escalation": ["summary"],
    "support.SatisfactionResponse": ["comment"],
}


def fill_user_text_with_payloads() -> int:
    """Every row's user-text fields get a payload (cut to the field's length); returns the
    number of rows changed."""
    changed = 0
    turn = 0
    for label, names in USER_TEXT_FIELDS.items():
        model = apps.get_model(label)
        for pk in model.objects.values_list("pk", flat=True):
            values = {}
            for name in names:
                limit = model._meta.get_field(name).max_length
                payload = PAYLOADS[turn % len(PAYLOADS)].replace("{row}", str(pk))
                turn += 1
                values[name] = payload[:limit] if limit else payload
            changed += model.objects.filter(pk=pk).update(**values)
    return changed


def export_cells(response: Any) -> list[tuple[str, str | None]]:
    """(text, openpyxl data type) for each cell of a CSV or XLSX export."""
    content_type = response.headers.get("Content-Type", "")
    if content_type.startswith("text/csv"):
        # Long exports (the audit trail) are streamed.
        body = b"".join(response.streaming_content) if response.streaming else response.content
        rows = csv.reader(io.StringIO(body.decode("utf-8-sig")))
        return [(cell, None) for row in rows for cell in row]
    book = load_workbook(io.BytesIO(response.content))
    return [
        (str(cell.value), cell.data_type)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


@pytest.mark.django_db
def test_user_text_is_escaped_on_every_page_fragment_and_export() -> None:
    call_command("seed_demo", "--staff", "40", "--allow-non-debug", stdout=None)
    assert fill_user_text_with_payloads() > 100
    client = Client()
    client.force_login(User.objects.get(username="pm"))
    responses: list[tuple[str, Any]] = []

    _visits, problems = crawl(client, ["/", "/api/v1/"], responses=responses)

    # crawl() reports any inline <script>, on* or style attribute and javascript: URL.
    assert problems == []
    shown = [
        path
        for path, response in responses
        if response.headers.get("Content-Type", "").startswith("text/html")
        and "{{7*7}}{% now 'Y' %}" in html.unescape(response.content.decode())
    ]
    assert len(shown) >= 10, "the payloads were not displayed, so nothing was tested"
    exports = [
        (path, response)
        for path, response in responses
        if response.headers.get("Content-Type", "").startswith(
            ("text/csv", "application/vnd.openxmlformats")
        )
    ]
    # A CSV cell is read as a formula when it starts with a prefix, so those are escaped. An
    # XLSX cell is one only when stored as a formula; text cells ("s") are never evaluated.
    unsafe = [
        f"{path}: {text[:40]!r}"
        for path, response in exports
        for text, data_type in export_cells(response)
        if data_type == "f"
        or (data_type is None and MARK in text and text.startswith(FORMULA_PREFIXES))
    ]
    assert unsafe == []
    carried = {
        path.rsplit(".", 1)[-1]
        for path, response in exports
        if any(MARK in text for text, _type in export_cells(response))
    }
    assert carried >= {"csv", "xlsx"}, "no export carried a payload, so nothing was tested"
