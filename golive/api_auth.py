"""The API's authentication: Django REST framework's session and Basic schemes, made to
decide who the caller is without reading the request body.

DRF hands its own ``Request`` to the CSRF check (session) and to ``authenticate()`` (Basic,
where django-axes looks at ``request.POST``); reading ``.POST`` there parses the body with the
view's parsers, so a body the view does not accept (JSON to a file upload) was refused 415
before the caller was known, and a permission refusal never came (issue 22, F12). Django's
own request parses only forms, as it does for every page: a caller is authenticated and
authorised first, and the view's parsers refuse the body afterwards.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular import authentication as schemes
from rest_framework import authentication
from rest_framework.request import Request


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
        finally:
            # django-axes marks the request it was given when the caller is locked out, and
            # its middleware would then swap the answer for its HTML lock-out page; the API
            # answers a locked-out caller in its own error shape (403), as it did before.
            if django_request is not None and hasattr(django_request, "axes_locked_out"):
                del django_request.axes_locked_out


# The schema describes them as DRF's own schemes (cookie and Basic), as before.
class SessionScheme(schemes.SessionScheme):
    target_class = "golive.api_auth.SessionAuthentication"


class BasicScheme(schemes.BasicScheme):
    target_class = "golive.api_auth.BasicAuthentication"
