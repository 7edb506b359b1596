"""Training pages: the trajectory, courses and requirements, the classroom register, the
drill-down with its huddle exports, new starters' compliance, and confidence checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from golive.access import Access, Capability
from golive.http import HtmxHttpRequest, render_page, section_access, signed_in_user
from golive.models import GoLive, StaffMember
from golive.navigation import current_go_live
from golive.refusals import apply_errors
from training import confidence_checks, exports, selectors, services, status
from training.charts import compliance_chart, trajectory_chart
from training.forms import (
    ConfidenceForm,
    CourseForm,
    DrillDownForm,
    PlanForm,
    RegisterForm,
    RequirementForm,
    ScopeChangeForm,
)
from training.models import ConfidenceResponse, Course, Requirement, ScopeChange, TrainingAlert

C = Capability
PEOPLE_PER_PAGE = 50
SECTION = "training"
REGISTER_LIST_LIMIT = 200  # more ticks than this on one page: choose an area first


def _go_live_or_none(request: HttpRequest) -> GoLive | None:
    section_access(request, SECTION)
    return current_go_live(request)


def _go_live(request: HttpRequest) -> GoLive:
    go_live = _go_live_or_none(request)
    if go_live is None:
        raise PermissionDenied("Choose a go-live first.")
    return go_live


def _may_manage(access: Access, go_live: GoLive) -> bool:
    """Programme-level changes (courses, requirements, plan, scope, alerts) need the
    capability across the whole programme, not just some of its areas."""
    return access.has_programme_wide(C.MANAGE_TRAINING, go_live.programme)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The trajectory for the areas the user may see, figures by role group, and alerts."""
    access = section_access(request, SECTION)
    go_live = current_go_live(request)
    if go_live is None:
        return render(request, "training/home.html", {"go_live": None})
    today = timezone.localdate()
    scope = selectors.scope_for(access, go_live)
    staff = selectors.staff_in_scope(scope)
    trajectory = selectors.trajectory_for(staff, go_live, today=today)
    context = {
        "go_live": go_live,
        "scope": scope,
        "totals": selectors.totals(staff, go_live, today=today),
        "rostered": selectors.rostered_for_go_live_week(scope, go_live, today=today),
        "week_first": go_live.user_go_live_date,
        "week_last": go_live.user_go_live_date + selectors.GO_LIVE_WEEK - dt.timedelta(days=1),
        "by_group": selectors.breakdown(scope, by="role_group", today=today),
        "trajectory": trajectory,
        "status": status.status_sentence(trajectory),
        "needed": status.completions_needed(trajectory.forecast),
        "chart": trajectory_chart(trajectory),
        "alerts": selectors.open_alerts(GoLive.objects.filter(pk=go_live.pk)),
        "may_manage": _may_manage(access, go_live),
        "may_record": access.has(C.RECORD_COMPLETIONS, programme=go_live.programme),
        "may_see_names": access.has(C.VIEW_STAFF, programme=go_live.programme),
    }
    return render(request, "training/home.html", context)


@require_POST
def check_alerts(request: HttpRequest) -> HttpResponse:
    """Re-check the go-live's alerts now (they are also re-checked every 15 minutes and
    after registers and plan changes), e.g. straight after importing completions."""
    access = section_access(request, SECTION)
    go_live = _go_live(request)
    if not _may_manage(access, go_live):
        raise PermissionDenied("You may not check alerts.")
    raised = services.refresh_alerts(go_live_id=go_live.pk, today=timezone.localdate())
    messages.success(
        request,
        f"Alerts checked: {len(raised)} open." if raised else "Alerts checked: none open.",
    )
    return redirect("training:home")


@require_POST
def acknowledge_alert(request: HttpRequest, pk: int) -> HttpResponse:
    access = section_access(request, SECTION)
    alert = get_object_or_404(TrainingAlert, pk=pk, go_live__in=access.go_lives())
    services.acknowledge_alert(access=access, user=signed_in_user(request), alert=alert)
    messages.success(request, "Alert acknowledged.")
    return redirect("training:home")


# Courses and requirements.


@require_GET
def course_list(request: HttpRequest) -> HttpResponse:
    access = section_access(request, SECTION)
    go_live = current_go_live(request)
    courses = Course.objects.filter(programme__in=access.programmes()).select_related("programme")
    context = {
        "courses": courses.order_by("programme__name", "name"),
        "may_manage": go_live is not None and _may_manage(access, go_live),
    }
    return render(request, "training/course_list.html", context)


