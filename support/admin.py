"""Reference data the desk edits (categories, SLA targets, resolver groups) and, for
superusers, tickets and known issues."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from support.models import Category, KnownIssue, ResolverGroup, SlaTarget, Ticket


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ("name", "parent", "slug", "position", "is_active")
    list_filter = ("parent", "is_active")
    search_fields = ("name", "slug")


@admin.register(SlaTarget)
class SlaTargetAdmin(SimpleHistoryAdmin):
    list_display = ("priority", "first_response_minutes", "resolve_minutes", "clock")


@admin.register(ResolverGroup)
class ResolverGroupAdmin(SimpleHistoryAdmin):
    search_fields = ("name",)


@admin.register(KnownIssue)
class KnownIssueAdmin(SimpleHistoryAdmin):
    list_display = ("title", "programme", "status", "is_published", "created_at")
    list_filter = ("status", "is_published")
    search_fields = ("title",)
    raw_id_fields = ("created_by", "fixed_by")


@admin.register(Ticket)
class TicketAdmin(SimpleHistoryAdmin):
    list_display = ("reference", "go_live", "area", "category", "priority", "status", "created_at")
    list_filter = ("status", "priority", "is_clinical_safety", "go_live")
    raw_id_fields = ("area", "assignee", "logged_by", "known_issue", "course")
    date_hierarchy = "created_at"
