from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from training.models import (
    Booking,
    Completion,
    ConfidenceResponse,
    Course,
    Requirement,
    ScopeChange,
    TrainingAlert,
    TrainingPlan,
    TrajectoryPoint,
)


@admin.register(Course)
class CourseAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "delivery", "duration_minutes", "programme")
    list_filter = ("programme", "delivery")
    search_fields = ("name", "code")


@admin.register(Completion)
class CompletionAdmin(SimpleHistoryAdmin):
    list_display = ("staff", "course", "completed_on")
    list_filter = ("course",)
    search_fields = ("staff__staff_number", "staff__full_name")
    raw_id_fields = ("staff", "batch")


@admin.register(Requirement)
class RequirementAdmin(SimpleHistoryAdmin):
    list_display = ("go_live", "role_group", "course", "due_on")
    list_filter = ("go_live", "role_group")


@admin.register(Booking)
class BookingAdmin(SimpleHistoryAdmin):
    list_display = ("staff", "course", "session_on")
    raw_id_fields = ("staff",)


@admin.register(TrainingPlan)
class TrainingPlanAdmin(SimpleHistoryAdmin):
    list_display = ("go_live", "target_percent", "alert_margin_points", "cut_off_on")


@admin.register(TrajectoryPoint)
class TrajectoryPointAdmin(SimpleHistoryAdmin):
    list_display = ("go_live", "on_date", "planned_percent")
    list_filter = ("go_live",)


@admin.register(ScopeChange)
class ScopeChangeAdmin(SimpleHistoryAdmin):
    list_display = ("go_live", "staff", "kind", "reason")
    raw_id_fields = ("staff",)


@admin.register(TrainingAlert)
class TrainingAlertAdmin(admin.ModelAdmin):
    list_display = ("go_live", "kind", "raised_at", "closed_at", "acknowledged_by")
    list_filter = ("kind",)


@admin.register(ConfidenceResponse)
class ConfidenceResponseAdmin(admin.ModelAdmin):
    list_display = ("go_live", "area", "score", "submitted_at")
    list_filter = ("go_live",)
    raw_id_fields = ("staff",)
