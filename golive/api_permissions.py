from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from golive.access import Access, Capability, access_for


class RoleScopedAccess(BasePermission):
    """Signed-in users only; reads need VIEW, writes the view's ``write_capability``.

    Querysets are scoped separately in each view through ``Access``: this class decides
    whether the request may be attempted at all.
    """

    message = "You do not have permission to do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        access = access_for(request._request)
        if request.method in SAFE_METHODS:
            return access.has(Capability.VIEW)
        capability: Capability | None = getattr(view, "write_capability", None)
        return capability is not None and access.has(capability)


def api_access(request: Request) -> Access:
    """The caller's ``Access`` (built once per request, as for pages)."""
    return access_for(request._request)
