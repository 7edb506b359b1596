"""The audit trail (namespace ``audit``): who changed what, when, and why."""

from django.urls import URLPattern

app_name = "audit"
urlpatterns: list[URLPattern] = []
