"""Sign-in throttling across accounts, on top of django-axes' per-(username, address)
lock-out (``AXES_HANDLER`` names ``SignInThrottle``):

- **per address**: ``LOGIN_ADDRESS_FAILURE_LIMIT`` failed sign-ins from one address, whatever
  the usernames, within ``LOGIN_ADDRESS_WINDOW_MINUTES`` refuse every sign-in from that
  address until the window has passed: one password sprayed across every account is cut off.
  Counted from axes' own failure log, which a successful sign-in does not clear (axes'
  per-pair counts do clear, so an attacker holding one account could otherwise reset
  theirs). Axes' ``"ip_address"`` lockout parameter is not used: it shares the per-pair limit
  (5), which would lock a whole hospital's shared address out after five typos.
- **installation-wide**: ``LOGIN_GLOBAL_FAILURE_LIMIT`` failed sign-ins within about a
  minute (this clock minute and the last, counted in the cache) pause password sign-in for
  everyone until the rate drops, so a spray spread over many addresses is bounded too.
  Attempts refused this way check no password and are not counted, so the pause ends by
  itself. If the cache is unreachable the count reads zero: the limit fails open (the cache
  backend logs it) rather than refusing everyone.
- **per (username, address)**: axes as configured; a stranger's failures lock a user out
  from the stranger's address only.

An attempt refused by any of these rules checks no password and counts as no failure, for
no rule: the locks end on time however often people retry.

"An address" is an IPv4 address, or an IPv6 client's /64 network
(``golive.client_address.sign_in_address``), for all three rules: a client picks the rest of
an IPv6 address freely, so counting whole addresses would let it step round any limit.

The refused attempt gets axes' lock-out response (``lockout_response``), saying which rule
refused it; the API answers a structured 429 (``golive.api_auth``).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessFailureLog
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

PAIR, ADDRESS, EVERYONE = "pair", "address", "everyone"
_REFUSAL = "golive_sign_in_refusal"
_GLOBAL_KEY = "golive:sign-in-failures:{minute}"

MESSAGES = {
    PAIR: "Too many failed sign-in attempts for this account from this device.",
    ADDRESS: "Too many failed sign-in attempts from this network address.",
    EVERYONE: "Signing in with a password is paused briefly: there have been unusually "
    "many failed sign-in attempts.",
}


def _minute() -> int:
    return int(time.time() // 60)


def recent_failures_everywhere() -> int:
    """Failed sign-ins installation-wide in this clock minute and the last."""
    now = _minute()
    counts = cache.get_many([_GLOBAL_KEY.format(minute=m) for m in (now - 1, now)])
    return sum(int(value) for value in counts.values())


def count_failure_everywhere() -> None:
    key = _GLOBAL_KEY.format(minute=_minute())
    cache.add(key, 0, timeout=180)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr: the first of a new minute
        cache.set(key, 1, timeout=180)


def recent_failures_from(address: str | None) -> int:
    if not address:
        return 0
    since = timezone.now() - dt.timedelta(minutes=settings.LOGIN_ADDRESS_WINDOW_MINUTES)
    return AccessFailureLog.objects.filter(ip_address=address, attempt_time__gte=since).count()


def refusal(request: HttpRequest) -> str | None:
    """Which cross-account rule refuses a sign-in from this request now, if any."""
    if recent_failures_everywhere() >= settings.LOGIN_GLOBAL_FAILURE_LIMIT:
        return EVERYONE
    address = getattr(request, "axes_ip_address", None)
    if recent_failures_from(address) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        return ADDRESS
    return None


class SignInThrottle(AxesDatabaseHandler):
    """Axes' database handler plus the per-address and installation-wide limits."""

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        reason = refusal(request)
        if reason is None and super().is_locked(request, credentials):
            reason = PAIR
        setattr(request, _REFUSAL, reason)
        return reason is not None

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        if request is None or self.is_whitelisted(request, credentials):
            super().user_login_failed(sender, credentials, request, **kwargs)
            return
        refused = getattr(request, _REFUSAL, None)
        if refused is not None:
            # Refused before any password was checked: not a new failure. Counting it would
            # make a lock feed itself (a hospital behind one address retrying would never
            # see the window drain, and each retry would count towards a per-account lock).
            self._refuse(request, credentials, refused)
            return
        super().user_login_failed(sender, credentials, request, **kwargs)
        count_failure_everywhere()
        reason = refusal(request) or (PAIR if request.axes_locked_out else None)
        if reason is not None:
            self._refuse(request, credentials, reason)

    @staticmethod
    def _refuse(request: Any, credentials: dict[str, Any], reason: str) -> None:
        setattr(request, _REFUSAL, reason)
        request.axes_locked_out = True
        request.axes_credentials = credentials


def refusal_of(request: Any) -> str:
    """The rule that refused this request's sign-in (the per-pair lock-out by default)."""
    return getattr(request, _REFUSAL, None) or PAIR


def retry_after(reason: str, request: Any) -> dt.timedelta:
    if reason == EVERYONE:
        return dt.timedelta(minutes=2)
    if reason == ADDRESS:
        return dt.timedelta(minutes=settings.LOGIN_ADDRESS_WINDOW_MINUTES)
    return get_cool_off(request) or dt.timedelta(0)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """Axes' lock-out page (``AXES_LOCKOUT_CALLABLE``), naming the rule that refused."""
    reason = refusal_of(request)
    wait = retry_after(reason, request)
    response = render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        {"reason": reason, "message": MESSAGES[reason], "cooloff_timedelta": wait},
        status=429,
    )
    response["Retry-After"] = str(int(wait.total_seconds()))
    return response
