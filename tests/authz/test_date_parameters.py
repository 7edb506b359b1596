"""Every page and API route that reads a date or time from its query string, asked for the
extremes of the calendar (issue 22, F7: ``/support/board/?at=0001-01-01T00:00`` was a 500).

The parameter names are found, not listed: every date or date-time field of every form and
serializer the apps declare. Each GET route is asked, by a role the policy lets in, with every
one of those names set to each extreme value at once (a route ignores names it does not read).
A 200 with a field message or a 400 is right; a 5xx never is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.urls import reverse
from rest_framework import serializers

from .policy import OK, POLICY, ROLES
from .routes import Route, all_routes
from .runner import Clients, send
from .world import MissingObjectError, World, url_kwargs

EXTREMES = (
    "0001-01-01",
    "0001-01-01T00:00",
    "9999-12-31",
    "9999-12-31T23:59",
    "-1",
    "2026-02-30",
    "",
    "2026-01-01" * 500,
)
PROJECT_APPS = ("golive", "readiness", "training", "adoption", "support", "champions")
PROJECT_APPS += ("administration",)


def _subclasses(base: type) -> Iterator[type]:
    for cls in base.__subclasses__():
        yield cls
        yield from _subclasses(cls)


def _reads_a_date(field: Any) -> bool:
    if isinstance(field, forms.DateField | forms.DateTimeField):
        return True
    if isinstance(field, serializers.DateField | serializers.DateTimeField):
        return True
    # A choice of days, e.g. ?day= on the coverage page.
    coerce = getattr(field, "coerce", None)
    return coerce in (dt.date.fromisoformat, dt.datetime.fromisoformat)


def date_parameter_names() -> set[str]:
    """Every date or time field name of every project form and serializer."""
    all_routes()  # imports every view module, and with them their forms and serializers
    names: set[str] = set()
    for base, attribute in ((forms.BaseForm, "base_fields"), (serializers.Serializer, None)):
        for cls in _subclasses(base):
            if not cls.__module__.startswith(PROJECT_APPS):
                continue
            fields = getattr(cls, attribute) if attribute else cls._declared_fields
            names.update(name for name, field in fields.items() if _reads_a_date(field))
    return names


def _readable_routes() -> Iterator[tuple[Route, str]]:
    routes, _ = all_routes()
    for name in sorted(routes):
        table = POLICY.get(name, {}).get("GET")
        if not table:
            continue
        role = next((role for role in ROLES if table[role] == OK), None)
        if role is not None:
            yield routes[name], role


def test_the_date_parameters_found_include_the_boards_moment() -> None:
    names = date_parameter_names()

    assert {"at", "start", "end", "day_from", "day_to", "date_from", "day"} <= names


@pytest.mark.postgres
def test_no_page_or_api_route_fails_on_an_extreme_date_in_its_query(world: World, db: None) -> None:
    clients = Clients(world)
    names = sorted(date_parameter_names())
    failures: list[str] = []
    for route, role in _readable_routes():
        if route.name in ("login", "logout", "readyz"):
            continue
        try:
            url = reverse(route.name, kwargs=url_kwargs(route, world, world.area_a))
        except MissingObjectError:
            continue  # the matrix reports it
        for value in EXTREMES:
            query = dict.fromkeys(names, value)
            got = send(clients.get(role, route), route, "GET", url, data=query)
            if got.status >= 500:
                failures.append(f"{route.name} as {role}: {value[:30]!r} -> {got.status}")
    assert not failures, "Extreme dates broke these routes:\n" + "\n".join(failures)