@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    access = section_access(request, SECTION)
    go_live = _go_live(request)
    if not _may_manage(access, go_live):
        raise PermissionDenied("You may not change courses.")
    course = None
    if pk is not None:
        course = get_object_or_404(Course, pk=pk, programme=go_live.programme)
    initial = {}
    if course is not None:
        initial = {field: getattr(course, field) for field in CourseForm.base_fields}
    form = CourseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_course(
                access=access, programme=go_live.programme, course=course, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{saved.name} was saved.")
            return redirect("training:courses")
    return render(request, "training/course_form.html", {"form": form, "course": course})


@require_http_methods(["GET", "POST"])
def requirement_list(request: HttpRequest) -> HttpResponse:
    access = section_access(request, SECTION)
    go_live = _go_live(request)
    may_manage = _may_manage(access, go_live)
    form = RequirementForm(
        request.POST or None, courses=Course.objects.filter(programme=go_live.programme)
    )
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied("You may not change requirements.")
        if form.is_valid():
            try:
                services.set_requirement(access=access, go_live=go_live, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "The requirement was saved.")
                return redirect("training:requirements")
    requirements = Requirement.objects.filter(go_live=go_live).select_related("course")
    context = {
        "go_live": go_live,
        "requirements": requirements.order_by("role_group", "course__name"),
        "form": form,
        "may_manage": may_manage,
    }
    return render(request, "training/requirements.html", context)


@require_POST
def requirement_delete(request: HttpRequest, pk: int) -> HttpResponse:
    access = section_access(request, SECTION)
    go_live = _go_live(request)
    requirement = get_object_or_404(Requirement, pk=pk, go_live=go_live)
    services.remove_requirement(access=access, requirement=requirement)
    messages.success(request, f"{requirement} is no longer required.")
    return redirect("training:requirements")


# The plan and the scope.


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest) -> HttpResponse:
    access = section_access(request, SECTION)
    go_live = _go_live(request)
    if not _may_manage(access, go_live):
        raise PermissionDenied("You may not change the training plan.")
    plan = selectors.plan_for(go_live)
    initial = PlanForm.initial_for(plan, selectors.planned_points(go_live))
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_plan(access=access, go_live=go_live, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "The training plan was saved.")
            return redirect("training:home")
    return render(request, "training/plan_form.html", {"form": form, "go_live": go_live})


