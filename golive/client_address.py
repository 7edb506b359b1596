"""The address a request came from, read the one way everywhere (sign-in throttling, the
public survey link's throttle), so a spoofed X-Forwarded-For never decides it."""

from __future__ import annotations

import ipaddress
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


def sign_in_address(address: str) -> str:
    """The address sign-in throttling counts against: an IPv4 address as it is; an IPv6
    address as its /64 network (written as the network's first address, e.g.
    ``2001:db8:1:2::``). The /64 is what one household or site is given, the counterpart of
    one NAT address; the client picks the other 64 bits freely (privacy extensions change
    them daily), so counting whole IPv6 addresses would let one machine step round every
    limit. IPv4 written as IPv6 (``::ffff:192.0.2.1``) is IPv4. Anything unparsable is
    kept as it is."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(parsed) >> 64 << 64, 64)).network_address)
    return str(parsed)


def request_client_address(request: HttpRequest) -> str | None:
    """``sign_in_address`` of ``client_address``, for django-axes
    (``AXES_CLIENT_IP_CALLABLE``), so the per-address and the per-(username, address) rules
    and the failure log all see an IPv6 client's /64; None when unknown, which axes stores as
    no address rather than an empty one."""
    address = client_address(request.META)
    return sign_in_address(address) if address else None
