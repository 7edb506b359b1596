"""HTTP Basic sign-in for the API, under the same sign-in throttling as the sign-in page
(``golive.login_throttle``): django-axes sees every attempt through ``authenticate``, and a
refused one answers a structured 429 rather than "invalid username/password"."""

from __future__ import annotations

from typing import Any

from drf_spectacular.authentication import BasicScheme
from rest_framework import exceptions, status
from rest_framework.authentication import BasicAuthentication

from golive.login_throttle import MESSAGES, refusal_of, retry_after


class SignInThrottled(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "sign_in_throttled"
    default_detail = MESSAGES["pair"]

    def __init__(self, detail: str, wait: int) -> None:
        super().__init__(detail)
        self.wait = wait  # DRF sends it as Retry-After


class ThrottledBasicAuthentication(BasicAuthentication):
    def authenticate_credentials(
        self, userid: str, password: str, request: Any = None
    ) -> tuple[Any, None]:
        try:
            return super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            if getattr(request, "axes_locked_out", False):
                reason = refusal_of(request)
                wait = int(retry_after(reason, request).total_seconds())
                minutes = max(1, wait // 60)
                raise SignInThrottled(
                    f"{MESSAGES[reason]} Try again in {minutes} minutes.", wait
                ) from None
            raise


class ThrottledBasicScheme(BasicScheme):
    """The schema's ``basicAuth``, as for DRF's own class (registered by subclassing)."""

    target_class = "golive.api_auth.ThrottledBasicAuthentication"