@require_http_methods(["GET", "POST"])
def scope_changes(request: HttpRequest) -> HttpResponse:
    access = section_access(request, SECTION)
    go_live = _go_live(request)
    if not _may_manage(access, go_live):
        raise PermissionDenied("You may not change who is in scope.")
    form = ScopeChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        staff = StaffMember.objects.filter(
            organisation_id=go_live.programme.organisation_id, staff_number=data["staff_number"]
        ).first()
        if staff is None:
            form.add_error("staff_number", "No one on the staff list has that staff number.")
        else:
            try:
                services.change_scope(
                    access=access,
                    user=signed_in_user(request),
                    go_live=go_live,
                    staff=staff,
                    kind=data["kind"],
                    reason=data["reason"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"{staff.full_name}: scope changed.")
                return redirect("training:scope")
    changes = ScopeChange.objects.filter(go_live=go_live).select_related("staff", "changed_by")
    context = {"go_live": go_live, "form": form, "changes": changes.order_by("staff__full_name")}
    return render(request, "training/scope.html", context)


@require_POST
def scope_change_delete(request: HttpRequest, pk: int) -> HttpResponse:
    access = section_access(request, SECTION)
    change = get_object_or_404(ScopeChange, pk=pk, go_live=_go_live(request))
    services.undo_scope_change(access=access, change=change)
    messages.success(request, "The scope change was undone.")
    return redirect("training:scope")


# The classroom register.


def _register_staff(access: Access, go_live: GoLive, area_id: str) -> QuerySet[StaffMember]:
    scope = selectors.scope_for(access, go_live)
    allowed = access.areas(C.RECORD_COMPLETIONS, programme=go_live.programme)
    ids = [a.pk for a in scope.areas if not area_id or str(a.pk) == area_id]
    staff = selectors.staff_in_scope(scope, area_ids=ids)
    return staff.filter(pk__in=StaffMember.objects.filter(areas__in=allowed).values("pk")).order_by(
        "full_name", "staff_number"
    )


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    access = section_access(request, SECTION)
    go_live = _go_live(request)
    if not access.has(C.RECORD_COMPLETIONS, programme=go_live.programme):
        raise PermissionDenied("You may not record training.")
    area_id = request.GET.get("area", "")
    staff = _register_staff(access, go_live, area_id)
    courses = Course.objects.filter(programme=go_live.programme).order_by("name")
    form = RegisterForm(request.POST or None, courses=courses, staff=staff)
    saved = (
        request.method == "POST"
        and form.is_valid()
        and _save_register(request, access, go_live, form)
    )
    if saved:
        return redirect(request.get_full_path())
    context = {
        "go_live": go_live,
        "form": form,
        "areas": selectors.scope_for(access, go_live).areas,
        "area_id": area_id,
        "staff_count": staff.count(),
        "list_limit": REGISTER_LIST_LIMIT,
    }
    return render(request, "training/register.html", context)


def _save_register(
    request: HttpRequest, access: Access, go_live: GoLive, form: RegisterForm
) -> bool:
    data = form.cleaned_data
    ids = [member.pk for member in data["staff"]]
    try:
        if data["action"] == RegisterForm.ATTENDED:
            recorded, kept = services.record_completions(
                access=access,
                user=signed_in_user(request),
                go_live=go_live,
                course=data["course"],
                completed_on=data["session_on"],
                staff_ids=ids,
            )
            note = f" ({kept} already had a later date)" if kept else ""
            messages.success(request, f"{recorded} completions of {data['course']}{note}.")
        else:
            booked = services.book_staff(
                access=access,
                user=signed_in_user(request),
                go_live=go_live,
                course=data["course"],
                session_on=data["session_on"],
                staff_ids=ids,
            )
            messages.success(request, f"{booked} booked on {data['course']}.")
    except ValidationError as error:
        dated = getattr(error, "error_dict", {})
        date_errors = dated.get("completed_on") or dated.get("session_on")
        if date_errors:
            form.add_error("session_on", date_errors)
        else:
            apply_errors(form, error)
        return False
    return True


# Drill-down and the huddle exports.


def _drill_down(request: HttpRequest) -> tuple[Access, GoLive, DrillDownForm, dict[str, Any]]:
    access = section_access(request, SECTION)
    go_live = _go_live(request)
    scope = selectors.scope_for(access, go_live)
    areas = access.areas().filter(pk__in=scope.area_ids).order_by("site__name", "name")
    courses = Course.objects.filter(requirements__go_live=go_live).distinct().order_by("name")
    form = DrillDownForm(request.GET or None, areas=areas, courses=courses)
    data = form.cleaned_data if form.is_valid() else {}
    area_ids = [data["area"].pk] if data.get("area") else None
    filters = {
        "scope": scope,
        "area_ids": area_ids,
        "role_group": data.get("role_group", ""),
        "course": data.get("course"),
        "statuses": form.statuses(),
    }
    return access, go_live, form, filters


@require_GET
def drill_down(request: HtmxHttpRequest) -> HttpResponse:
    access, go_live, form, filters = _drill_down(request)
    today = timezone.localdate()
    scope, area_ids = filters["scope"], filters["area_ids"]
    may_see_names = access.has(C.VIEW_STAFF, programme=go_live.programme)
    page = None
    if may_see_names:
        people = selectors.people(
            scope,
            access,
            today=today,
            area_ids=area_ids,
            role_group=filters["role_group"],
            course=filters["course"],
            statuses=filters["statuses"],
        )
        page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "go_live": go_live,
        "form": form,
        "by_site": selectors.breakdown(scope, by="site", today=today, area_ids=area_ids),
        "by_area": selectors.breakdown(scope, by="area", today=today, area_ids=area_ids),
        "by_group": selectors.breakdown(scope, by="role_group", today=today, area_ids=area_ids),
        "by_course": selectors.course_figures(scope, today=today, area_ids=area_ids),
        "gaps": selectors.training_gaps_by_area(
            scope, access, area_ids=area_ids, course=filters["course"]
        ),
        "page": page,
        "may_see_names": may_see_names,
        "query": query.urlencode(),
        "status_labels": selectors.STATUS_LABELS,
    }
    return render_page(request, "training/drill_down.html", context, partial="results")


