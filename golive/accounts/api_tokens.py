"""Personal API tokens: how scripts call the API (issue 16).

A user makes a token from their account, in a fully signed-in session (one that proved its
second factor, where one is needed); the secret is shown once and only its hash is kept
(knox). A token acts as its user, with their roles and scopes as they are at each request;
it has an expiry the user chose (at most ``API_TOKEN_MAX_DAYS``) and may be revoked by its
user or an administrator. Making and revoking are logged (without the secret) and kept in
the token's history. Tokens are never made through the API, so one token cannot make another.
"""

from __future__ import annotations

import datetime as dt
import logging
from hmac import compare_digest
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from knox.crypto import hash_token
from knox.settings import CONSTANTS as KNOX

from golive.models import ApiToken

if TYPE_CHECKING:
    from golive.models import User

logger = logging.getLogger(__name__)

# Writing the last use on every request would cost a write per call; once a minute says
# enough about whether a script still runs.
LAST_USED_EVERY = dt.timedelta(minutes=1)
EXPIRY_DAYS = (7, 30, 90, 365)


def expiry_choices() -> list[int]:
    """The lifetimes (in days) a user may choose: the usual ones up to the installation's
    maximum, and the maximum itself."""
    longest: int = settings.API_TOKEN_MAX_DAYS
    return sorted({days for days in EXPIRY_DAYS if days <= longest} | {longest})


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's tokens, newest first (never their secrets: only hashes are kept)."""
    return ApiToken.objects.filter(user=user).order_by("-created", "-pk")


@transaction.atomic
def create_token(*, user: User, name: str, days: int, read_only: bool = False) -> str:
    """Make a token for ``user`` that expires in ``days`` days, and return its secret: the
    only time it exists outside the caller's hands. Logs the making (not the secret); the
    token's history keeps who made it. Refuses (``ValidationError``, code
    ``expiry_too_long``) a lifetime beyond ``API_TOKEN_MAX_DAYS``."""
    longest = settings.API_TOKEN_MAX_DAYS
    if not 1 <= days <= longest:
        raise ValidationError(
            {"days": ValidationError(f"Choose at most {longest} days.", code="expiry_too_long")}
        )
    token, secret = ApiToken.objects.create(
        user=user, expiry=dt.timedelta(days=days), name=name.strip(), read_only=read_only
    )
    logger.info(
        "API token %s made by user %s (expires %s%s)",
        token.pk,
        user.pk,
        token.expiry.date().isoformat(),
        ", read only" if read_only else "",
    )
    return str(secret)


@transaction.atomic
def revoke_token(*, token_id: int, by: User) -> bool:
    """Revoke a token (its user's own, or any, for an administrator: the caller decides who
    may). Idempotent: False, and nothing written, if it was revoked already. Logged, and
    kept in the token's history with who revoked it."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None or token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token._history_user = by  # simple-history's hook: who revoked it
    token.save(update_fields=["revoked_at"])
    logger.info("API token %s of user %s revoked by user %s", token.pk, token.user_id, by.pk)
    return True


def find_token(secret: str) -> ApiToken | None:
    """The token whose secret this is (expired and revoked ones too), with its user; None
    if there is none. knox's comparison: the hash, in constant time."""
    candidates = ApiToken.objects.filter(token_key=secret[: KNOX.TOKEN_KEY_LENGTH])
    digest = hash_token(secret)
    for token in candidates.select_related("user"):
        if compare_digest(digest, token.digest):
            return token
    return None


def record_use(token: ApiToken) -> None:
    """Note that the token was used now, at most once a minute."""
    now = timezone.now()
    if token.last_used is not None and now - token.last_used < LAST_USED_EVERY:
        return
    # An update, not save(): no history row per use, and no race with a revocation.
    ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    token.last_used = now
