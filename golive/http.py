"""What every page view starts and ends with: the section check, the signed-in user, the
go-live shown, and rendering the page or its htmx fragment. One home for every app's pages."""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails
from rest_framework.request import Request

from golive.access import Access, access_for
from golive.models import GoLive, User
from golive.navigation import current_go_live, require_section


class HtmxHttpRequest(HttpRequest):
    """A request that has passed through django-htmx's middleware (for type checking)."""

    htmx: HtmxDetails


def section_access(request: HttpRequest, section: str) -> Access:
    """The user's access, after refusing (403) anyone whose roles exclude ``section``."""
    require_section(request, section)
    return access_for(request)


def section_go_live(request: HttpRequest, section: str) -> tuple[Access, GoLive]:
    """The user's access to ``section`` and the go-live shown; 404 when there is none."""
    access = section_access(request, section)
    go_live = current_go_live(request)
    if go_live is None:
        raise Http404("There is no go-live to show.")
    return access, go_live


def signed_in_user(request: HttpRequest | Request) -> User:
    # Pages are private (LoginRequiredMiddleware) and the API needs a signed-in caller
    # (RoleScopedAccess), so every request reaching a private view has a user.
    return cast(User, request.user)


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, partial: str
) -> HttpResponse:
    """The whole page, or for htmx only its named partial (not for a history restore, which
    needs the whole page). Varies on HX-Request, so no cache serves one for the other."""
    htmx: HtmxDetails | None = getattr(request, "htmx", None)
    fragment = htmx is not None and bool(htmx) and not htmx.history_restore_request
    response = render(request, f"{template}#{partial}" if fragment else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
