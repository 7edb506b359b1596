"""Admin for readiness reference data. Evidence packs are shown read-only: they are
evidence and must never be edited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from readiness.models import (
    CommandCell,
    Criterion,
    CriterionTemplate,
    EvidencePack,
    Gate,
    Hazard,
    Milestone,
    ReadinessGroup,
    SitRep,
)


@admin.register(CriterionTemplate)
class CriterionTemplateAdmin(SimpleHistoryAdmin):
    list_display = ("title", "template_set", "domain", "weight", "owner_role", "computed_key")
    list_filter = ("template_set", "domain")


@admin.register(Criterion)
class CriterionAdmin(SimpleHistoryAdmin):
    list_display = ("template", "area", "go_live", "rag", "updated_at")
    list_filter = ("go_live", "rag")
    raw_id_fields = ("area", "template", "owner", "updated_by")


@admin.register(ReadinessGroup)
class ReadinessGroupAdmin(SimpleHistoryAdmin):
    list_display = ("name", "programme", "cadence")


@admin.register(Gate)
class GateAdmin(SimpleHistoryAdmin):
    list_display = ("name", "go_live", "days_before", "decision", "decided_at")


@admin.register(EvidencePack)
class EvidencePackAdmin(admin.ModelAdmin):
    list_display = ("gate", "frozen_at", "checksum")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Hazard)
class HazardAdmin(SimpleHistoryAdmin):
    list_display = ("reference", "title", "programme", "status")


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ("name", "go_live", "due_on", "completed_on")


@admin.register(CommandCell)
class CommandCellAdmin(SimpleHistoryAdmin):
    list_display = ("name", "level", "go_live", "lead")


@admin.register(SitRep)
class SitRepAdmin(SimpleHistoryAdmin):
    list_display = ("cell", "period_end", "status")
    readonly_fields = ("figures",)
