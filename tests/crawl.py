"""A crawler for tests: signed in as someone, follow every same-site link, htmx fragment URL
and API link, and check each response's protections (headers, no-store, no inline script)."""

from __future__ import annotations

import json
from collections import Counter, deque
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Visit a route at most this often (pagination, filters and per-object links repeat).
VISITS_PER_ROUTE = 2
# Links the crawl must not follow: they leave, sign out or belong to superusers only.
SKIPPED_PREFIXES = ("/admin/", "/static/", "/accounts/logout/")


def csp_directives(response: Any) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives[name] = value.strip()
    return directives


def assert_security_headers(response: Any, url: str) -> None:
    headers = response.headers
    assert headers.get("X-Content-Type-Options") == "nosniff", url
    assert headers.get("Referrer-Policy") == "same-origin", url
    assert headers.get("X-Frame-Options") == "DENY", url
    assert csp_directives(response) == EXPECTED_CSP, url


class PageParser(HTMLParser):
    """Collects links and htmx URLs, and anything a strict CSP would block."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.htmx_urls: list[str] = []
        self.blocked: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if values.get("hx-get"):
            self.htmx_urls.append(values["hx-get"] or "")
        if tag == "script" and not values.get("src") and values.get("type") != "application/json":
            self.blocked.append("inline <script>")
        for name, value in attrs:
            if name.startswith("on") or name == "style" or name.startswith("hx-on"):
                self.blocked.append(f"{tag}[{name}]")
            if (value or "").strip().lower().startswith("javascript:"):
                self.blocked.append(f"{tag}[{name}=javascript:]")


def _json_links(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _json_links(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_links(item)
    elif isinstance(value, str) and value.startswith(("http://testserver/", "/api/")):
        yield value


def _local_path(base: str, href: str) -> str | None:
    absolute = urljoin(f"http://testserver{base}", href)
    parts = urlsplit(absolute)
    if parts.netloc != "testserver" or parts.path.startswith(SKIPPED_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _route_name(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def _onward(path: str, response: Any, problems: list[str]) -> Iterator[tuple[str, bool]]:
    """Where a response leads: (path, fetch as htmx) pairs; inline-script findings go to
    ``problems``."""
    content_type = response.headers.get("Content-Type", "")
    hrefs: list[tuple[str, bool]] = []
    if response.status_code in {301, 302}:
        hrefs = [(response["Location"], False)]
    elif content_type.startswith("text/html"):
        parser = PageParser()
        parser.feed(response.content.decode())
        problems.extend(f"{path}: {blocked}" for blocked in parser.blocked)
        hrefs = [(href, False) for href in parser.links]
        hrefs += [(href, True) for href in parser.htmx_urls]
    elif content_type.startswith("application/json"):
        hrefs = [(href, False) for href in _json_links(json.loads(response.content))]
    for href, as_htmx in hrefs:
        target = _local_path(path, href)
        if target:
            yield target, as_htmx


def crawl(
    client: Client,
    starts: list[str],
    *,
    responses: list[tuple[str, Any]] | None = None,
    found_on: dict[str, str] | None = None,
) -> tuple[Counter[str], list[str]]:
    """GET every reachable page, fragment, export and API link; return the routes visited and
    every problem found. Each (path, response) is appended to ``responses`` when given, and
    ``found_on`` records, for each path, the page whose link led to it first."""
    queue: deque[tuple[str, bool]] = deque((start, False) for start in starts)
    seen: set[tuple[str, bool]] = set()
    visits: Counter[str] = Counter()
    problems: list[str] = []
    while queue:
        path, as_htmx = queue.popleft()
        route = _route_name(path)
        if (path, as_htmx) in seen or route is None or visits[route] >= VISITS_PER_ROUTE:
            continue
        seen.add((path, as_htmx))
        visits[route] += 1
        response = client.get(path, headers={"HX-Request": "true"} if as_htmx else {})
        if responses is not None:
            responses.append((path, response))
        if response.status_code >= 500:
            problems.append(f"{path}: status {response.status_code}")
            continue
        if "no-store" not in response.headers.get("Cache-Control", ""):
            problems.append(f"{path}{' (htmx)' if as_htmx else ''}: no Cache-Control: no-store")
        try:
            assert_security_headers(response, path)
        except AssertionError:
            problems.append(f"{path}: security headers {dict(response.headers)}")
        for target, target_htmx in _onward(path, response, problems):
            if found_on is not None:
                found_on.setdefault(target, path)
            queue.append((target, target_htmx))
    return visits, problems
