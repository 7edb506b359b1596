from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from training.models import Completion, Course


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
