from django.urls import URLPattern, URLResolver, include, path

from support import dashboards, views

app_name = "support"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("log/", views.log_ticket, name="log"),
    path("log/suggestions/", views.log_suggestions, name="log_suggestions"),
    path("tickets/", views.queue, name="queue"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket"),
    path("tickets/<int:pk>/claim/", views.claim, name="claim"),
    path("tickets/<int:pk>/triage/", views.triage, name="triage"),
    path("tickets/<int:pk>/status/", views.change_status, name="status"),
    path("tickets/<int:pk>/comments/", views.comment, name="comment"),
    path("tickets/<int:pk>/escalate/", views.escalate_ticket, name="escalate_ticket"),
    path("tickets/<int:pk>/known-issue/", views.link_known_issue, name="link_known_issue"),
    path("known-issues/", views.known_issues, name="known_issues"),
    path("known-issues/new/", views.known_issue_new, name="known_issue_new"),
    path("known-issues/<int:pk>/", views.known_issue_detail, name="known_issue"),
    path("known-issues/<int:pk>/edit/", views.known_issue_edit, name="known_issue_edit"),
    path("known-issues/<int:pk>/fix/", views.known_issue_fix, name="known_issue_fix"),
    path("safety/", views.safety, name="safety"),
    path("board/", dashboards.board, name="board"),
    path("board/escalate/", dashboards.escalate, name="escalate"),
    path("board/notices/<int:pk>/seen/", dashboards.notice_seen, name="notice_seen"),
    path("analytics/", dashboards.analytics, name="analytics"),
    path("analytics/tickets.csv", dashboards.export_csv, name="export_csv"),
    path("analytics/tickets.xlsx", dashboards.export_xlsx, name="export_xlsx"),
    path("survey/<str:token>/", dashboards.survey, name="survey"),
    path("settings/", include("support.configuration.urls")),
]
