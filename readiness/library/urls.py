"""The criteria library's routes, included by ``readiness.urls`` under ``library/`` in the
``readiness`` namespace."""

from django.urls import path

from readiness.library import views

urlpatterns = [
    path("", views.library, name="library"),
    path("new/", views.template_new, name="library_new"),
    path("copy/", views.copy_set, name="library_copy"),
    path("<int:pk>/", views.template_edit, name="library_edit"),
    path("<int:pk>/delete/", views.template_delete, name="library_delete"),
]
