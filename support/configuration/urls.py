"""The desk's settings routes, included by ``support.urls`` under ``settings/`` in the
``support`` namespace."""

from django.urls import path

from support.configuration import views

urlpatterns = [
    path("", views.settings_home, name="settings"),
    path("categories/", views.categories, name="categories"),
    path("categories/new/", views.category_new, name="category_new"),
    path("categories/<int:pk>/", views.category_edit, name="category_edit"),
    path("categories/<int:pk>/status/", views.category_status, name="category_status"),
    path("sla/", views.sla_targets, name="sla"),
    path("sla/<str:priority>/", views.sla_edit, name="sla_edit"),
    path("resolver-groups/", views.resolver_groups, name="resolver_groups"),
    path("resolver-groups/<int:pk>/", views.resolver_group_edit, name="resolver_group_edit"),
]
