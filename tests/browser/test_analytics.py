"""Adoption analytics in Chromium: dashboard, recording a change, reading the before/after
summary and exporting XLSX, with an axe-core check on every page visited."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.adoption.conftest import import_events, known  # noqa: F401 - fixtures
from tests.browser.pages import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_programme_manager_marks_a_change_reads_before_and_after_and_exports_xlsx(
    page: Page,
    live_server: Any,
    known: Any,  # noqa: F811 - the fixture imported above
) -> None:
    known.wave_1.user_go_live_date = dt.date(2025, 3, 30)
    known.wave_1.save()
    base = live_server.url
    sign_in(page, base, "pm")
    page.get_by_label("Go-live", exact=True).select_option(value=str(known.wave_1.pk))
    page.get_by_role("button", name="Switch").click()

    page.goto(f"{base}/adoption/dashboard/?start=2025-03-29&end=2025-03-31")
    main = page.locator("main")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Adoption dashboard")
    expect(main).to_contain_text("Active users per day: 2 areas of Wave 1")
    assert_accessible(page)

    # The filters are open: the URL already has some.
    page.get_by_label("Area", exact=True).select_option(label="Ward A")
    page.get_by_role("button", name="Apply filters").click()
    expect(main).to_contain_text("Active users per day: Ward A")
    expect(page).to_have_url(re.compile(rf"area={known.ward_a.pk}"))
    assert_accessible(page)

    page.get_by_role("link", name="Changes (markers on the charts)").click()
    page.get_by_role("link", name="Record a change").click()
    assert_accessible(page)
    page.get_by_label("What changed").select_option("configuration")
    page.get_by_label("Date").fill("2025-03-30")
    page.get_by_label("Title").fill("Order set simplified")
    page.get_by_label("Ward A").check()
    page.get_by_role("button", name="Save change").click()
    expect(main).to_contain_text("Order set simplified")
    assert_accessible(page)

    page.get_by_role("link", name="Before and after Order set simplified").click()
    page.get_by_label("Metric").select_option(label="Active users per day")
    page.get_by_label("Days before").fill("3")
    page.get_by_label("Days after").fill("3")
    page.get_by_label("Settling days").fill("0")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator(".nhsuk-inset-text")).to_contain_text(
        "Active users per day on Ward A rose 50%"
    )
    assert_accessible(page)

    page.goto(f"{base}/adoption/dashboard/?start=2025-03-29&end=2025-03-31")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (XLSX) (areas)").click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert sheet is not None
    names = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["Ward A", "Ward B"]

    page.get_by_role("link", name="who they are").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Staff not yet using the EPR")
    assert_accessible(page)

    # The programme's board pack, as the trust board would print it.
    page.goto(f"{base}/adoption/programme/?start=2025-03-29&end=2025-03-31")
    page.get_by_role("link", name="Board pack (print-friendly)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("EPR adoption across EPR")
    expect(main).to_contain_text("29 March 2025 to 31 March 2025")
    print_button = page.get_by_role("button", name="Print or save as PDF")
    expect(print_button).to_be_visible()
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_be_hidden()
    expect(print_button).to_be_hidden()
    expect(page.locator("table.golive-board-pack__weeks").first).to_be_visible()
    page.emulate_media(media="screen")
    page.goto(f"{base}/adoption/feedback/")
    page.get_by_label("Title").fill("Two weeks in")
    page.get_by_role("button", name="Open a survey").click()
    expect(main).to_contain_text("Link for staff")
    assert_accessible(page)


def test_staff_answer_the_survey_on_a_phone_without_an_account(
    page: Page,
    live_server: Any,
    known: Any,  # noqa: F811 - the fixture imported above
) -> None:
    from adoption.models import Survey, SurveyResponse  # noqa: PLC0415

    survey = Survey.objects.create(go_live=known.wave_1, title="Two weeks in")
    page.set_viewport_size({"width": 375, "height": 740})

    page.goto(f"{live_server.url}/adoption/feedback/s/{survey.token}/")
    assert_accessible(page)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose where you mostly work.")
    assert_accessible(page)

    page.get_by_label("Where do you mostly work?").select_option(label="Ward A")
    for fieldset in page.locator("fieldset").all():
        fieldset.get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Send my answers").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert_accessible(page)
    assert SurveyResponse.objects.get().answers() == [4, 4, 4, 4, 4]
