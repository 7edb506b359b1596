"""The API's authentication: Django REST framework's session and Basic schemes, made to
decide who the caller is without reading the request body, with Basic sign-in under the same
throttling as the sign-in page.

DRF hands its own ``Request`` to the CSRF check (session) and to ``authenticate()`` (Basic,
where django-axes looks at ``request.POST``); reading ``.POST`` there parses the body with the
view's parsers, so a body the view does not accept (JSON to a file upload) was refused 415
before the caller was known, and a permission refusal never came (issue 22, F12). Django's
own request parses only forms, as it does for every page: a caller is authenticated and
authorised first, and the view's parsers refuse the body afterwards.

Scripts sign in with a personal API token (``Authorization: Token <secret>``, knox's scheme
over ``golive.accounts.api_tokens``): a hash and one query, where Basic costs a password hash
per request. A token not recognised, expired or revoked is answered 401 with a code saying
which. Basic sign-in is refused (403, ``api_token_required``) to users who must use a second
factor, which Basic cannot give.

Basic sign-in counts towards the sign-in throttling of ``golive.login_throttle`` (django-axes
sees every attempt through ``authenticate``), and a refused attempt answers a structured 429
rather than "invalid username/password".
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular import authentication as schemes
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import authentication, exceptions, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request

from golive.access import Access
from golive.accounts import api_tokens, second_factor
from golive.login_throttle import MESSAGES, refusal_of, retry_after
from golive.models import ApiToken

TOKEN_KEYWORD = "Token"  # noqa: S105 - the header keyword, not a secret


class SignInThrottled(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "sign_in_throttled"
    default_detail = MESSAGES["pair"]

    def __init__(self, detail: str, wait: int) -> None:
        super().__init__(detail)
        self.wait = wait  # DRF sends it as Retry-After


class TokenRefused(exceptions.APIException):
    """401 whatever scheme comes first (DRF would answer 403 behind session sign-in, which
    names no ``WWW-Authenticate`` challenge)."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "token_invalid"
    default_detail = "The API token was not recognised."
    auth_header = TOKEN_KEYWORD


def tokens_page(request: Request) -> str:
    return request.build_absolute_uri(reverse("account:api_tokens"))


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's token scheme, over Golive's token model: says why a token is refused, refuses
    writes with a read-only token, and notes the last use."""

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != TOKEN_KEYWORD.lower().encode():
            return None  # another scheme's header, or none
        if len(parts) != 2:
            raise TokenRefused(
                f"Send the token as 'Authorization: {TOKEN_KEYWORD} <token>', with no spaces "
                "in the token."
            )
        token = api_tokens.find_token(parts[1].decode(errors="replace"))
        if token is None:
            raise TokenRefused(
                "The API token was not recognised. Check it was copied whole, or create a new "
                f"one at {tokens_page(request)}"
            )
        if token.revoked_at is not None:
            raise TokenRefused(
                f"This API token was revoked on {token.revoked_at:%d %B %Y}. Create a new one "
                f"at {tokens_page(request)}",
                "token_revoked",
            )
        if token.is_expired:
            raise TokenRefused(
                f"This API token expired on {token.expiry:%d %B %Y}. Create a new one at "
                f"{tokens_page(request)}",
                "token_expired",
            )
        if not token.user.is_active:
            raise TokenRefused("The account this API token belongs to is deactivated.")
        if token.read_only and request.method not in SAFE_METHODS:
            raise exceptions.PermissionDenied(
                "This API token is read only: it may read (GET) but not change anything.",
                "token_read_only",
            )
        api_tokens.record_use(token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return TOKEN_KEYWORD


class BasicNotAllowed(exceptions.PermissionDenied):
    default_code = "api_token_required"


class SessionAuthentication(authentication.SessionAuthentication):
    def enforce_csrf(self, request: Request) -> None:
        super().enforce_csrf(request._request)  # type: ignore[arg-type]


class BasicAuthentication(authentication.BasicAuthentication):
    def authenticate_credentials(
        self, userid: str, password: str, request: Request | None = None
    ) -> tuple[Any, None]:
        django_request = request._request if request is not None else None
        try:
            user, _ = super().authenticate_credentials(userid, password, django_request)  # type: ignore[arg-type]
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
        # Right password, but Basic cannot prove a second factor: those who need one (whose
        # roles reach every ward) use a personal API token, made from a verified session.
        if second_factor.must_use_second_factor(Access(user)):
            where = f" at {tokens_page(request)}" if request is not None else ""
            raise BasicNotAllowed(
                "Your role needs a second factor, which HTTP Basic sign-in cannot give. Create "
                f"a personal API token{where} and send it as "
                f"'Authorization: {TOKEN_KEYWORD} <token>'."
            )
        return user, None


# The schema describes them as DRF's own schemes (cookie and Basic), as before.
class SessionScheme(schemes.SessionScheme):
    target_class = "golive.api_auth.SessionAuthentication"


class BasicScheme(schemes.BasicScheme):
    target_class = "golive.api_auth.BasicAuthentication"


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "golive.api_auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": f"A personal API token, sent as 'Authorization: {TOKEN_KEYWORD} "
            "<token>'. Create one in Golive under Your account, API tokens. A token not "
            "recognised, expired or revoked is answered 401 (code token_invalid, token_expired "
            "or token_revoked); a read-only token's writes 403 (token_read_only).",
        }
