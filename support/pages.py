"""What every service desk page starts with: the section check, the go-live being looked
at, the signed-in user, and rendering a page or its htmx fragment."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from golive.access import Access, access_for
from golive.http import HtmxHttpRequest
from golive.models import GoLive, User
from golive.navigation import (
    current_go_live,
    go_live_choices,
    has_chosen_go_live,
    require_section,
    show_go_live,
)


def desk_access(request: HttpRequest) -> Access:
    """The user's access, after refusing (403) anyone whose roles exclude the desk."""
    require_section(request, "support")
    return access_for(request)


def signed_in_user(request: HttpRequest) -> User:
    # LoginRequiredMiddleware: every request reaching the desk's private pages is signed in.
    return cast(User, request.user)


def go_live_or_404(request: HttpRequest) -> GoLive:
    go_live = desk_go_live(request)
    if go_live is None:
        raise Http404("There is no go-live for you to see.")
    return go_live


def desk_go_live(request: HttpRequest) -> GoLive | None:
    """The go-live the desk's pages show: the one chosen in the switcher; with no choice
    made, the one the desk is supporting (the latest whose user go-live has come), rather
    than the next one to come that readiness and training look at first."""
    if has_chosen_go_live(request):
        return current_go_live(request)
    today = timezone.localdate()
    live = [g for g in go_live_choices(request) if g.user_go_live_date <= today]
    if not live:
        return current_go_live(request)
    supported = max(live, key=lambda g: (g.user_go_live_date, g.pk))
    show_go_live(request, supported)
    return supported


def render_page(
    request: HtmxHttpRequest, template: str, context: dict[str, Any], *, partial: str
) -> HttpResponse:
    """The whole page, or only its named partial for htmx (not for a history restore)."""
    fragment = request.htmx and not request.htmx.history_restore_request
    response = render(request, f"{template}#{partial}" if fragment else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def apply_errors(form: Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: field errors on their fields (when the
    form has that field), anything else at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                form.add_error(field if field in form.fields else None, item)
    else:
        form.add_error(None, error)
