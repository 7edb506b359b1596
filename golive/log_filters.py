"""Logging filters the settings' ``LOGGING`` names.

Search terms travel in GET query strings (``/staff/?q=...``) and people search for patients'
NHS numbers and staff names: access logs keep the path, never the query. gunicorn's access
log format is set to the same effect in ``gunicorn.conf.py``."""

from __future__ import annotations

import logging
import re

# The request line of an access record: "GET /staff/?q=... HTTP/1.1".
_QUERY = re.compile(r"\?[^\s\"]*")


def without_query(text: str) -> str:
    return _QUERY.sub("", text)


class DropQueryStrings(logging.Filter):
    """For ``django.server`` (runserver's access log): strips the query string from the
    request line; the record is kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                without_query(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        record.msg = without_query(str(record.msg))
        return True


class OneLineRefusals(logging.Filter):
    """A refused request (any 4xx: a 403 for a page one may not see, a suspicious host) is
    logged by Django with the refusal's traceback; the traceback says nothing an operator
    needs and buries real errors, so these records keep their one line (the path and the
    status). Errors (5xx) keep their tracebacks."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        refused = isinstance(status, int) and 400 <= status < 500
        if refused:
            record.exc_info = None
            record.exc_text = None
        return True
