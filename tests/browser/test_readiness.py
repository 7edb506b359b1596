"""Browser journey for readiness: a chair marks a criterion green with evidence on the
board, the heat-map cell updates in place, and the gate's sign-off page shows it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from golive.access import Access
from readiness.gates import services
from readiness.models import SignOffRole
from tests.browser.pages import assert_accessible, sign_in
from tests.conftest import Trust
from tests.readiness.conftest import Readiness, build_readiness

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def readiness(trust: Trust) -> Readiness:
    return build_readiness(trust)


def test_chair_marks_a_criterion_green_and_the_cell_and_gate_show_it(
    page: Page, live_server: Any, readiness: Readiness
) -> None:
    trust = readiness.trust
    gate = services.create_gate(
        access=Access(trust.programme_manager),
        go_live=trust.wave_1,
        name="T-7",
        days_before=7,
        required_roles=[SignOffRole.SRO, SignOffRole.CSO],
    )
    sign_in(page, live_server.url, "chair")

    page.get_by_role("link", name="Readiness").first.click()
    page.get_by_role("link", name="Assessment board").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Assessment board")
    cell = page.locator(f"#cell-{trust.ward_a.pk}-technology")
    expect(cell).to_contain_text("Not assessed")
    assert_accessible(page)

    cell.get_by_role("link", name="Sso login tested").click()
    editor = page.locator("#readiness-editor")
    expect(editor.get_by_role("heading", name="Sso login tested")).to_be_visible()
    editor.get_by_label("Status").select_option("green")
    editor.get_by_label("Evidence link").fill("https://example.nhs.uk/sso-test-log")
    assert_accessible(page)
    editor.get_by_role("button", name="Save criterion").click()

    expect(editor).to_contain_text("is now green")
    expect(cell).to_contain_text("Green")
    expect(cell).to_have_class("nhsuk-table__cell golive-rag-cell golive-rag-cell--green")
    # Ward A: 3 of 10 weight green.
    expect(page.locator(f"#score-{trust.ward_a.pk}")).to_contain_text("30.0%")
    expect(page).to_have_url(f"{live_server.url}/readiness/board/")
    assert_accessible(page)

    page.goto(f"{live_server.url}/readiness/gates/{gate.pk}/")
    expect(page.locator("#criteria-now")).to_contain_text("1 green")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gate T-7")
    assert_accessible(page)


def test_ward_manager_on_a_phone_reads_the_board(
    page: Page, live_server: Any, readiness: Readiness
) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, live_server.url, "wm")

    page.goto(f"{live_server.url}/readiness/board/")
    expect(page.locator("main")).to_contain_text("Ward A")
    expect(page.locator("main")).not_to_contain_text("Ward B")
    assert_accessible(page)
