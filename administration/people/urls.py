"""People and access (namespace ``people``): invitations, role grants and access
requests. The request-access page itself is routed outside the namespace (``golive.urls``,
``request_access``): it is every signed-in user's, with or without a role."""

from django.urls import path

from administration.people import views

app_name = "people"
urlpatterns = [
    path("", views.home, name="home"),
    path("invite/", views.invite, name="invite"),
    path("grants/new/", views.grant_new, name="grant_new"),
    path("grants/<int:pk>/", views.grant_edit, name="grant_edit"),
    path("grants/<int:pk>/revoke/", views.grant_revoke, name="grant_revoke"),
    path("requests/", views.requests, name="requests"),
    path("requests/<int:pk>/", views.request_decide, name="request"),
]
