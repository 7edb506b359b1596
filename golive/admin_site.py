from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class GoliveAdminSite(admin.AdminSite):
    """The Django admin sees every row, bypassing ``Access``: administrators only."""

    site_header = "Golive administration"
    site_title = "Golive administration"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and user.is_superuser)


class GoliveAdminConfig(AdminConfig):
    default_site = "golive.admin_site.GoliveAdminSite"
