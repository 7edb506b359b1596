from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.http import urlencode

from golive.access import access_for
from golive.accounts import second_factor

SESSION_SIGNED_IN_AT_KEY = "golive_signed_in_at"
logger = logging.getLogger(__name__)


def _database_busy(error: BaseException) -> bool:
    """Whether ``error`` comes of a database lock wait that ran out (SQLite's one writer)."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OperationalError) and "locked" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a session left unchanged by the request, which is saved only to
    renew its idle timeout (``SESSION_SAVE_EVERY_REQUEST``), is not renewed this time when
    the database is too busy to save it, rather than failing the request (Django turns the
    lock into a 400 "session interrupted" or a 500). A changed session (a sign-in, a go-live
    chosen) must be saved, so that still fails."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            return super().process_response(request, response)
        except (SessionInterrupted, OperationalError) as error:
            if request.session.modified or not _database_busy(error):
                raise
            logger.warning("Session not renewed: the database was busy")
            return response


class NoStoreForSignedInMiddleware:
    """Pages shown to a signed-in user may carry staff data: browsers and proxies must not
    keep a copy (a shared ward computer is the usual case)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response


class AbsoluteSessionTimeoutMiddleware:
    """Ends a session ``SESSION_ABSOLUTE_HOURS`` after sign-in, however active it has been.

    The idle timeout (``SESSION_COOKIE_AGE``, renewed on every request) alone would keep a
    busy shared computer signed in as one person indefinitely. The sign-in time is recorded
    the first time a signed-in request is seen (Django's ``login`` gives each sign-in a new
    session, so this is the sign-in, or the first request after this middleware was deployed).
    The ended request continues as anonymous: pages redirect to sign in, the API refuses.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            signed_in_at = request.session.get(SESSION_SIGNED_IN_AT_KEY)
            if not isinstance(signed_in_at, int | float):
                request.session[SESSION_SIGNED_IN_AT_KEY] = now
            elif now - signed_in_at > settings.SESSION_ABSOLUTE_HOURS * 3600:
                logout(request)
                messages.info(
                    request,
                    f"You were signed out because {settings.SESSION_ABSOLUTE_HOURS} hours "
                    "have passed since you signed in. Sign in again to carry on.",
                )
        return self.get_response(request)


# What a read-only user (an executive) may still POST: their own session and the surveys
# anyone with the link may answer, which change none of the trust's records; and a sit-rep
# page, because an executive who leads a gold cell publishes that cell's sit-reps (the view
# refuses everyone else before it reads the form).
READ_ONLY_MAY_SEND = frozenset(
    {
        "login",
        "logout",
        "switch_go_live",
        "adoption:survey_answer",
        "support:survey",
        "oidc_authentication_callback",
        "oidc_authentication_init",
        "readiness:sitrep",
        # A signed-in user with no role (so read only) asks for access.
        "request_access",
        # One's own second factor, which signing in needs.
        "account:second_factor_set_up",
        "account:second_factor_verify",
        "account:second_factor_remove",
        # One's own API tokens: a script an executive runs reads, as they do.
        "account:api_token_new",
        "account:api_token_revoke",
    }
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class ReadOnlyUsersMiddleware:
    """Refuse every unsafe request from a signed-in user who holds no write capability.

    Each view and service checks its own capability too; this is the backstop that makes
    "executives read only" true for every route, including ones that validate a form
    before reaching the check. API views are left to the API's permission class, which
    refuses the same users in the API's error shape (and sees Basic-auth callers, whom DRF
    authenticates after this runs).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        if request.method in SAFE_METHODS or not request.user.is_authenticated:
            return
        if getattr(view, "cls", None) is not None:
            # A DRF view: its permission class refuses writes without the capability, in
            # the API's structured error shape.
            return
        match = request.resolver_match
        if match is not None and match.view_name in READ_ONLY_MAY_SEND:
            return
        if access_for(request).is_read_only:
            raise PermissionDenied("Your role is read only.")


# What a session still owing its second factor may reach: signing in and out, the step it
# owes, and the health probes.
SECOND_FACTOR_STEPS = {
    second_factor.VERIFY: "account:second_factor_verify",
    second_factor.SET_UP: "account:second_factor_set_up",
}
BEFORE_SECOND_FACTOR = frozenset({"login", "logout", "healthz", "readyz"})


class SecondFactorMiddleware:
    """After a password sign-in, nothing but the second-factor step until it is done: the
    code of a user who has an authenticator, or setting one up for a user who must have one
    (``golive.accounts.second_factor``). The API answers 403 in its error shape."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        step = second_factor.outstanding(request)
        if step is None:
            return None
        match = request.resolver_match
        name = match.view_name if match is not None else ""
        if name in BEFORE_SECOND_FACTOR or name == SECOND_FACTOR_STEPS[step]:
            return None
        if request.path.startswith("/api/"):
            message = "Finish signing in: your second factor is needed."
            return JsonResponse({"code": "second_factor_required", "message": message}, status=403)
        target = redirect(SECOND_FACTOR_STEPS[step])
        if request.method == "GET" and not getattr(request, "htmx", False):
            target["Location"] += "?" + urlencode({"next": request.get_full_path()})
        return target


# Golive uses none of these browser features: a page (or anything injected into one) may not
# turn them on, nor may a page of another site that frames or links to Golive's.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class PermissionsPolicyMiddleware:
    """``Permissions-Policy`` on every response, pages, API and static files alike."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
