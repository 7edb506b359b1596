"""A floorwalker logs a go-live ticket on a phone, in Debian's Chromium, with the axe-core
check on every page visited."""

from __future__ import annotations

import re
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


def test_a_desk_agent_sees_a_login_spike_escalates_and_works_the_queue(
    page: Page, live_server: Any, trust: Trust
) -> None:
    from golive.models import Role  # noqa: PLC0415
    from support import services  # noqa: PLC0415
    from tests import factories as f  # noqa: PLC0415

    ensure_reference_data()
    agent = f.UserFactory(username="agent", first_name="Dana", last_name="Desk")
    f.grant(agent, Role.SERVICE_DESK_AGENT, trust.programme)
    for number in range(12):
        services.log_ticket(
            user=agent,
            go_live=trust.wave_1,
            area=trust.ward_a if number % 2 else trust.ward_b,
            reporter_name="Sam",
            reporter_contact="ext 1",
            description="Cannot log in to the EPR" if number < 10 else "Printer jam on bay 2",
        )
    sign_in(page, live_server.url, "agent")
    page.goto(f"{live_server.url}/support/board/")
    main = page.locator("main")
    expect(main).to_contain_text("Spike: Access, login and single sign-on")
    assert_accessible(page)

    # A refresh while focus is on the board's buttons is skipped; otherwise it swaps.
    refresh = """() => { document.getElementById('board-figures').dataset.old = 'yes';
        return htmx.ajax('GET', window.location.pathname,
                         {source: '#board-figures', target: '#board-figures', swap: 'outerHTML'})
                   .then(() => document.getElementById('board-figures').dataset.old || 'no') }"""
    page.get_by_role("button", name="Escalate to silver").first.focus()
    assert page.evaluate(refresh) == "yes"
    expect(page.get_by_role("button", name="Escalate to silver").first).to_be_focused()
    page.get_by_role("heading", level=1).click()
    assert page.evaluate(refresh) == "no"

    page.get_by_role("button", name="Escalate to silver").first.click()
    expect(main).to_contain_text("Escalated to silver")
    expect(main).to_contain_text("Dana Desk")

    page.goto(f"{live_server.url}/support/tickets/")
    page.get_by_label("Priority").select_option("P3")
    page.get_by_role("button", name="Filter tickets").click()
    expect(page).to_have_url(re.compile(r"priority=P3"))
    results = page.locator("#ticket-results")
    expect(results).not_to_have_class(re.compile("htmx-request"))
    expect(results).to_contain_text("12 tickets")
    assert_accessible(page)

    page.locator("#ticket-results").get_by_role("link").first.click()
    page.get_by_role("button", name="Claim").click()
    expect(main).to_contain_text("You have claimed")
    assert_accessible(page)

    page.goto(f"{live_server.url}/support/analytics/")
    expect(main).to_contain_text("Share by category")
    assert_accessible(page)

    for path in ("/support/log/?mode=phone", "/support/known-issues/", "/support/safety/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
