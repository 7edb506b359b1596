"""People and access (namespace ``people``): invitations, role grants and access
requests."""

from django.urls import URLPattern

app_name = "people"
urlpatterns: list[URLPattern] = []
