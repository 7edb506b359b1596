"""The Content Security Policy breaks nothing: a tour of the main pages of the demo trust in
Chromium reports no CSP violation, and the scripts the pages rely on (NHS.UK frontend, htmx,
Chart.js, Swagger UI) still run under it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import ConsoleMessage, Page, expect

from golive.demo import DEMO_PASSWORD
from tests.browser.pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOUR = (
    "/",
    "/staff/",
    "/readiness/",
    "/readiness/board/",
    "/training/",
    "/champions/",
    "/adoption/",
    "/adoption/dashboard/",
    "/support/",
    "/support/log/",
    "/support/board/",
    "/support/analytics/",
)
# Records violations from the moment each document starts, before any page script runs.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def _violations(page: Page) -> list[str]:
    found: list[str] = page.evaluate("window.__cspViolations || []")
    return found


def test_tour_of_the_main_pages_and_api_docs_reports_no_csp_violation_and_scripts_run(
    page: Page, live_server: Any
) -> None:
    call_command("seed_demo", "--staff", "40", "--allow-non-debug", stdout=None)
    console: list[str] = []

    def keep_csp_messages(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            console.append(f"{page.url}: {message.text}")

    page.on("console", keep_csp_messages)
    page.add_init_script(RECORD_VIOLATIONS)
    base = live_server.url
    # The programme manager sets up an authenticator first: that page is on the tour too.
    sign_in(page, base, "pm", DEMO_PASSWORD)

    violations: list[str] = []
    charts_drawn = 0
    for path in TOUR:
        page.goto(f"{base}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        # init.mjs (a module importing NHS.UK frontend) ran, and htmx loaded.
        expect(page.locator("body.js-enabled")).to_have_count(1)
        assert page.evaluate("typeof window.htmx") == "object", path
        page.wait_for_load_state("networkidle")
        charts_drawn += page.evaluate(
            "[...document.querySelectorAll('canvas[data-golive-chart]')]"
            ".filter((canvas) => window.Chart && Chart.getChart(canvas)).length"
        )
        violations += [f"{path}: {found}" for found in _violations(page)]

    page.goto(f"{base}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Golive API", timeout=20_000)
    expect(page.locator(".opblock").first).to_be_visible()
    violations += [f"/api/docs/: {found}" for found in _violations(page)]

    assert violations == []
    assert console == []
    assert charts_drawn >= 3
