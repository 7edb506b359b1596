"""The mapping-profile builder in Debian's Chromium: a sample with codes and a ward Golive
does not know becomes a saved profile, without writing JSON; axe-core on every step."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from adoption.models import MappingProfile
from tests.browser.pages import assert_accessible, sign_in
from tests.conftest import Trust

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NHS_NUMBER = "9434765919"
SAMPLE = (
    "AUDIT_ID,EVENT_TIME,ACTION,USERNAME,WARD,NHS_NUMBER\n"
    f"A1,01/10/2026 09:00,LOGON,EPR1,Ward A,{NHS_NUMBER}\n"
    f"A2,01/10/2026 09:05,LOGON,EPR1,Ward 7B,{NHS_NUMBER}\n"
    f"A3,01/10/2026 09:10,Ord Sign,EPR2,Ward A,{NHS_NUMBER}\n"
)


def test_programme_manager_builds_a_profile_from_a_sample_with_unknown_codes_and_a_new_ward(
    page: Page, live_server: Any, trust: Trust
) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, live_server.url, "pm")
    page.goto(f"{live_server.url}/adoption/profiles/")
    page.get_by_role("link", name="Build a profile from a sample file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Build a mapping profile")
    assert_accessible(page)

    page.get_by_label("Kind of file").select_option(label="EPR event extract")
    page.get_by_label("Sample file").set_input_files(
        files=[{"name": "theatre.csv", "mimeType": "text/csv", "buffer": SAMPLE.encode()}]
    )
    page.get_by_role("button", name="Read the sample").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Which Golive field")
    expect(page.get_by_label("Golive field for ACTION")).to_have_value("event_type")
    expect(page.get_by_label("Golive field for WARD")).to_have_value("area")
    expect(page.get_by_label("How dates are written")).to_have_value("%d/%m/%Y %H:%M")
    expect(page.locator("main")).not_to_contain_text(NHS_NUMBER)
    assert_accessible(page)
    page.get_by_role("button", name="Continue to codes").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Codes that do not map yet")
    assert_accessible(page)
    page.get_by_label("Site").select_option(label="North Hospital")
    page.get_by_label("Area code").fill("W7B")
    page.get_by_label("Area name").fill("Ward 7B")
    page.get_by_role("button", name="Add area").click()

    expect(page.locator(".nhsuk-error-summary")).to_have_count(0)
    page.get_by_label("LOGON (2 rows)").select_option("login")
    page.get_by_label("Ord Sign (1 row)").select_option("order_placed")
    page.get_by_label("Ward A (2 rows)").select_option("N/WA")
    page.get_by_label("Ward 7B (1 row)").select_option("N/W7B")
    page.get_by_role("button", name="Continue to review").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Review and save")
    expect(page.locator("pre")).to_contain_text('"Ord Sign": "order_placed"')
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("Theatre audit")
    page.get_by_role("button", name="Save profile").click()

    expect(page).to_have_url(re.compile(r"/adoption/profiles/$"))
    expect(page.get_by_role("table", name=re.compile("Saved profiles"))).to_contain_text(
        "Theatre audit"
    )
    profile = MappingProfile.objects.get(name="Theatre audit")
    assert profile.spec["value_maps"]["area"] == {"Ward A": "N/WA", "Ward 7B": "N/W7B"}
    assert profile.version == 1
