from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import urlencode

from golive.accounts import second_factor


class GoliveAdminSite(admin.AdminSite):
    """The Django admin sees every row, bypassing ``Access``: administrators only."""

    site_header = "Golive administration"
    site_title = "Golive administration"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        # A password sign-in must have proved its second factor (SecondFactorMiddleware
        # sends it to do so first; this holds even if that middleware were left out).
        return bool(
            user.is_active
            and user.is_staff
            and user.is_superuser
            and second_factor.outstanding(request) is None
        )

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """Golive's own sign-in, not the admin's: one password form, with the throttling,
        the local-sign-in switch and the second factor. A signed-in user who may not use
        the admin is refused here (sending them to sign in would loop back)."""
        if request.user.is_authenticated:
            raise PermissionDenied("The Django admin is for administrators only.")
        target = request.GET.get(REDIRECT_FIELD_NAME) or request.path
        response = redirect("login")
        response["Location"] += "?" + urlencode({REDIRECT_FIELD_NAME: target})
        return response
