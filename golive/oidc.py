"""Single sign-on with OpenID Connect (authorisation-code flow with PKCE).

mozilla-django-oidc checks ``state``, ``nonce``, the signature and expiry. This backend adds
the issuer and audience checks it leaves out and matches users on the stable ``sub`` claim,
never on e-mail (an address can be reassigned to another person).

One narrow exception: an account pre-provisioned for single sign-on by an administrator
(an open single-sign-on invitation, no subject linked yet). On the first sign-in of a
subject with no account, if the provider says the address is verified
(``email_verified`` is true) and exactly one such account has that address, that account
is linked to the subject instead of a new one being created. The administration app
decides what counts as pre-provisioned, through ``register_pre_provisioned_link``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import jwt
import requests
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from golive.models import User

logger = logging.getLogger(__name__)


# (verified e-mail, subject) -> the one pre-provisioned account, now linked; or None.
PreProvisionedLink = Callable[..., User | None]
_pre_provisioned_links: list[PreProvisionedLink] = []


def register_pre_provisioned_link(link: PreProvisionedLink) -> None:
    """Called from an app's ``AppConfig.ready``: ``link(email=, subject=)`` links and
    returns the one account pre-provisioned for ``email``, else None."""
    if link not in _pre_provisioned_links:
        _pre_provisioned_links.append(link)


def _claim(claims: dict[str, Any], name: str) -> str:
    """A text claim; providers may send null or omit it."""
    value = claims.get(name)
    return value if isinstance(value, str) else ""


class GoliveOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request: Any, **kwargs: Any) -> User | None:
        try:
            user: User | None = super().authenticate(request, **kwargs)
            return user
        except (SuspiciousOperation, jwt.InvalidTokenError) as error:
            # A forged, expired or mismatched token is a failed sign-in, not a server error.
            logger.warning("Single sign-on refused: %s", error)
            return None
        except requests.RequestException as error:
            logger.error("Single sign-on provider could not be reached: %s", type(error).__name__)
            return None

    def get_user(self, user_id: Any) -> User | None:
        # mozilla-django-oidc returns deactivated users too, so their open sessions would
        # outlive the deactivation; ModelBackend refuses them, and so must this backend.
        user: User | None = super().get_user(user_id)
        return user if user is not None and user.is_active else None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        if payload.get("iss") != self.get_settings("OIDC_OP_ISSUER"):
            raise SuspiciousOperation("ID token issuer does not match OIDC_OP_ISSUER.")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token was not issued for this client.")
        if not payload.get("sub"):
            raise SuspiciousOperation("ID token has no subject.")
        return payload

    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        claims: dict[str, Any] = super().get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload["sub"]:
            raise SuspiciousOperation("User info subject differs from the ID token subject.")
        return claims

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        return User.objects.filter(oidc_subject=claims["sub"])

    @transaction.atomic
    def create_user(self, claims: dict[str, Any]) -> User:
        """A subject seen for the first time: the account pre-provisioned for its verified
        e-mail address if there is exactly one (see the module's docstring), else a new
        account with no roles, which asks for access."""
        linked = self._link_pre_provisioned(claims)
        if linked is not None:
            return self.update_user(linked, claims)
        base = str(claims.get("preferred_username") or claims.get("email") or "sso-user")[:140]
        username = base
        suffix = 1
        while User.objects.filter(username=username).exists():
            suffix += 1
            username = f"{base}-{suffix}"
        user = User(
            username=username,
            email=_claim(claims, "email"),
            first_name=_claim(claims, "given_name")[:150],
            last_name=_claim(claims, "family_name")[:150],
            oidc_subject=claims["sub"],
        )
        user.set_unusable_password()
        user.save()
        return user

    def _link_pre_provisioned(self, claims: dict[str, Any]) -> User | None:
        email = _claim(claims, "email")
        # Only the boolean true: an unverified (or absent) claim never links an account.
        if claims.get("email_verified") is not True or not email:
            return None
        for link in _pre_provisioned_links:
            user = link(email=email, subject=claims["sub"])
            if user is not None:
                logger.info("Single sign-on linked a pre-provisioned account (user %s)", user.pk)
                return user
        return None

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        user.email = _claim(claims, "email") or user.email
        user.first_name = (_claim(claims, "given_name") or user.first_name)[:150]
        user.last_name = (_claim(claims, "family_name") or user.last_name)[:150]
        user.save(update_fields=["email", "first_name", "last_name"])
        return user


def is_single_sign_on_callback(request: Any, credentials: dict[str, Any] | None) -> bool:
    """For django-axes: SSO callbacks carry no password, so they are not throttled as guesses.

    Without this, five refused callbacks from a trust's shared outgoing address would lock
    every SSO user behind it out for the cool-off period.
    """
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == "oidc_authentication_callback"
