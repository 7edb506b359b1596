from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from golive.access import Access, Capability, access_for
from golive.navigation import section_of


class RoleScopedAccess(BasePermission):
    """Signed-in users who reach the section the route belongs to (the same reach its pages
    ask for, ``golive.navigation.SECTIONS``); reads then need VIEW, writes the view's
    ``write_capability``.

    Querysets are scoped separately in each view through ``Access``: this class decides
    whether the request may be attempted at all.
    """

    message = "You do not have permission to do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        access = access_for(request._request)
        match = request._request.resolver_match
        section = section_of(match.view_name) if match else None
        if section is not None and not section.reached_by(access):
            return False
        if request.method in SAFE_METHODS:
            return access.has(Capability.VIEW)
        return self.may_write(access, view)

    def may_write(self, access: Access, view: Any) -> bool:
        capability: Capability | None = getattr(view, "write_capability", None)
        return capability is not None and access.has(capability)


def api_access(request: Request) -> Access:
    """The caller's ``Access`` (built once per request, as for pages)."""
    return access_for(request._request)
