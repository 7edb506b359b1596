from django.urls import path

from training import views

app_name = "training"
urlpatterns = [
    path("", views.home, name="home"),
    path("alerts/check/", views.check_alerts, name="check_alerts"),
    path("alerts/<int:pk>/acknowledge/", views.acknowledge_alert, name="acknowledge_alert"),
    path("courses/", views.course_list, name="courses"),
    path("courses/new/", views.course_edit, name="course_new"),
    path("courses/<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("requirements/", views.requirement_list, name="requirements"),
    path("requirements/<int:pk>/delete/", views.requirement_delete, name="requirement_delete"),
    path("plan/", views.plan_edit, name="plan"),
    path("scope/", views.scope_changes, name="scope"),
    path("scope/<int:pk>/delete/", views.scope_change_delete, name="scope_change_delete"),
    path("register/", views.register, name="register"),
    path("compliance/", views.compliance, name="compliance"),
    path("confidence/", views.confidence, name="confidence"),
    path("confidence/export.csv", views.confidence_csv, name="confidence_csv"),
    path("confidence/export.xlsx", views.confidence_xlsx, name="confidence_xlsx"),
    path("drill-down/", views.drill_down, name="drill_down"),
    path("drill-down/export.csv", views.export_csv, name="export_csv"),
    path("drill-down/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("drill-down/gaps.csv", views.gaps_csv, name="gaps_csv"),
    path("drill-down/gaps.xlsx", views.gaps_xlsx, name="gaps_xlsx"),
]
