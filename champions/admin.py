from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from champions.models import (
    Assignment,
    CoverageTarget,
    CoverRequest,
    Designation,
    RotaEntry,
    ShiftPattern,
)


@admin.register(Designation)
class DesignationAdmin(SimpleHistoryAdmin):
    list_display = ("staff", "kind", "area", "go_live", "status", "agreed_at")
    list_filter = ("kind", "status", "programme")
    search_fields = ("staff__staff_number", "staff__full_name", "area__name")
    raw_id_fields = ("staff", "area", "nominated_by", "agreed_by", "withdrawn_by")


@admin.register(CoverageTarget)
class CoverageTargetAdmin(SimpleHistoryAdmin):
    list_display = ("area", "go_live", "staff_per_supporter")


@admin.register(ShiftPattern)
class ShiftPatternAdmin(SimpleHistoryAdmin):
    list_display = ("area", "go_live", "name", "start_time", "end_time", "planned_staff")
    list_filter = ("go_live", "kind")


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("staff", "shift", "status", "assigned_by", "assigned_at")
    list_filter = ("status",)
    raw_id_fields = ("shift", "designation", "staff", "assigned_by", "cancelled_by")


@admin.register(CoverRequest)
class CoverRequestAdmin(SimpleHistoryAdmin):
    list_display = ("kind", "assignment", "status", "requested_at")
    list_filter = ("kind", "status")
    raw_id_fields = ("assignment", "swap_with", "requested_by", "resolved_by")


@admin.register(RotaEntry)
class RotaEntryAdmin(admin.ModelAdmin):
    list_display = ("staff", "area", "starts_at", "ends_at")
    raw_id_fields = ("staff", "area", "batch")
