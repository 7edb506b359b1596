"""The reporter's one-click satisfaction link: a signed token naming the ticket, so no
account is needed and nobody can rate a ticket they were not given the link for."""

from __future__ import annotations

from django.core import signing

from support.models import Ticket

SALT = "support.survey"
MAX_AGE_SECONDS = 30 * 24 * 3600


def survey_token(ticket: Ticket) -> str:
    return signing.dumps(ticket.pk, salt=SALT, compress=True)


def ticket_id_from_token(token: str) -> int | None:
    """The ticket id, or None for a forged, altered or expired token."""
    try:
        value = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None
