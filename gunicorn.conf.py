"""gunicorn's settings for Golive, read from the working directory whenever gunicorn starts
there (the container's CMD, ``make run``); command-line flags still win.

No ``Server`` header: gunicorn names itself and its version in every response and has no
setting to stop it (issue 22, F12: a banner tells an attacker which advisories to try). Its
response writer is wrapped here, in the master before workers fork, to leave the header out.
A proxy in front may add its own; configure it not to (e.g. nginx ``server_tokens off``).
"""

from __future__ import annotations

from gunicorn.http import wsgi


def _without_server_header(default_headers):  # type: ignore[no-untyped-def]
    def headers(self):  # type: ignore[no-untyped-def]
        return [line for line in default_headers(self) if not line.lower().startswith("server:")]

    headers.golive_without_server = True
    return headers


if not getattr(wsgi.Response.default_headers, "golive_without_server", False):
    wsgi.Response.default_headers = _without_server_header(wsgi.Response.default_headers)
