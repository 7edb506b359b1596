"""Browser journey for programme set-up: a programme manager, on a phone, adds a site and two
areas and a go-live with one of them in scope."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from golive.models import Area, GoLive
from tests.browser.pages import assert_accessible, sign_in
from tests.conftest import Trust

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_screen(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_programme_manager_on_a_phone_adds_a_site_two_areas_and_a_go_live(
    page: Page, live_server: Any, trust: Trust
) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, live_server.url, "pm")

    page.goto(f"{live_server.url}/setup/")
    assert_accessible(page)
    page.get_by_role("link", name="Sites", exact=True).first.click()
    page.get_by_role("button", name="Add a site").click()
    page.get_by_label("Code").fill("RCH")
    page.get_by_label("Name").fill("Riverside Community Hospital")
    assert_accessible(page)
    page.get_by_role("button", name="Save site").click()
    expect(page.locator("main")).to_contain_text("Riverside Community Hospital was saved.")
    assert fits_the_screen(page)

    page.goto(f"{live_server.url}/setup/areas/new/")
    for code, name in (("RIV1", "Riverside Ward"), ("RIV2", "Willow Ward")):
        page.get_by_label("Site").select_option(label="Riverside Community Hospital")
        page.get_by_label("Code").fill(code)
        page.get_by_label("Name").fill(name)
        page.get_by_role("button", name="Save and add another").click()
        expect(page.locator("main")).to_contain_text(
            f"{name} (Riverside Community Hospital) was saved."
        )
    assert_accessible(page)

    page.goto(f"{live_server.url}/setup/go-lives/new/")
    page.get_by_label("Name").fill("Wave R")
    page.get_by_label("User go-live").fill("2027-06-01")
    page.get_by_label("Technical go-live").fill("2027-06-10")
    page.get_by_text("Riverside Community Hospital (2 areas)").click()
    page.get_by_label("Riverside Ward (RIV1)").check()
    page.get_by_role("button", name="Save go-live").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "technical go-live must be on or before"
    )
    assert_accessible(page)
    page.get_by_label("Technical go-live").fill("2027-05-25")
    page.get_by_role("button", name="Save go-live").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wave R")
    assert_accessible(page)
    assert fits_the_screen(page)

    assert sorted(Area.objects.filter(site__code="RCH").values_list("code", flat=True)) == [
        "RIV1",
        "RIV2",
    ]
    assert list(GoLive.objects.get(name="Wave R").areas.values_list("code", flat=True)) == ["RIV1"]
