"""Browser protections: security headers on every response, no caching of pages for signed-in
users, CSRF refused on every unsafe route, and pages free of inline script and styles.

The crawl signs in as the demo programme manager and follows every same-site link, htmx
fragment URL and API link it finds, so new pages are covered without listing them here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern, URLPattern, URLResolver

from golive.models import User
from tests.conftest import Trust
from tests.crawl import PageParser, assert_security_headers, crawl
from tests.golive.test_settings import PRODUCTION_ENV, _manage


@pytest.mark.django_db
def test_every_page_fragment_export_and_api_link_the_programme_manager_reaches_is_protected(
    client: Client,
) -> None:
    call_command("seed_demo", "--staff", "40", "--allow-non-debug", stdout=None)
    client.force_login(User.objects.get(username="pm"))

    visits, problems = crawl(client, ["/", "/api/v1/", "/api/v1/me/", "/api/docs/"])

    assert problems == []
    namespaces = {route.split(":")[0] for route in visits if ":" in route}
    assert {"readiness", "training", "champions", "adoption", "support"} <= namespaces
    api_routes = [route for route in visits if route.endswith(("-list", "-detail"))]
    assert len(api_routes) >= 20, sorted(visits)
    assert sum(visits.values()) >= 100, sorted(visits)


def test_sign_in_page_carries_the_security_headers_and_csp(client: Client, db: None) -> None:
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert_security_headers(response, "/accounts/login/")
    assert "unsafe" not in response.headers["Content-Security-Policy"]


def test_api_docs_load_swagger_ui_from_files_the_csp_allows(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    page = client.get("/api/docs/")
    script = client.get("/api/docs/?script=")

    parser = PageParser()
    parser.feed(page.content.decode())
    assert parser.blocked == []
    assert "<style" not in page.content.decode()
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
    assert_security_headers(page, "/api/docs/")


def test_production_sends_hsts_and_redirects_plain_http_to_https() -> None:
    probe = (
        "import json\n"
        "from django.test import Client\n"
        "client = Client(HTTP_HOST='golive.example.nhs.uk')\n"
        "secure = client.get('/healthz', secure=True)\n"
        "plain = client.get('/healthz')\n"
        "print(json.dumps({'secure': dict(secure.headers), 'plain_status': plain.status_code,"
        " 'plain_location': plain.headers.get('Location')}))\n"
    )
    result = _manage("shell", "--no-imports", "-c", probe, env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    secure = seen["secure"]
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert secure["X-Content-Type-Options"] == "nosniff"
    assert secure["Referrer-Policy"] == "same-origin"
    assert secure["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in secure["Content-Security-Policy"]
    assert seen["plain_status"] == 301
    assert seen["plain_location"] == "https://golive.example.nhs.uk/healthz"


def test_development_sends_no_hsts(client: Client, db: None) -> None:
    # HSTS on a laptop's 127.0.0.1 would pin the browser to HTTPS for every local project.
    assert "Strict-Transport-Security" not in client.get("/accounts/login/").headers


def _sample_path(pattern: RoutePattern | RegexPattern) -> str:
    """A concrete path for a URL pattern, with placeholder values for its parameters."""
    text = str(pattern)
    if isinstance(pattern, RoutePattern):
        samples = {"int": "1", "uuid": "00000000-0000-0000-0000-000000000001"}

        def fill(match: re.Match[str]) -> str:
            converter = match.group(1) or "str"
            if converter == "drf_format_suffix":
                return ".json"
            return samples.get(converter, "x")

        return re.sub(r"<(?:(\w+):)?\w+>", fill, text)
    text = text.removeprefix("^").removesuffix("$")
    text = re.sub(r"\(\?P<app_label>[^)]*\)", "golive", text)
    return re.sub(r"\([^)]*\)", "1", text)


def _all_routes(
    patterns: list[URLPattern | URLResolver], prefix: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _all_routes(entry.url_patterns, prefix + _sample_path(entry.pattern))
        else:
            yield "/" + prefix + _sample_path(entry.pattern), entry


def _unsafe_requests_accepted_without_a_token(
    user: User, method: str, *, prefix: str = "/"
) -> list[str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    routes = [(p, r) for p, r in _all_routes(get_resolver().url_patterns) if p.startswith(prefix)]
    assert len(routes) > 100
    accepted = []
    for path, pattern in routes:
        # The sample path must reach this pattern's view, or a 404 would pass for a 403.
        assert resolve(path).func == pattern.callback, path
        response = getattr(client, method)(path, {}, content_type="application/json")
        if response.status_code != 403:
            accepted.append(f"{method.upper()} {path}: {response.status_code}")
    return accepted


def test_every_route_refuses_a_signed_in_users_post_without_a_csrf_token(trust: Trust) -> None:
    assert _unsafe_requests_accepted_without_a_token(trust.programme_manager, "post") == []


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_every_api_route_refuses_other_unsafe_methods_without_a_csrf_token(
    trust: Trust, method: str
) -> None:
    # Django's CSRF middleware treats every unsafe method alike, so POST covers the pages; the
    # API checks CSRF itself (DRF's session authentication), per request, whatever the method.
    accepted = _unsafe_requests_accepted_without_a_token(
        trust.programme_manager, method, prefix="/api/"
    )
    assert accepted == []


def test_the_same_unsafe_request_with_the_csrf_token_gets_past_the_check(trust: Trust) -> None:
    # Guards the test above: its 403s must come from the missing token, not something else.
    client = Client(enforce_csrf_checks=True)
    client.force_login(trust.programme_manager)
    token = client.get("/").context["csrf_token"]

    with_token = client.post(
        "/go-live/switch/",
        {"go_live": trust.wave_2.pk, "next": "/"},
        headers={"X-CSRFToken": str(token)},
    )
    api = client.post(
        "/api/v1/tickets/", {}, content_type="application/json", headers={"X-CSRFToken": str(token)}
    )

    assert with_token.status_code == 302
    assert api.status_code == 400
