"""What a service's refusal is, and how a page shows it. (``golive/api_errors.py`` maps the
same refusals to API responses.)

Services refuse with Django's exceptions, each carrying a stable ``code``:

- ``PermissionDenied``: the user may not do this at all (page and API: 403).
- ``ValidationError``: the request itself must change: a value out of range, a choice from
  another programme, a missing reason. Naming fields (``{"field": ValidationError(...)}``)
  when they are the request's fields (API: 400, with field errors; a page shows each beside
  its field).
- ``Conflict``: the request is well formed and allowed, but the records it acts on are not
  in a state that allows it now: already done, no longer open, claimed by someone else, not
  yet agreed or trained. The same request fails until that state changes (API: 409).
- ``TooManyRequests``: the user has done this too often lately; the same request succeeds
  after ``retry_after`` seconds (API: 429 with Retry-After).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import BaseForm


class Conflict(ValidationError):  # noqa: N818 - a refusal, not a programming error
    """A refusal because of the state things are in now (see the module's docstring)."""


class TooManyRequests(ValidationError):  # noqa: N818 - a refusal, not a programming error
    """A refusal because the user has done this too often lately (see the module's docstring)."""

    def __init__(self, message: str, code: str, *, retry_after: int) -> None:
        super().__init__(message, code)
        self.retry_after = retry_after


def apply_errors(form: BaseForm, error: ValidationError) -> None:
    """Show a service's refusal on the form that asked for it: errors naming one of the
    form's fields beside that field, anything else at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                form.add_error(field if field in form.fields else None, item)
    else:
        form.add_error(None, error)
