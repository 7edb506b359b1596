"""Shared steps for browser journeys: sign in, and check a page with axe-core."""

from __future__ import annotations

import time
from base64 import b32decode
from pathlib import Path
from typing import Any

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
PASSWORD = "correct-horse-battery"


def assert_accessible(page: Page) -> None:
    """No serious or critical axe-core violations on the current page."""
    page.evaluate(AXE_SOURCE)
    violations: list[dict[str, Any]] = page.evaluate(
        """async () => (await axe.run(document, {
            runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']
        })).violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' '))}))"""
    )
    serious = [v for v in violations if v["impact"] in {"serious", "critical"}]
    assert serious == [], f"{page.url}: {serious}"


def sign_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Sign in with a password, then set up or enter the second factor if asked."""
    page.goto(f"{base_url}/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    if "/second-factor/set-up/" in page.url:
        set_up_authenticator(page)
    elif "/second-factor/verify/" in page.url:
        enter_security_code(page, username)


def totp_code(key: bytes, *, after_step: int = -1) -> str:
    """The code an authenticator app shows now, or the next one if the current step has been
    used already (Golive accepts one step either side, never a step twice)."""
    totp = TOTP(key)
    totp.time = time.time()
    if totp.t() <= after_step:
        totp.time += 30
    return f"{totp.token():06d}"


def set_up_authenticator(page: Page) -> None:
    """What a programme-wide user does after the password: type the secret into an
    authenticator (here, computed), confirm with its code, pass the recovery codes."""
    assert_accessible(page)
    secret = (page.get_by_test_id("totp-secret").text_content() or "").replace(" ", "")
    page.get_by_label("Security code").fill(totp_code(b32decode(secret)))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="I have saved my recovery codes").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def enter_security_code(page: Page, username: str) -> None:
    assert_accessible(page)
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    page.get_by_label("Security code").fill(totp_code(device.bin_key, after_step=device.last_t))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
