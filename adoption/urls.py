from django.urls import path

from adoption.analytics import views as analytics_views
from adoption.feedback import views as feedback_views
from adoption.imports import builder_views, views, withdraw_views

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
    path("imports/<int:pk>/withdraw/", withdraw_views.withdraw, name="withdraw"),
    path(
        "imports/<int:pk>/unknown-values.csv",
        views.unknown_values_report,
        name="unknown_values_report",
    ),
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

# The mapping-profile builder and profile versions.
urlpatterns += [
    path("profiles/build/", builder_views.builder_start, name="profile_builder"),
    path("profiles/<int:pk>/build/", builder_views.builder_start, name="profile_builder_edit"),
    path("profiles/build/columns/", builder_views.builder_columns, name="profile_builder_columns"),
    path("profiles/build/codes/", builder_views.builder_codes, name="profile_builder_codes"),
    path("profiles/build/save/", builder_views.builder_save, name="profile_builder_save"),
    path("profiles/<int:pk>/history/", builder_views.profile_history, name="profile_history"),
    path(
        "profiles/<int:pk>/history/<int:history_id>.json",
        builder_views.profile_version_export,
        name="profile_version_export",
    ),
]

# Adoption analytics.
urlpatterns += [
    path("dashboard/", analytics_views.dashboard_page, name="dashboard"),
    path("dashboard/areas/<int:pk>/", analytics_views.area_page, name="area"),
    path("programme/", analytics_views.programme_dashboard, name="programme_dashboard"),
    path(
        "programme/export/<str:table>.<str:fmt>",
        analytics_views.programme_export,
        name="programme_export",
    ),
    path(
        "programme/board-pack/",
        analytics_views.programme_board_pack,
        name="programme_board_pack",
    ),
    path("programme/go-lives/<int:pk>/", analytics_views.drill_down, name="drill_down"),
    path(
        "programme/go-lives/<int:pk>/areas/<int:area>/",
        analytics_views.drill_down,
        name="drill_down_area",
    ),
    path("dashboard/not-yet-using/", analytics_views.not_yet_using, name="not_yet_using"),
    path(
        "dashboard/export/<str:table>.<str:fmt>",
        analytics_views.export_table,
        name="export",
    ),
    path("board-pack/", analytics_views.board_pack, name="board_pack"),
    path("before-after/", analytics_views.before_after, name="before_after"),
    path("metrics/", analytics_views.metric_list, name="metrics"),
    path("metrics/new/", analytics_views.metric_form, name="metric_new"),
    path("metrics/<int:pk>/edit/", analytics_views.metric_form, name="metric_edit"),
    path("metrics/<int:pk>/delete/", analytics_views.metric_delete, name="metric_delete"),
    path("changes/", analytics_views.marker_list, name="markers"),
    path("changes/new/", analytics_views.marker_form, name="marker_new"),
    path("changes/<int:pk>/edit/", analytics_views.marker_form, name="marker_edit"),
    path("changes/<int:pk>/delete/", analytics_views.marker_delete, name="marker_delete"),
]

# Staff feedback; the survey link works without an account.
urlpatterns += [
    path("feedback/", feedback_views.home, name="feedback"),
    path("feedback/export.<str:fmt>", feedback_views.export, name="feedback_export"),
    path("feedback/surveys/", feedback_views.open_survey, name="survey_open"),
    path("feedback/surveys/<int:pk>/toggle/", feedback_views.toggle_survey, name="survey_toggle"),
    path("feedback/themes/", feedback_views.save_theme, name="theme_save"),
    path("feedback/responses/<int:pk>/theme/", feedback_views.tag, name="response_tag"),
    path("feedback/s/<str:token>/", feedback_views.answer, name="survey_answer"),
    path("feedback/s/<str:token>/thanks/", feedback_views.thanks, name="survey_thanks"),
]
