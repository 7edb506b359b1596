"""The API's authentication: Django REST framework's session and Basic schemes, made to
decide who the caller is without reading the request body, with Basic sign-in under the same
throttling as the sign-in page.

DRF hands its own ``Request`` to the CSRF check (session) and to ``authenticate()`` (Basic,
where django-axes looks at ``request.POST``); reading ``.POST`` there parses the body with the
view's parsers, so a body the view does not accept (JSON to a file upload) was refused 415
before the caller was known, and a permission refusal never came (issue 22, F12). Django's
own request parses only forms, as it does for every page: a caller is authenticated and
authorised first, and the view's parsers refuse the body afterwards.

Basic sign-in counts towards the sign-in throttling of ``golive.login_throttle`` (django-axes
sees every attempt through ``authenticate``), and a refused attempt answers a structured 429
rather than "invalid username/password".
"""

from __future__ import annotations

from typing import Any

from drf_spectacular import authentication as schemes
from rest_framework import authentication, exceptions, status
from rest_framework.request import Request

from golive.login_throttle import MESSAGES, refusal_of, retry_after


class SignInThrottled(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "sign_in_throttled"
    default_detail = MESSAGES["pair"]

    def __init__(self, detail: str, wait: int) -> None:
        super().__init__(detail)
        self.wait = wait  # DRF sends it as Retry-After


class SessionAuthentication(authentication.SessionAuthentication):
    def enforce_csrf(self, request: Request) -> None:
        super().enforce_csrf(request._request)  # type: ignore[arg-type]


class BasicAuthentication(authentication.BasicAuthentication):
    def authenticate_credentials(
        self, userid: str, password: str, request: Request | None = None
    ) -> tuple[Any, None]:
        django_request = request._request if request is not None else None
        try:
            return super().authenticate_credentials(userid, password, django_request)  # type: ignore[arg-type]
        except exceptions.AuthenticationFailed:
            if django_request is not None and getattr(django_request, "axes_locked_out", False):
                reason = refusal_of(django_request)
                wait = int(retry_after(reason, django_request).total_seconds())
                minutes = max(1, wait // 60)
                raise SignInThrottled(
                    f"{MESSAGES[reason]} Try again in {minutes} minutes.", wait
                ) from None
            raise
        finally:
            # django-axes marks the request it was given when the caller is locked out, and
            # its middleware would then swap the answer for its HTML lock-out page; the API
            # answers in its own error shape instead (the 429 above).
            if django_request is not None and hasattr(django_request, "axes_locked_out"):
                del django_request.axes_locked_out


# The schema describes them as DRF's own schemes (cookie and Basic), as before.
class SessionScheme(schemes.SessionScheme):
    target_class = "golive.api_auth.SessionAuthentication"


class BasicScheme(schemes.BasicScheme):
    target_class = "golive.api_auth.BasicAuthentication"
