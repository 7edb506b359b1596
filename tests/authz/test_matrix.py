"""The authorisation matrix: every route × every role × every method it accepts, against
tests/authz/policy.py, in the demo world (tests/authz/world.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from urllib.parse import quote, quote_plus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from golive.health import record_heartbeat
from golive.navigation import section_of

from .policy import (
    API_PAGES,
    API_WITHOUT_SECTION,
    DENIED,
    HIDDEN,
    METHOD,
    NOT_DATA_WRITES,
    OUTCOMES,
    POLICY,
    ROLES,
    SIGNED_IN,
)
from .routes import UNSAFE_METHODS, Route, all_routes
from .runner import Clients, Sent, send
from .world import AREA_PATHS, B_MARKER, MissingObjectError, World, model_of, url_kwargs

METHODS = ("GET", *UNSAFE_METHODS)

REFUSED = frozenset({DENIED, HIDDEN, METHOD})


def _policy_text(route: Route) -> str:
    methods = sorted(route.viewset_methods or {"GET"})
    return ", ".join(f'"{method}": EVERY_SIGNED_IN' for method in methods)


def test_every_named_route_has_a_policy_row() -> None:
    routes, _ = all_routes()
    missing = sorted(set(routes) - set(POLICY))
    hints = [
        f'    "{name}": {{{_policy_text(routes[name])}}},  # {routes[name].pattern}'
        for name in missing
    ]
    assert not missing, (
        "Routes missing from tests/authz/policy.py POLICY. Add a row for each, listing every "
        "method it accepts and who gets what (start from these and narrow them):\n"
        + "\n".join(hints)
    )


def test_every_policy_row_names_a_route_that_exists() -> None:
    routes, _ = all_routes()
    stale = sorted(set(POLICY) - set(routes))
    assert not stale, f"Remove these rows from tests/authz/policy.py POLICY: {stale}"


def test_every_route_outside_the_admin_has_a_name() -> None:
    _, unnamed = all_routes()
    assert not unnamed, f"Name these routes so the matrix can cover them: {unnamed}"


def test_every_policy_row_gives_an_outcome_for_every_role() -> None:
    bad = [
        f"{name} {method}"
        for name, row in POLICY.items()
        for method, table in row.items()
        if method not in METHODS or set(table) != set(ROLES) or not set(table.values()) <= OUTCOMES
    ]
    assert not bad, f"Policy rows with unknown methods, roles or outcomes: {bad}"


def _routes() -> Iterator[Route]:
    routes, _ = all_routes()
    for name in sorted(routes):
        if name in POLICY:
            yield routes[name]


def _table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    return "\n".join(
        " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in (header, *rows)
    )


@pytest.mark.postgres
def test_every_role_gets_what_the_policy_says(world: World, db: None) -> None:
    by_role = Clients(world)
    mismatches: list[tuple[str, ...]] = []
    for route in _routes():
        try:
            url = reverse(route.name, kwargs=url_kwargs(route, world, world.area_a))
        except MissingObjectError as error:
            mismatches.append((route.name, "-", "-", "-", str(error), "-"))
            continue
        if route.name == "readyz":
            record_heartbeat()  # as a running worker would have, moments ago
        row = POLICY[route.name]
        for method in METHODS:
            if method in row:
                continue
            got = send(by_role.get("admin", route), route, method, url)
            if got.outcome != METHOD:
                mismatches.append((route.name, method, "admin", METHOD, got.outcome, url))
        for method, table in row.items():
            for role in ROLES:
                got = send(by_role.get(role, route), route, method, url)
                if got.outcome != table[role]:
                    mismatches.append((route.name, method, role, table[role], f"{got.status}", url))
    assert not mismatches, "Responses that differ from tests/authz/policy.py:\n" + _table(
        mismatches, ("route", "method", "role", "policy", "got", "url")
    )


# Routes outside every section: signing in and out, health probes, the go-live switcher, the
# API's own documentation, Django's admin (superusers only).
OUTSIDE_SECTIONS = frozenset(
    {
        "login",
        "logout",
        "healthz",
        "readyz",
        "switch_go_live",
        "api-docs",
        "api-schema",
        "admin:index",
        # How figures are defined: a glossary for everyone signed in.
        "definitions",
        "api-definitions",
        # People and access: a set-password link is followed before signing in, and asking
        # for access is for anyone signed in, including a new user with no role at all.
        "password_reset_confirm",
        "password_reset_complete",
        "request_access",
        # Your account and second factor: one's own sign-in, for everyone.
        "account:home",
        "account:second_factor_set_up",
        "account:second_factor_verify",
        "account:second_factor_remove",
        "account:api_tokens",
        "account:api_token_new",
        "account:api_token_revoke",
        "access-request-list",
        "access-request-detail",
        "access-request-approve",
        "access-request-decline",
    }
)


def test_every_route_belongs_to_a_section_or_to_none_on_purpose() -> None:
    routes, _ = all_routes()
    unplaced = sorted(name for name in routes if section_of(name) is None)

    assert unplaced == sorted(OUTSIDE_SECTIONS & set(routes)), (
        "Give these routes a section in golive/navigation.py SECTIONS (or list them in "
        "OUTSIDE_SECTIONS if no role's reach should decide them)"
    )


def _api_resource(route: Route) -> str:
    """A router route's basename (``readiness-gate`` for ``readiness-gate-sign-off``), else
    the route's own name."""
    initkwargs = getattr(route.view, "initkwargs", None) or {}
    return str(initkwargs.get("basename") or route.name)


