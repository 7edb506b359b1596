"""Browser journey for coverage: a ward manager fills a gap from the heat-map."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import assert_accessible, sign_in
from tests.champions.conftest import Champions
from tests.conftest import Trust

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ward_manager_fills_a_coverage_gap_and_the_cell_turns_green(
    page: Page, live_server: Any, trust: Trust
) -> None:
    champions = Champions(trust)
    shift = champions.shift(trust.ward_a, planned_staff=8)
    champions.designate(trust.staff_a, trust.ward_a)
    sign_in(page, live_server.url, "wm")

    page.get_by_role("link", name="Champions").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Coverage", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Coverage")
    cell = page.locator(f"#cell-{shift.pk}")
    expect(cell).to_contain_text("Gap: 1 needed")
    expect(cell).to_have_class("nhsuk-table__cell golive-cover golive-cover--gap")
    assert_accessible(page)

    cell.get_by_role("link", name="Fill gap").click()
    expect(cell.get_by_role("button", name="Assign Alice Ward-A")).to_be_visible()
    assert_accessible(page)
    cell.get_by_role("button", name="Assign Alice Ward-A").click()

    expect(cell).to_contain_text("Covered")
    expect(cell).to_have_attribute("data-covered", "true")
    expect(cell).to_have_class("nhsuk-table__cell golive-cover golive-cover--ok")
    expect(page).to_have_url(f"{live_server.url}/champions/coverage/")
    assert_accessible(page)


def test_ward_manager_on_a_phone_reads_the_designations_page(
    page: Page, live_server: Any, trust: Trust
) -> None:
    Champions(trust).designate(trust.staff_a, trust.ward_a, status="nominated")
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, live_server.url, "wm")

    page.goto(f"{live_server.url}/champions/")
    expect(page.locator("main")).to_contain_text("Alice Ward-A")
    assert_accessible(page)
    page.get_by_role("link", name="Record agreement for Alice Ward-A").click()
    page.get_by_label("Alice Ward-A has read and accepted the role agreement").check()
    page.get_by_role("button", name="Record agreement").click()
    expect(page.locator("main")).to_contain_text("Alice Ward-A is now agreed.")
    assert_accessible(page)
