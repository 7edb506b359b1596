"""gunicorn's settings for Golive, read from the working directory whenever gunicorn starts
there (the image's /app, the container's CMD, the checkout); command-line flags still win.

No ``Server`` header: gunicorn names itself and its version in every response and has no
setting to stop it (issue 22, F12: a banner tells an attacker which advisories to try). Its
response writer is wrapped here, in the master before workers fork, to leave the header out.
A proxy in front may add its own; configure it not to (e.g. nginx ``server_tokens off``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gunicorn.http import wsgi

# The access line without the query string (%(U)s is the path only, where the default's
# %(r)s is the whole request line) and without the referrer (%(f)s, which carries the
# previous page's query string): people search for NHS numbers and staff names, and search
# terms travel in GET query strings (/staff/?q=...).
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'

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
