"""The address a request came from, read the one way everywhere (sign-in throttling, the
public survey link's throttle), so a spoofed X-Forwarded-For never decides it."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.http import HttpRequest


def client_address(meta: Mapping[str, object]) -> str:
    """The address a request came from: behind ``TRUSTED_PROXY_COUNT`` proxies, the entry
    of X-Forwarded-For that the outermost trusted proxy saw (entries to its left were sent
    by the client and may be forged); otherwise REMOTE_ADDR."""
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    forwarded = [part.strip() for part in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [part for part in forwarded if part]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return str(meta.get("REMOTE_ADDR", ""))


def request_client_address(request: HttpRequest) -> str | None:
    """``client_address`` for django-axes (``AXES_CLIENT_IP_CALLABLE``); None when unknown,
    which axes stores as no address rather than an empty one."""
    return client_address(request.META) or None
