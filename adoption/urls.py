from django.urls import path

from adoption import views

app_name = "adoption"
urlpatterns = [
    path("", views.home, name="home"),
    path("imports/", views.import_list, name="imports"),
    path("imports/new/", views.upload, name="upload"),
    path("imports/<int:pk>/", views.batch_detail, name="batch"),
    path(
        "imports/<int:pk>/commit-valid-rows/",
        views.commit_valid_rows,
        name="commit_valid_rows",
    ),
    path("imports/<int:pk>/errors.csv", views.error_report, name="error_report"),
    path("profiles/", views.profile_list, name="profiles"),
    path("profiles/new/", views.profile_new, name="profile_new"),
    path("profiles/import/", views.profile_import, name="profile_import"),
    path("profiles/<int:pk>/edit/", views.profile_edit, name="profile_edit"),
    path("profiles/<int:pk>/export/", views.profile_export, name="profile_export"),
    path(
        "profiles/builtin/<str:name>/export/",
        views.builtin_profile_export,
        name="builtin_profile_export",
    ),
]
