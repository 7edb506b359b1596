from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from golive.access import access_for
from golive.accounts import second_factor
from golive.models import Role
from golive.navigation import current_go_live, go_live_choices, nav_items


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page shell (header, navigation, go-live switcher) needs on every page."""
    context: dict[str, Any] = {"oidc_enabled": settings.OIDC_ENABLED}
    if not request.user.is_authenticated:
        return context
    if second_factor.outstanding(request) is not None:
        # Mid sign-in: no navigation to pages the second-factor step stands in front of.
        context["second_factor_outstanding"] = True
        return context
    access = access_for(request)
    labels = dict(Role.choices)
    context.update(
        nav_items=nav_items(request),
        current_go_live=current_go_live(request),
        go_live_choices=go_live_choices(request),
        user_role_labels=sorted(labels[role] for role in access.roles if role in labels),
        is_read_only=access.is_read_only,
    )
    return context
