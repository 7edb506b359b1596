"""Send one request as one role and say what came back, in the policy's terms."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpResponseBase
from django.shortcuts import resolve_url
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .policy import DENIED, ERROR, HIDDEN, LOGIN, METHOD, OK
from .routes import Route
from .world import World

REDIRECTS = {301, 302, 303, 307, 308}


def outcome(response: HttpResponseBase) -> str:
    code = response.status_code
    if code in REDIRECTS:
        location = response["Location"]
        login = resolve_url(settings.LOGIN_URL)
        return LOGIN if location.startswith((login, "/admin/login/")) else OK
    if code == 401:
        return LOGIN
    # 400, 409 and 415: the request got past authorisation; its (empty) payload or the
    # object's state was refused.
    if 200 <= code < 300 or code in (400, 409, 415):
        return OK
    return {403: DENIED, 404: HIDDEN, 405: METHOD}.get(code, ERROR)


# Signing in or out changes the client's own session: these get a fresh client per request.
SESSION_ROUTES = frozenset({"login", "logout"})


def client_for(world: World, role: str) -> Client:
    client = Client(raise_request_exception=False)
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


class Clients:
    """One signed-in client per role, reused except on routes that sign in or out."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.cached = {role: client_for(world, role) for role in world.users}

    def get(self, role: str, route: Route) -> Client:
        if route.name in SESSION_ROUTES:
            return client_for(self.world, role)
        return self.cached[role]


@dataclass(frozen=True)
class Sent:
    status: int
    outcome: str
    body: bytes
    writes: tuple[str, ...] = ()  # data-changing SQL, when asked to capture it


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|TRUNCATE)\b", re.IGNORECASE)
# Signing in keeps a session row; that is not the user changing the trust's data.
BOOKKEEPING = ("django_session", "axes_")


def _writes(queries: list[dict[str, Any]]) -> tuple[str, ...]:
    return tuple(
        query["sql"]
        for query in queries
        if WRITE.match(query["sql"]) and not any(table in query["sql"] for table in BOOKKEEPING)
    )


def send(
    client: Client,
    route: Route,
    method: str,
    url: str,
    *,
    data: dict[str, Any] | None = None,
    htmx: bool = False,
    capture_writes: bool = False,
) -> Sent:
    """Send ``method`` to ``url``; anything it writes is rolled back at once (and, with
    ``capture_writes``, reported)."""
    headers = {"HX-Request": "true"} if htmx else {}
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        if method == "GET":
            response = client.get(url, data or {}, headers=headers)
        elif route.api:
            response = client.generic(
                method,
                url,
                json.dumps(data or {}),
                content_type="application/json",
                headers=headers,
            )
        else:
            response = client.generic(
                method,
                url,
                "&".join(f"{key}={value}" for key, value in (data or {}).items()),
                content_type="application/x-www-form-urlencoded",
                headers=headers,
            )
        transaction.set_rollback(True)
    body = (
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
        if getattr(response, "streaming", False)
        else response.content
    )
    writes = _writes(captured.captured_queries) if capture_writes else ()
    return Sent(response.status_code, outcome(response), body, writes)
