"""Search terms in query strings (an NHS number typed into a search box) never reach the
access logs: runserver's (``django.server``) or gunicorn's (gunicorn.conf.py)."""

from __future__ import annotations

import logging
import runpy
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIRequestHandler

REQUEST_LINE = "GET /staff/?q=401%20023%202137&page=2 HTTP/1.1"


def test_the_development_servers_access_log_keeps_the_path_but_not_the_search_terms(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("django.server")
    logger.addHandler(caplog.handler)  # the logger does not propagate to caplog's root
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.request = None  # type: ignore[assignment]
    try:
        handler.log_message('"%s" %s %s', REQUEST_LINE, "200", "512")
    finally:
        logger.removeHandler(caplog.handler)

    [record] = [r for r in caplog.records if r.name == "django.server"]
    assert record.getMessage() == '"GET /staff/ HTTP/1.1" 200 512'


def test_gunicorns_access_log_format_leaves_out_the_query_string_and_referrer() -> None:
    config = runpy.run_path(str(Path(__file__).parents[2] / "gunicorn.conf.py"))
    atoms = {
        "h": "10.0.0.1", "l": "-", "u": "-", "t": "[01/Jan/2026:10:00:00 +0000]",
        "r": REQUEST_LINE, "m": "GET", "U": "/staff/", "q": "q=401%20023%202137&page=2",
        "H": "HTTP/1.1", "s": "200", "b": "512", "a": "Mozilla/5.0",
        "f": "https://golive.example/staff/?q=401%20023%202137",
    }  # fmt: skip

    line = config["access_log_format"] % atoms

    assert line.startswith('10.0.0.1 - - [01/Jan/2026:10:00:00 +0000] "GET /staff/ HTTP/1.1" 200')
    assert "q=" not in line
    assert "401%20023" not in line
