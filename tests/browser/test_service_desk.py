"""A floorwalker logs a go-live ticket on a phone, in Debian's Chromium, with the axe-core
check on every page visited."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from support.models import Ticket
from support.reference_data import ensure_reference_data
from tests.browser.pages import assert_accessible, sign_in
from tests.conftest import Trust

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_floorwalker_logs_a_ticket_on_a_phone(page: Page, live_server: Any, trust: Trust) -> None:
    ensure_reference_data()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "champ")
    page.goto(f"{live_server.url}/support/")
    assert_accessible(page)

    page.get_by_role("button", name="Log a ticket").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Log a ticket")
    # The champion works on one ward only, so "Where" is already filled in.
    expect(page.get_by_label("Where")).to_have_value(str(trust.ward_a.pk))
    page.get_by_label("Who is reporting, and how to reach them").fill("Sam Patel, bleep 2231")
    page.get_by_label("What happened").fill("My smartcard is not recognised")
    expect(page.locator("#log-suggestions")).to_contain_text("Smartcard")
    assert_accessible(page)

    page.get_by_role("button", name="Log ticket").click()
    ticket = Ticket.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ticket.reference)
    expect(page.locator("main")).to_contain_text("Access, login and single sign-on › Smartcard")
    assert_accessible(page)
    assert (ticket.reporter_contact, ticket.area_id) == ("bleep 2231", trust.ward_a.pk)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
