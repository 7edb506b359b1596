from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from administration.audit import api as audit_api
from administration.copying import api as copying_api
from administration.people import api as people_api
from administration.people import views as people_views
from administration.structure import api as structure_api
from adoption.analytics import api as analytics_api
from adoption.analytics import dip_api
from adoption.feedback import api as feedback_api
from adoption.imports import api as adoption_api
from champions import api as champions_api
from golive import api, views
from readiness import urls as readiness_urls
from readiness.assessment import api as assessment_api
from readiness.command import api as command_api
from readiness.comms import api as comms_api
from readiness.gates import api as gates_api
from readiness.hazards import api as hazards_api
from readiness.timeline import api as timeline_api
from support import api as support_api
from support import urls as support_urls
from training.api import confidence_checks, courses, go_lives, registers, scope_changes

router = DefaultRouter(use_regex_path=False)
# The core's areas and go-lives, writable by programme set-up (administration app).
router.register("areas", structure_api.AreaViewSet, basename="area")
router.register("go-lives", structure_api.GoLiveViewSet, basename="go-live")
router.register("sites", structure_api.SiteViewSet, basename="site")
router.register("programmes", structure_api.ProgrammeViewSet, basename="programme")
router.register("releases", structure_api.ReleaseViewSet, basename="release")
router.register("go-live-copies", copying_api.GoLiveCopyViewSet, basename="go-live-copy")
router.register("staff", api.StaffMemberViewSet, basename="staff")
router.register("imports", adoption_api.ImportBatchViewSet, basename="import-batch")
router.register("mapping-profiles", adoption_api.MappingProfileViewSet, basename="mapping-profile")
# Training (issue 6).
router.register("training/courses", courses.CourseViewSet, basename="training-course")
router.register(
    "training/requirements", courses.RequirementViewSet, basename="training-requirement"
)
router.register("training/completions", registers.CompletionViewSet, basename="training-completion")
router.register("training/bookings", registers.BookingViewSet, basename="training-booking")
router.register("training/go-lives", go_lives.TrainingGoLiveViewSet, basename="training-go-live")
router.register(
    "training/scope-changes", scope_changes.ScopeChangeViewSet, basename="training-scope-change"
)
router.register(
    "training/confidence-checks",
    confidence_checks.ConfidenceCheckViewSet,
    basename="training-confidence-check",
)
router.register("designations", champions_api.DesignationViewSet, basename="designation")
router.register("shifts", champions_api.ShiftViewSet, basename="shift")
router.register("shift-assignments", champions_api.AssignmentViewSet, basename="shift-assignment")
router.register("coverage", champions_api.CoverageViewSet, basename="coverage")
router.register("cover-requests", champions_api.CoverRequestViewSet, basename="cover-request")
# Adoption analytics (issue 4).
router.register("metrics", analytics_api.MetricViewSet, basename="metric")
router.register("change-markers", analytics_api.ChangeMarkerViewSet, basename="change-marker")
# Service desk (support app).
router.register("tickets", support_api.TicketViewSet, basename="ticket")
router.register("ticket-categories", support_api.CategoryViewSet, basename="ticket-category")

# Readiness (issue 5).
router.register(
    "readiness/criteria", assessment_api.CriterionViewSet, basename="readiness-criterion"
)
router.register("readiness/gates", gates_api.GateViewSet, basename="readiness-gate")
router.register("readiness/hazards", hazards_api.HazardViewSet, basename="readiness-hazard")
router.register("readiness/groups", assessment_api.GroupViewSet, basename="readiness-group")
router.register("readiness/comms", comms_api.CommsItemViewSet, basename="readiness-comms")
router.register(
    "readiness/engagement-events",
    comms_api.EngagementEventViewSet,
    basename="readiness-engagement-event",
)
router.register("readiness/sitreps", command_api.SitRepViewSet, basename="readiness-sitrep")
router.register("readiness/cells", command_api.CommandCellViewSet, basename="readiness-cell")
router.register(
    "readiness/escalations", command_api.EscalationViewSet, basename="readiness-escalation"
)
router.register(
    "readiness/milestones", timeline_api.MilestoneViewSet, basename="readiness-milestone"
)
# The audit trail (issue 15).
router.register("audit-entries", audit_api.AuditEntryViewSet, basename="audit-entry")

# People and access (issue 15): role grants and invitations are the people section's;
# access requests are every signed-in user's (a new user with no role asks there).
router.register("role-grants", people_api.RoleGrantViewSet, basename="role-grant")
router.register("invitations", people_api.InvitationViewSet, basename="invitation")
router.register("access-requests", people_api.AccessRequestViewSet, basename="access-request")

# Unmatched URLs under /api/ (e.g. /api/v1/areas/-1/) answer in the API's error shape.
handler404 = views.not_found

urlpatterns = [
    path("", views.home, name="home"),
    path("go-live/switch/", views.switch_go_live, name="switch_go_live"),
    path("definitions/", views.figure_definitions, name="definitions"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/export.csv", views.staff_export, name="staff_export"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Your account: the second factor (authenticator app and recovery codes).
    path("accounts/", include("golive.accounts.urls")),
    # An e-mail invitation's set-password link (Django's password-reset confirmation).
    path(
        "accounts/reset/<uidb64>/<token>/",
        people_views.SetPasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        people_views.PasswordSetView.as_view(),
        name="password_reset_complete",
    ),
    # Outside every section: any signed-in user, with or without a role, asks for access.
    path("access/request/", people_views.request_access, name="request_access"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("readiness/", include("readiness.urls")),
    path("training/", include("training.urls")),
    path("champions/", include("champions.urls")),
    path("adoption/", include("adoption.urls")),
    # The desk's URLconf plus the page the hazard log serves in the desk's section.
    path(
        "support/",
        include(([*support_urls.urlpatterns, *readiness_urls.desk_urlpatterns], "support")),
    ),
    path("setup/", include("administration.urls")),
    path("people/", include("administration.people.urls")),
    path("audit/", include("administration.audit.urls")),
    path("api/v1/me/", api.me, name="api-me"),
    path("api/v1/definitions/", api.figure_definitions, name="api-definitions"),
    path("api/v1/comparisons/", analytics_api.comparison_view, name="api-comparison"),
    path("api/v1/dip-and-recovery/", dip_api.dip_view, name="api-dip-and-recovery"),
    path("api/v1/feedback-scores/", feedback_api.feedback_scores, name="api-feedback-scores"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file, which the CSP allows.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

if settings.OIDC_ENABLED:
    # Login views must be reachable before sign-in.
    urlpatterns.append(path("oidc/", include("golive.oidc_urls")))
