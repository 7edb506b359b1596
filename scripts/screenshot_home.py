#!/usr/bin/env python3
"""Refresh README's screenshot of the home page, from a running demo (`make run`).

    .venv/bin/python scripts/screenshot_home.py [--url http://127.0.0.1:8000] [--user pm]

Signs in as a demo user in Debian's Chromium (Playwright cannot download its own here) and
writes docs/screenshots/home.png at 1280 px wide.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "home.png"
DEMO_PASSWORD = "golive-demo-login"  # noqa: S105 - seed_demo's, for every demo login
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="pm")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chromium, headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{args.url}/accounts/login/")
        page.get_by_label("Username").fill(args.user)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", level=1).wait_for()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT), full_page=False)
        browser.close()
    print(f"Wrote {OUT}")


if __name__ == "__main__":
    main()
