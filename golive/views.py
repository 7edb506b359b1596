from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django.views.decorators.http import require_GET, require_POST

from golive import definitions, health
from golive.access import Capability, access_for
from golive.accounts import second_factor
from golive.dashboard import home_alerts, summarise_go_live
from golive.exports import csv_response
from golive.forms import GoLiveSwitchForm, SignInForm, StaffFilterForm
from golive.http import HtmxHttpRequest, render_page
from golive.models import Area, StaffMember
from golive.navigation import (
    SESSION_GO_LIVE_KEY,
    current_go_live,
    require_section,
    without_go_live_param,
)


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        # The password was the first factor; SecondFactorMiddleware asks for the second.
        second_factor.mark_password_sign_in(self.request)
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # With local sign-in off the password form is shown only on asking for it
        # (?break-glass): for a superuser when single sign-on is down.
        context["local_login"] = settings.LOCAL_LOGIN
        context["show_password_form"] = (
            settings.LOCAL_LOGIN or "break-glass" in self.request.GET or context["form"].errors
        )
        return context


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not access_for(request).roles:
        # Signed in, but no role in force anywhere: ask a programme for one.
        return redirect("request_access")
    go_live = current_go_live(request)
    if go_live is None:
        return render(request, "golive/home.html", {"summary": None, "alerts": []})
    access = access_for(request)
    context = {
        "summary": summarise_go_live(access, go_live, today=timezone.localdate()),
        "alerts": home_alerts(access, go_live),
    }
    return render(request, "golive/home.html", context)


@require_GET
def figure_definitions(request: HttpRequest) -> HttpResponse:
    """Every figure Golive shows, with its definition: the glossary a board member reads."""
    return render(
        request, "golive/definitions.html", {"definitions": definitions.all_definitions()}
    )


@require_POST
def switch_go_live(request: HttpRequest) -> HttpResponse:
    form = GoLiveSwitchForm(request.POST, go_lives=access_for(request).go_lives())
    if not form.is_valid():
        return render(request, "golive/switch_go_live.html", {"form": form}, status=200)
    request.session[SESSION_GO_LIVE_KEY] = form.cleaned_data["go_live"].pk
    # Back to the page, but showing the go-live just chosen, not one its link named.
    target = without_go_live_param(form.cleaned_data["next"])
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    return HttpResponseRedirect(target)


def _filtered_staff(request: HttpRequest, form: StaffFilterForm) -> QuerySet[StaffMember]:
    access = access_for(request)
    staff = access.staff().order_by("full_name", "staff_number")
    visible_areas = access.areas(Capability.VIEW_STAFF)
    staff = staff.prefetch_related(Prefetch("areas", queryset=visible_areas.order_by("name")))
    if not form.is_valid():
        return staff
    data = form.cleaned_data
    if data["q"]:
        staff = staff.filter(
            Q(full_name__icontains=data["q"])
            | Q(staff_number__iexact=data["q"])
            | Q(job_title__icontains=data["q"])
        )
    if data["area"]:
        staff = staff.filter(areas=data["area"])
    if data["role_group"]:
        staff = staff.filter(role_group=data["role_group"])
    return staff


def _staff_filter_form(request: HttpRequest) -> StaffFilterForm:
    areas: QuerySet[Area] = access_for(request).areas(Capability.VIEW_STAFF).order_by("name")
    return StaffFilterForm(request.GET or None, areas=areas)


@require_GET
def staff_list(request: HtmxHttpRequest) -> HttpResponse:
    require_section(request, "staff")
    form = _staff_filter_form(request)
    page = Paginator(_filtered_staff(request, form), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render_page(request, "golive/staff_list.html", context, partial="results")


@require_GET
def staff_export(request: HttpRequest) -> HttpResponse:
    require_section(request, "staff")
    staff = _filtered_staff(request, _staff_filter_form(request))
    rows = (
        (
            member.staff_number,
            member.full_name,
            member.get_role_group_display(),
            member.job_title,
            "; ".join(area.name for area in member.areas.all()),
            member.start_date or "",
        )
        for member in staff
    )
    header = ("Staff number", "Name", "Role group", "Job title", "Areas", "Start date")
    return csv_response("golive-staff.csv", header, rows)


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Deliberately touches nothing else."""
    return JsonResponse({"status": "ok"})


@login_not_required
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: database, broker and a recent worker heartbeat; 503 if any is failing."""
    checks = health.run_checks()
    ready = all(check.ok for check in checks)
    body = {
        "status": "ok" if ready else "unavailable",
        "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in checks},
    }
    return JsonResponse(body, status=200 if ready else 503)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A URL that matches nothing: API clients get the API's error shape, not an HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "message": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
