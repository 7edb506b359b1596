"""The audit trail (namespace ``audit``): who changed what, when, and why."""

from django.urls import path

from administration.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.home, name="home"),
    path("export.csv", views.export_csv, name="export"),
]
