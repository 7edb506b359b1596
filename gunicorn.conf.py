"""gunicorn's settings for Golive, read from the working directory whenever gunicorn starts
there (the container's CMD, ``make run``); command-line flags still win.

No ``Server`` header: gunicorn names itself and its version in every response and has no
setting to stop it (issue 22, F12: a banner tells an attacker which advisories to try). Its
response writer is wrapped here, in the master before workers fork, to leave the header out.
A proxy in front may add its own; configure it not to (e.g. nginx ``server_tokens off``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gunicorn.http import wsgi

MARK = "golive_without_server"


def _without_server_header(
    default_headers: Callable[[Any], list[str]],
) -> Callable[[Any], list[str]]:
    def headers(self: Any) -> list[str]:
        return [line for line in default_headers(self) if not line.lower().startswith("server:")]

    setattr(headers, MARK, True)
    return headers


if not getattr(wsgi.Response.default_headers, MARK, False):
    wsgi.Response.default_headers = _without_server_header(wsgi.Response.default_headers)
