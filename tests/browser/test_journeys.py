"""Browser journeys in Debian's Chromium, with an axe-core accessibility check on every page
the journey visits."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import assert_accessible, sign_in
from tests.conftest import Trust

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ward_manager_switches_go_live_and_sees_only_their_areas(
    page: Page, live_server: Any, trust: Trust
) -> None:
    sign_in(page, live_server.url, "wm")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Wave 1")
    assert_accessible(page)

    page.get_by_role("link", name="Readiness").first.click()
    main = page.locator("main")
    expect(main).to_contain_text("Ward A")
    expect(main).not_to_contain_text("Ward B")
    assert_accessible(page)

    page.get_by_label("Go-live", exact=True).select_option(value=str(trust.wave_2.pk))
    page.get_by_role("button", name="Switch").click()
    expect(page).to_have_url(f"{live_server.url}/readiness/")
    expect(main).to_contain_text("Wave 2")
    expect(main).to_contain_text("Ward A")
    expect(main).not_to_contain_text("Ward C")
    assert_accessible(page)

    page.get_by_role("link", name="Staff").first.click()
    expect(main).to_contain_text("Alice Ward-A")
    expect(main).not_to_contain_text("Bob Ward-B")
    expect(main).not_to_contain_text("Carol Ward-C")
    assert_accessible(page)


def test_staff_search_updates_results_in_place_with_htmx(
    page: Page, live_server: Any, trust: Trust
) -> None:
    sign_in(page, live_server.url, "pm")
    page.goto(f"{live_server.url}/staff/")

    page.get_by_label("Name, staff number or job title").fill("Carol")
    page.get_by_role("button", name="Filter").click()

    results = page.locator("#staff-results")
    expect(results).to_contain_text("Carol Ward-C")
    expect(results).not_to_contain_text("Alice Ward-A")
    expect(page).to_have_url(f"{live_server.url}/staff/?q=Carol&area=&role_group=")
    assert_accessible(page)


def test_executive_on_a_phone_sees_read_only_sections(
    page: Page, live_server: Any, trust: Trust
) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, live_server.url, "exec")

    expect(page.get_by_text("Read-only access")).to_be_visible()
    assert_accessible(page)
    for section in ("training", "adoption", "support"):
        page.goto(f"{live_server.url}/{section}/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
