"""The training journey in Debian's Chromium: a training lead sees the go-live behind its
trajectory, imports completions, and the chart and alert update; a ward manager exports their
untrained list for the huddle. An axe-core check on every page visited."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from adoption.imports import pipeline, tasks
from golive.models import Role
from tests import factories as f
from tests.browser.pages import assert_accessible, sign_in
from tests.conftest import Trust
from training.models import Course, Requirement, TrainingPlan, TrajectoryPoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker(monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path) -> list[int]:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"
    queued: list[int] = []
    monkeypatch.setattr(tasks.run_import, "delay", queued.append)
    return queued


@pytest.fixture
def behind_plan(trust: Trust) -> None:
    """Two courses required of nurses on wave 1; the plan says half should be trained by
    today; nobody is yet."""
    today = timezone.localdate()
    go_live = trust.wave_1
    for code, name in (("EPR101", "Basics"), ("EPR201", "Workflows")):
        course = Course.objects.create(
            programme=trust.programme, code=code, name=name, delivery="e_learning"
        )
        Requirement.objects.create(
            go_live=go_live, course=course, role_group="nursing",
            due_on=go_live.user_go_live_date - dt.timedelta(days=7),
        )  # fmt: skip
    TrainingPlan.objects.create(go_live=go_live, target_percent=90)
    TrajectoryPoint.objects.create(
        go_live=go_live, on_date=today - dt.timedelta(days=7), planned_percent=0
    )
    TrajectoryPoint.objects.create(go_live=go_live, on_date=today, planned_percent=50)
    lead = f.UserFactory(username="lead")
    f.grant(lead, Role.TRAINING_LEAD, trust.programme)


@pytest.mark.usefixtures("behind_plan")
def test_training_lead_imports_completions_and_a_ward_manager_exports_the_untrained(
    page: Page, browser: Browser, live_server: Any, trust: Trust, broker: list[int]
) -> None:
    sign_in(page, live_server.url, "lead")
    page.goto(f"{live_server.url}/training/")
    page.get_by_role("button", name="Check alerts now").click()
    expect(page.locator(".nhsuk-warning-callout").first).to_contain_text(
        "Behind the planned trajectory"
    )
    expect(page.get_by_text("0 of 2 staff who must train")).to_be_visible()
    assert_accessible(page)

    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    completions = (
        "staff_number,course,completed_on\n"
        f"{trust.staff_b.staff_number},EPR101,{yesterday}\n"
        f"{trust.staff_b.staff_number},EPR201,{yesterday}\n"
        f"{trust.staff_a.staff_number},EPR101,{yesterday}\n"
    )
    page.goto(f"{live_server.url}/adoption/imports/new/")
    page.get_by_label("Kind of file").select_option(label="Training completions")
    page.get_by_label("Mapping profile").select_option(value="golive-training")
    page.get_by_label("File", exact=True).set_input_files(
        files=[{"name": "lms.csv", "mimeType": "text/csv", "buffer": completions.encode()}]
    )
    page.get_by_role("button", name="Upload file").click()
    expect(page).to_have_url(re.compile(r"/adoption/imports/\d+/$"))
    pipeline.run(broker[0])

    page.goto(f"{live_server.url}/training/")
    expect(page.get_by_text("1 of 2 staff who must train")).to_be_visible()
    page.get_by_text("Data table").first.click()
    today_row = page.get_by_role("row", name=re.compile(timezone.localdate().isoformat()))
    expect(today_row.first).to_contain_text("50.0")
    page.get_by_role("button", name="Check alerts now").click()
    expect(page.get_by_text("Alerts checked: none open.")).to_be_visible()
    expect(page.locator(".nhsuk-warning-callout")).to_have_count(0)
    assert_accessible(page)

    manager = browser.new_page()
    sign_in(manager, live_server.url, "wm")
    manager.goto(f"{live_server.url}/training/drill-down/")
    expect(manager.get_by_role("table", name=re.compile("People matching"))).to_contain_text(
        "Alice Ward-A"
    )
    expect(manager.get_by_text("Bob Ward-B")).to_have_count(0)
    assert_accessible(manager)
    with manager.expect_download() as download_info:
        manager.get_by_role("link", name=re.compile("Export CSV")).click()
    rows = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_text())))
    assert [(row[1], row[5], row[7]) for row in rows[1:]] == [
        ("Alice Ward-A", "Not yet trained", "Workflows")
    ]
    manager.close()
