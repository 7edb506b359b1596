"""Logging filters the settings' ``LOGGING`` names."""

from __future__ import annotations

import logging


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