def _api_representatives() -> dict[str, Route]:
    """One route per API resource: its list if it has one, else its first route by name."""
    routes, _ = all_routes()
    chosen: dict[str, Route] = {}
    for route in sorted(routes.values(), key=lambda route: route.name):
        if not route.api or route.name in API_WITHOUT_SECTION:
            continue
        resource = _api_resource(route)
        if resource not in chosen or route.name == f"{resource}-list":
            chosen[resource] = route
    return chosen


def test_every_api_resource_names_the_page_it_belongs_with() -> None:
    resources = set(_api_representatives())

    assert resources - set(API_PAGES) == set(), "add them to API_PAGES in tests/authz/policy.py"
    assert set(API_PAGES) - resources == set(), "remove them from API_PAGES"


@pytest.mark.postgres
def test_the_api_refuses_exactly_the_roles_its_sections_page_refuses(
    world: World, db: None
) -> None:
    clients = Clients(world)
    routes, _ = all_routes()
    disagreements: list[tuple[str, ...]] = []
    for resource, api_route in sorted(_api_representatives().items()):
        page = routes[API_PAGES[resource]]
        # A resource with no read (a confidence check is only ever sent) is compared on POST.
        method = "GET" if "GET" in POLICY[api_route.name] else "POST"
        api_url = reverse(api_route.name, kwargs=url_kwargs(api_route, world, world.area_a))
        page_url = reverse(page.name, kwargs=url_kwargs(page, world, world.area_a))
        for role in SIGNED_IN:
            api = send(clients.get(role, api_route), api_route, method, api_url).outcome
            shown = send(clients.get(role, page), page, method, page_url).outcome
            if api != shown:
                disagreements.append((resource, method, role, f"api {api}", f"page {shown}"))
    assert not disagreements, "The API and its section's page disagree:\n" + _table(
        disagreements, ("resource", "method", "role", "api", "page")
    )


def _leaks(sent: Sent, query: Mapping[str, object]) -> bool:
    """Whether the response shows B's data; the search text a page echoes back (in its
    search box or links) is the user's own input, so it is taken out first."""
    if sent.outcome in REFUSED:
        return False
    body = sent.body.decode(errors="replace")
    for value in query.values():
        text = str(value)
        for echoed in (text, escape(text), quote_plus(text), quote(text), json.dumps(text)):
            body = body.replace(echoed, "")
    return B_MARKER in body


def _names_a_ward_object(route: Route, kwargs: Mapping[str, object]) -> bool:
    found = model_of(route)
    return "area_pk" in kwargs or (found is not None and found[0] in AREA_PATHS and bool(kwargs))


@pytest.mark.postgres
def test_ward_manager_of_one_ward_sees_and_changes_nothing_of_another(
    world: World, db: None
) -> None:
    clients = Clients(world)
    findings: list[tuple[str, ...]] = []
    skipped: list[str] = []
    for route in _routes():
        try:
            kwargs = url_kwargs(route, world, world.area_b, strict=True)
        except MissingObjectError:
            skipped.append(route.name)
            continue
        url = reverse(route.name, kwargs=kwargs)
        names_an_object = _names_a_ward_object(route, kwargs)
        row = POLICY[route.name]
        client: Client = clients.get("ward_manager", route)
        if "GET" in row:
            # The page and its htmx fragment, then searches for B's people and tickets.
            searches: list[tuple[dict[str, object], bool]] = [({}, False), ({}, True)]
            searches += [({"q": text, "area": world.area_b.pk}, False) for text in world.b_strings]
            for query, htmx in searches:
                got = send(client, route, "GET", url, data=query, htmx=htmx)
                if _leaks(got, query):
                    findings.append((route.name, "GET", str(query), str(htmx), "leak"))
        if not names_an_object or route.name in NOT_DATA_WRITES:
            continue
        for method in row:
            if method == "GET":
                continue
            got = send(client, route, method, url)
            if got.outcome not in REFUSED:
                findings.append((route.name, method, "", "", f"not refused: {got.status}"))
    assert not findings, (
        f"Ward A's manager reached ward B's data (marker {B_MARKER!r}):\n"
        + _table(findings, ("route", "method", "query", "htmx", "what"))
    )
    # Routes without a ward-B object are covered by the lists and searches above.
    assert len(skipped) < len(POLICY), skipped


@pytest.mark.postgres
def test_executives_are_refused_every_unsafe_method_and_write_nothing(
    world: World, db: None
) -> None:
    clients = Clients(world)
    findings: list[tuple[str, ...]] = []
    for route in _routes():
        if route.name in NOT_DATA_WRITES:
            continue
        client = clients.get("executive", route)
        try:
            url = reverse(route.name, kwargs=url_kwargs(route, world, world.area_a))
        except MissingObjectError:
            continue  # reported by the matrix test

        # Methods a route does not accept answer 405 (the matrix proves it as admin).
        for method in (m for m in UNSAFE_METHODS if m in POLICY[route.name]):
            got = send(client, route, method, url, capture_writes=True)
            if got.outcome not in REFUSED:
                findings.append((route.name, method, f"not refused: {got.status}"))
            for statement in got.writes:
                findings.append((route.name, method, statement[:120]))
    assert not findings, "Executives could change data:\n" + _table(
        findings, ("route", "method", "what")
    )
