"""Who answered the survey, as far as the survey needs to know: a random respondent id, never
a person. It lets one response per respondent per week count (``score.period_of``) without
asking anyone who they are.

The id travels two ways:

- a long-lived cookie (signed, HttpOnly, SameSite=Lax, Secure over HTTPS, sent only to
  the survey pages), so a browser that answers again is recognised across page loads;
- a signed token in the form, issued with each page load and naming the survey link and the
  id, so the same form sent again is recognised even when the cookie was cleared or
  refused.

Only a hash of the survey link and the id is stored (``respondent_hash``): it cannot be
traced to a person or an address, and the same browser answering two surveys leaves two
unrelated hashes.

What it cannot stop, honestly: someone who clears cookies AND loads the page afresh before
each submission (or uses several browsers or devices) is a new respondent each time. The
per-client rate limit (``services.survey_submission_wait``) bounds how fast that can go
from one network address, and the programme manager sees the repeat count. In the other
direction, colleagues sharing one browser (a ward computer on a shared login) look like
one respondent: only the first answer each week counts; the later ones are kept, counted as
repeats, and the page tells them so.
"""

from __future__ import annotations

import hashlib
import secrets

from django.core import signing
from django.http import HttpRequest, HttpResponse

SALT = "golive.survey.respondent"
COOKIE = "golive_survey_respondent"
COOKIE_PATH = "/adoption/feedback/s/"
# Long enough to span a programme's surveys; browsers cap cookies at about 400 days.
COOKIE_MAX_AGE = 365 * 24 * 60 * 60
# A day covers a page left open through a long shift; older forms are re-shown with a fresh
# token and the answers kept, so nobody loses what they typed.
TOKEN_MAX_AGE = 24 * 60 * 60


def new_id() -> str:
    return secrets.token_urlsafe(16)


def from_cookie(request: HttpRequest) -> str | None:
    """The respondent id in the browser's cookie, or None (absent, or tampered with)."""
    value = request.get_signed_cookie(COOKIE, default=None, salt=SALT)
    return value if isinstance(value, str) and value else None


def remember(response: HttpResponse, request: HttpRequest, respondent_id: str) -> None:
    response.set_signed_cookie(
        COOKIE,
        respondent_id,
        salt=SALT,
        max_age=COOKIE_MAX_AGE,
        path=COOKIE_PATH,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def issue_token(*, survey_token: str, respondent_id: str) -> str:
    """The form's signed token: this survey link and this respondent."""
    return signing.dumps({"survey": survey_token, "respondent": respondent_id}, salt=SALT)


def read_token(value: str, *, survey_token: str) -> str | None:
    """The respondent id in a form token issued for this survey link within
    ``TOKEN_MAX_AGE``; None for a token that is forged, expired or for another link."""
    try:
        data = signing.loads(value, salt=SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(data, dict) or data.get("survey") != survey_token:
        return None
    respondent_id = data.get("respondent")
    return respondent_id if isinstance(respondent_id, str) and respondent_id else None


def respondent_hash(*, survey_token: str, respondent_id: str) -> str:
    return hashlib.sha256(f"{survey_token}|{respondent_id}".encode()).hexdigest()
