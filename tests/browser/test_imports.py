"""The import journey in Debian's Chromium: upload, watch the progress, download the error
report; an axe-core accessibility check on every page visited."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from adoption.imports import pipeline, tasks
from tests.browser.pages import assert_accessible, sign_in
from tests.conftest import EVENTS_HEADER, Trust

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker(monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path) -> list[int]:
    """Stands in for the broker: collects the batch ids the upload queues, so the test can
    play the worker at a moment of its choosing."""
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"
    queued: list[int] = []
    monkeypatch.setattr(tasks.run_import, "delay", queued.append)
    return queued


def test_programme_manager_uploads_a_file_watches_it_and_downloads_the_error_report(
    page: Page, live_server: Any, trust: Trust, broker: list[int]
) -> None:
    extract = (
        f"{EVENTS_HEADER}\n"
        "E1,2026-10-01 09:00:00,login,,EPR1,nursing,N/WA,\n"
        "E2,2026-10-01 09:05:00,order_placed,pathology,EPR1,nursing,N/WA,\n"
        "E3,2026-13-01 09:10:00,login,,EPR2,nursing,N/WA,\n"
    )
    sign_in(page, live_server.url, "pm")
    page.goto(f"{live_server.url}/adoption/")
    assert_accessible(page)

    page.get_by_role("link", name="Imports", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Imports")
    assert_accessible(page)

    page.get_by_role("button", name="Upload a file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload a file")
    assert_accessible(page)
    page.get_by_label("Kind of file").select_option(label="EPR event extract")
    page.get_by_label("Mapping profile").select_option(value="golive-events")
    page.get_by_label("File", exact=True).set_input_files(
        files=[{"name": "ward-a.csv", "mimeType": "text/csv", "buffer": extract.encode()}]
    )
    page.get_by_role("button", name="Upload file").click()

    expect(page).to_have_url(re.compile(r"/adoption/imports/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("ward-a.csv")
    status = page.locator("#batch-status")
    status_tag = status.locator(".nhsuk-tag")
    expect(status_tag).to_have_text("Queued")
    expect(page.get_by_role("progressbar")).to_be_visible()
    assert_accessible(page)

    # Play the worker just after a poll, so the page sees the batch go from queued to final.
    assert len(broker) == 1
    with page.expect_response(lambda response: "/adoption/imports/" in response.url):
        pass
    pipeline.run(broker[0])

    expect(status_tag).to_have_text("Rejected", timeout=10_000)
    expect(status).not_to_have_attribute("hx-trigger", re.compile(".*"))
    expect(page.get_by_role("progressbar")).to_have_count(0)
    expect(page.locator("#golive-announcer")).to_contain_text("Rejected")
    expect(page.get_by_role("table", name="Problems, by line")).to_contain_text("INVALID_DATE")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download the full error report")).click()
    download = download_info.value
    assert download.suggested_filename == f"golive-batch-{broker[0]}-errors.csv"
    report = list(csv.reader(io.StringIO(Path(download.path()).read_text())))
    assert report[0] == ["line", "column", "code", "message", "value", "expected"]
    assert [row[:3] for row in report[1:]] == [["4", "occurred_at", "INVALID_DATE"]]
