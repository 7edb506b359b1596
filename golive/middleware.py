from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

SESSION_SIGNED_IN_AT_KEY = "golive_signed_in_at"


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
