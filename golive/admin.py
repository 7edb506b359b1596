from __future__ import annotations

import logging
from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from golive.accounts import api_tokens, second_factor
from golive.models import (
    ApiToken,
    Area,
    GoLive,
    Organisation,
    Programme,
    Release,
    RoleGrant,
    Site,
    StaffMember,
    User,
)

logger = logging.getLogger(__name__)


class RoleGrantForm(forms.ModelForm):
    class Meta:
        model = RoleGrant
        fields = ("user", "role", "programme", "areas")

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        programme = cleaned.get("programme")
        foreign = [
            area.name
            for area in cleaned.get("areas") or []
            if programme is not None and area.site.organisation_id != programme.organisation_id
        ]
        if foreign:
            self.add_error(
                "areas",
                "These areas belong to another organisation than the programme: "
                + ", ".join(foreign),
            )
        return cleaned


@admin.register(User)
class GoliveUserAdmin(UserAdmin, SimpleHistoryAdmin):
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Single sign-on", {"fields": ("oidc_subject",)}),
    )
    list_display = ("username", "email", "first_name", "last_name", "is_active", "is_staff")
    actions = ("reset_second_factor",)

    @admin.action(description="Reset second factor (remove authenticator and recovery codes)")
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """For a user who lost their phone and recovery codes: they set up a new
        authenticator at their next password sign-in. Each reset is kept in the admin's
        log (who, whom, when)."""
        for user in queryset:
            if second_factor.remove_devices(user):
                self.log_change(request, user, "Reset the second factor.")
                logger.info("Second factor reset for user %s by user %s", user.pk, request.user.pk)
        self.message_user(request, "Second factor reset: they set up a new one at sign-in.")


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    form = RoleGrantForm
    extra = 0
    autocomplete_fields = ("user", "areas")


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "ods_code")
    search_fields = ("name", "ods_code")


@admin.register(Site)
class SiteAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "organisation")
    list_filter = ("organisation",)
    search_fields = ("name", "code")


@admin.register(Area)
class AreaAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "site", "area_type", "specialty", "is_active")
    list_filter = ("site", "area_type", "is_active")
    search_fields = ("name", "code", "specialty")
    list_select_related = ("site",)


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ("name", "organisation", "epr_supplier", "journey_stage")
    inlines = (RoleGrantInline,)


class ReleaseInline(admin.TabularInline):
    model = Release
    extra = 0


@admin.register(GoLive)
class GoLiveAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "programme",
        "approach",
        "technical_go_live_date",
        "user_go_live_date",
        "stage",
    )
    list_filter = ("programme", "approach", "stage")
    filter_horizontal = ("areas",)
    inlines = (ReleaseInline,)


@admin.register(Release)
class ReleaseAdmin(SimpleHistoryAdmin):
    list_display = ("name", "version", "go_live")
    list_filter = ("go_live",)


@admin.register(StaffMember)
class StaffMemberAdmin(SimpleHistoryAdmin):
    list_display = ("full_name", "staff_number", "role_group", "job_title", "start_date")
    list_filter = ("role_group",)
    search_fields = ("full_name", "staff_number", "epr_user_id")
    autocomplete_fields = ("areas", "user")


@admin.register(RoleGrant)
class RoleGrantAdmin(SimpleHistoryAdmin):
    form = RoleGrantForm
    list_display = ("user", "role", "programme")
    list_filter = ("role", "programme")
    search_fields = ("user__username",)
    autocomplete_fields = ("user", "areas")


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    """Every user's API tokens, to see and revoke (never to make: a token is made by its
    user, from a session that proved its second factor, and its secret shown only to them)."""

    list_display = ("name", "user", "read_only", "created", "expiry", "last_used", "revoked_at")
    list_filter = ("read_only", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "user__username")
    fields = ("name", "user", "read_only", "created", "expiry", "last_used", "revoked_at")
    readonly_fields = fields
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: a revoked token stays on record

    @admin.action(description="Revoke selected API tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoker = cast(User, request.user)
        revoked = [
            token for token in queryset if api_tokens.revoke_token(token_id=token.pk, by=revoker)
        ]
        for token in revoked:
            self.log_change(request, token, "Revoked the API token.")
        self.message_user(request, f"{len(revoked)} API token(s) revoked.")