def _export_rows(request: HttpRequest) -> tuple[GoLive, list[list[object]]]:
    access, go_live, _, filters = _drill_down(request)
    if not access.has(C.VIEW_STAFF, programme=go_live.programme):
        raise PermissionDenied("You may not see staff names.")
    people = selectors.people(
        filters["scope"],
        access,
        today=timezone.localdate(),
        area_ids=filters["area_ids"],
        role_group=filters["role_group"],
        course=filters["course"],
        statuses=filters["statuses"],
    )
    return go_live, exports.people_rows(people, go_live)


@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    go_live, rows = _export_rows(request)
    return exports.as_csv(go_live, rows)


@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    go_live, rows = _export_rows(request)
    return exports.as_xlsx(go_live, rows)


def _gap_export(request: HttpRequest) -> tuple[GoLive, list[list[object]], bool]:
    """Training-gap tickets by area for the drill-down's filters: counts for everyone who
    sees the drill-down, refresher candidates' names for those who may see staff."""
    access, go_live, _, filters = _drill_down(request)
    rows = selectors.training_gaps_by_area(
        filters["scope"], access, area_ids=filters["area_ids"], course=filters["course"]
    )
    with_names = access.has(C.VIEW_STAFF, programme=go_live.programme)
    return go_live, exports.gap_rows(rows, with_names=with_names), with_names


@require_GET
def gaps_csv(request: HttpRequest) -> HttpResponse:
    go_live, rows, with_names = _gap_export(request)
    return exports.gaps_as_csv(go_live, rows, with_names=with_names)


@require_GET
def gaps_xlsx(request: HttpRequest) -> HttpResponse:
    go_live, rows, with_names = _gap_export(request)
    return exports.gaps_as_xlsx(go_live, rows, with_names=with_names)


@require_GET
def compliance(request: HttpRequest) -> HttpResponse:
    """After go-live: EPR training compliance per area by week, new starters included."""
    access = section_access(request, SECTION)
    go_live = _go_live(request)
    today = timezone.localdate()
    context: dict[str, Any] = {"go_live": go_live, "is_live": go_live.user_go_live_date <= today}
    if context["is_live"]:
        result = selectors.compliance_over_time(selectors.scope_for(access, go_live), today=today)
        context.update(compliance=result, chart=compliance_chart(result))
    return render(request, "training/compliance.html", context)


# Confidence checks.


@require_http_methods(["GET", "POST"])
def confidence(request: HttpRequest) -> HttpResponse:
    """Record a confidence check; see how ready people feel, by area and role group."""
    access = section_access(request, SECTION)
    go_live = _go_live(request)
    scope = selectors.scope_for(access, go_live)
    user = signed_in_user(request)
    me = StaffMember.objects.filter(user=user).first()
    may_record = me is not None or not access.is_read_only
    areas = access.areas().filter(pk__in=scope.area_ids).order_by("site__name", "name")
    form = ConfidenceForm(request.POST or None, areas=areas, can_name=me is not None)
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied("Your role is read only.")
        if form.is_valid():
            data = form.cleaned_data
            services.record_confidence(
                access=access,
                user=user,
                go_live=go_live,
                area=data["area"],
                score=data["score"],
                worries=data["worries"],
                comment=data["comment"],
                staff=me if data.get("named") else None,
            )
            messages.success(request, "Thank you: the check was recorded.")
            return redirect("training:confidence")
    context = {
        "go_live": go_live,
        "form": form,
        "may_record": may_record,
        "view": confidence_checks.confidence_for(scope, access),
        "worry_labels": dict(ConfidenceResponse.Worry.choices),
    }
    return render(request, "training/confidence.html", context)


def _confidence_rows(request: HttpRequest) -> tuple[GoLive, list[list[object]]]:
    access = section_access(request, SECTION)
    go_live = _go_live(request)
    view = confidence_checks.confidence_for(selectors.scope_for(access, go_live), access)
    return go_live, exports.confidence_rows(view)


@require_GET
def confidence_csv(request: HttpRequest) -> HttpResponse:
    go_live, rows = _confidence_rows(request)
    return exports.confidence_as_csv(go_live, rows)


@require_GET
def confidence_xlsx(request: HttpRequest) -> HttpResponse:
    go_live, rows = _confidence_rows(request)
    return exports.confidence_as_xlsx(go_live, rows)
