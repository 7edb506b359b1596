"""Getting an import right and putting it right, in Debian's Chromium: a programme manager
builds a profile from a sample with codes and a ward Golive does not know, checks the file
with a dry run, imports it, finds a ward mapped wrongly, withdraws the batch, corrects the
profile and imports the file again. axe-core on the pages of each step."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from adoption.imports import pipeline, tasks, withdrawing
from adoption.models import Event, ImportBatch, MappingProfile
from tests.browser.pages import assert_accessible, sign_in
from tests.conftest import Trust

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NHS_NUMBER = "9434765919"
EXTRACT = (
    "AUDIT_ID,EVENT_TIME,ACTION,USERNAME,WARD,NHS_NUMBER\n"
    f"A1,01/10/2026 09:00,LOGON,EPR1,Ward A,{NHS_NUMBER}\n"
    f"A2,01/10/2026 09:05,LOGON,EPR2,Ward C,{NHS_NUMBER}\n"
    f"A3,01/10/2026 09:10,Ord Sign,EPR2,Ward C,{NHS_NUMBER}\n"
    f"A4,02/10/2026 10:00,Ord Sign,EPR1,Ward A,{NHS_NUMBER}\n"
)


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path) -> list[int]:
    """Stands in for the broker: collects what the pages queue, so the test plays the worker
    (imports and withdrawals) when it chooses."""
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"
    queued: list[int] = []
    monkeypatch.setattr(tasks.run_import, "delay", queued.append)
    monkeypatch.setattr(tasks.withdraw_batch, "delay", queued.append)
    return queued


def _build_profile(page: Page, base: str) -> None:
    """The analyst's first go: every code mapped, but Ward C read as Ward B."""
    page.goto(f"{base}/adoption/profiles/")
    page.get_by_role("link", name="Build a profile from a sample file").click()
    page.get_by_label("Kind of file").select_option(label="EPR event extract")
    page.get_by_label("Sample file").set_input_files(
        files=[{"name": "sample.csv", "mimeType": "text/csv", "buffer": EXTRACT.encode()}]
    )
    page.get_by_role("button", name="Read the sample").click()
    expect(page.get_by_label("Golive field for WARD")).to_have_value("area")
    expect(page.locator("main")).not_to_contain_text(NHS_NUMBER)
    page.get_by_role("button", name="Continue to codes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Codes that do not map yet")
    assert_accessible(page)
    page.get_by_label("LOGON (2 rows)").select_option("login")
    page.get_by_label("Ord Sign (2 rows)").select_option("order_placed")
    page.get_by_label("Ward A (2 rows)").select_option("N/WA")
    page.get_by_label("Ward C (2 rows)").select_option("N/WB")  # the mistake
    page.get_by_role("button", name="Continue to review").click()
    page.get_by_label("Name", exact=True).fill("Ward audit")
    page.get_by_role("button", name="Save profile").click()
    expect(page).to_have_url(re.compile(r"/adoption/profiles/$"))


def _upload(page: Page, base: str, *, dry_run: bool) -> None:
    page.goto(f"{base}/adoption/imports/new/")
    page.get_by_label("Kind of file").select_option(label="EPR event extract")
    page.get_by_label("Mapping profile").select_option(value="Ward audit")
    page.get_by_label("File", exact=True).set_input_files(
        files=[{"name": "ward-audit.csv", "mimeType": "text/csv", "buffer": EXTRACT.encode()}]
    )
    if dry_run:
        page.get_by_label(re.compile("Check only")).check()
    page.get_by_role("button", name="Upload file").click()
    expect(page).to_have_url(re.compile(r"/adoption/imports/\d+/$"))


def _play_worker(queue: list[int], work: Any) -> None:
    assert len(queue) == 1
    work(queue.pop())


def test_programme_manager_builds_checks_imports_withdraws_and_reimports_a_corrected_file(
    page: Page, live_server: Any, trust: Trust, queue: list[int]
) -> None:
    base = live_server.url
    sign_in(page, base, "pm")
    _build_profile(page, base)

    # A dry run: the report says what would happen, and nothing is imported.
    _upload(page, base, dry_run=True)
    _play_worker(queue, pipeline.run)
    page.reload()
    expect(page.locator("#batch-status .nhsuk-tag")).to_have_text("Dry run finished")
    expect(page.locator("main")).to_contain_text("Dry run: nothing was imported.")
    expect(page.locator("main")).to_contain_text("Would be inserted")
    assert_accessible(page)
    assert not Event.objects.exists()

    # The real import.
    _upload(page, base, dry_run=False)
    _play_worker(queue, pipeline.run)
    page.reload()
    expect(page.locator("#batch-status .nhsuk-tag")).to_have_text("Committed")
    first = ImportBatch.objects.get(status="committed")
    assert Event.objects.filter(area=trust.ward_b).count() == 2  # Ward C's rows, misread

    # The mistake is found: withdraw the batch, with a reason.
    page.get_by_role("link", name=re.compile("Withdraw this batch")).click()
    assert_accessible(page)
    page.get_by_role("button", name=f"Withdraw batch {first.pk}").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("withdraw")  # reason needed
    page.get_by_label("Why are you withdrawing this batch?").fill(
        "Ward C was mapped to Ward B in the profile."
    )
    page.get_by_role("button", name=f"Withdraw batch {first.pk}").click()
    expect(page).to_have_url(re.compile(rf"/adoption/imports/{first.pk}/$"))
    _play_worker(queue, withdrawing.run)
    page.reload()
    expect(page.locator("main")).to_contain_text("Withdrawn")
    expect(page.locator("main")).to_contain_text("Ward C was mapped to Ward B in the profile.")
    assert_accessible(page)
    assert not Event.objects.exists()

    # The profile is corrected (a new version) and the same file imported again.
    profile = MappingProfile.objects.get(name="Ward audit")
    page.goto(f"{base}/adoption/profiles/{profile.pk}/edit/")
    spec = page.get_by_label("Mapping (JSON)")
    spec.fill(spec.input_value().replace('"Ward C": "N/WB"', '"Ward C": "S/WC"'))
    page.get_by_role("button", name=re.compile("Save")).click()
    expect(page.locator(".nhsuk-error-summary")).to_have_count(0)
    profile.refresh_from_db()
    assert profile.version == 2

    _upload(page, base, dry_run=False)
    _play_worker(queue, pipeline.run)
    page.reload()
    expect(page.locator("#batch-status .nhsuk-tag")).to_have_text("Committed")
    assert_accessible(page)
    second = ImportBatch.objects.get(status="committed")
    assert second.profile_version == 2
    assert Event.objects.filter(area=trust.ward_c).count() == 2
    assert not Event.objects.filter(area=trust.ward_b).exists()
    assert Event.objects.filter(batch=second).count() == 4
