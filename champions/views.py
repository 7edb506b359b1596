"""Pages for champions, rosters and coverage. Every list asks ``Access``; writes go through
``champions.services``, which checks the same rights again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from champions import exports, selectors, services
from champions.forms import (
    AcceptForm,
    AreaChoiceForm,
    CoverageFilterForm,
    CoverRequestForm,
    DesignationFilterForm,
    FillForm,
    NominationForm,
    ShiftPatternForm,
    TargetForm,
    WithdrawForm,
)
from champions.models import Assignment, CoverRequest, Designation, Shift, ShiftPattern
from champions.selectors import coverage_cell, eligible_designations, managed_areas
from champions.visibility import Sight, visibility_for
from golive.access import Access, Capability, access_for
from golive.dashboard import visible_scope
from golive.http import (
    HtmxHttpRequest,
    render_page,
    section_access,
    section_go_live,
    signed_in_user,
)
from golive.models import Area, GoLive, Site
from golive.navigation import current_go_live
from golive.refusals import apply_errors

CELL_CHOICES_SHOWN = 5
DESIGNATIONS_PER_PAGE = 100
SECTION = "champions"


# Shared helpers.


def _posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST (even an empty one, so it shows its errors), else None."""
    return request.POST if request.method == "POST" else None


def _managed_ids(access: Access, go_live: GoLive) -> set[int]:
    return set(managed_areas(access, go_live).values_list("pk", flat=True))


# Designations.


def _filtered_designations(
    access: Access, go_live: GoLive, form: DesignationFilterForm
) -> QuerySet[Designation]:
    rows = selectors.visible_designations(access, go_live)
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("area"):
        rows = rows.filter(area=data["area"])
    if data.get("kind"):
        rows = rows.filter(kind=data["kind"])
    if data.get("status"):
        return rows.filter(status=data["status"])
    return rows.exclude(status=Designation.Status.WITHDRAWN)


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    """Designations per area for the chosen go-live, with each area's ratio and target."""
    access, go_live = section_access(request, SECTION), current_go_live(request)
    if go_live is None:
        return render(request, "champions/home.html", {"go_live": None})
    form = DesignationFilterForm(request.GET or None, areas=visible_scope(access, go_live))
    designations = _filtered_designations(access, go_live, form)
    page = Paginator(designations, DESIGNATIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    visibility = visibility_for(access)
    context = {
        "go_live": go_live,
        "form": form,
        "query": query.urlencode(),
        "summaries": selectors.area_designations(access, go_live),
        "page": page,
        "people": [(row, visibility.of(area=row.area, staff=row.staff)) for row in page],
        "names_shown": visibility.names_anywhere(),
        "managed_ids": _managed_ids(access, go_live),
        "my_shifts": selectors.own_assignments(signed_in_user(request), go_live),
    }
    return render_page(request, "champions/home.html", context, partial="results")


@require_GET
def designations_export(request: HttpRequest, fmt: str) -> HttpResponse:
    access, go_live = section_go_live(request, SECTION)
    form = DesignationFilterForm(request.GET or None, areas=visible_scope(access, go_live))
    rows = exports.designation_rows(
        _filtered_designations(access, go_live, form), visibility=visibility_for(access)
    )
    return exports.respond(
        f"golive-designations-{go_live.pk}", fmt, exports.DESIGNATION_HEADER, rows
    )


@require_http_methods(["GET", "POST"])
def nominate(request: HttpRequest) -> HttpResponse:
    """Step 1 picks one of the manager's areas (skipped when there is one); step 2 the person,
    role and scores."""
    access, go_live = section_go_live(request, SECTION)
    areas = managed_areas(access, go_live)
    if not areas.exists():
        raise PermissionDenied("You do not manage champions in any area of this go-live.")
    chosen = request.GET if "area" in request.GET else None
    if chosen is None and areas.count() == 1:
        chosen = QueryDict(f"area={areas.get().pk}")  # one area: no need to ask
    area_form = AreaChoiceForm(chosen, areas=areas, initial={"area": areas.first()})
    if not area_form.is_valid():
        return render(
            request, "champions/nominate.html", {"area_form": area_form, "go_live": go_live}
        )
    area: Area = area_form.cleaned_data["area"]
    staff = access.staff().filter(areas=area).order_by("full_name")
    form = NominationForm(_posted(request), staff=staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            designation = services.nominate(
                access=access,
                user=signed_in_user(request),
                programme=go_live.programme,
                go_live=None if data["whole_programme"] else go_live,
                area=area,
                staff=data["staff"],
                kind=data["kind"],
                systems_confidence=data["systems_confidence"],
                leadership=data["leadership"],
                note=data["note"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"{designation.staff.full_name} was nominated as a "
                f"{designation.get_kind_display().lower()} in {area.name}.",
            )
            return redirect("champions:home")
    context = {"area_form": area_form, "area": area, "form": form, "go_live": go_live}
    return render(request, "champions/nominate.html", context)


def _actionable(request: HttpRequest, pk: int) -> Designation:
    """A designation the user may see: in their areas, or their own."""
    access = access_for(request)
    section_access(request, SECTION)
    rows = access.filter_by_area(Designation.objects.all(), area_field="area")
    own = Designation.objects.filter(staff__user=signed_in_user(request))
    return get_object_or_404(
        Designation.objects.filter(
            Q(pk__in=rows.values("pk")) | Q(pk__in=own.values("pk"))
        ).select_related("staff", "area__site", "programme", "nominated_by"),
        pk=pk,
    )


def _sight_of(request: HttpRequest, designation: Designation) -> Sight:
    return visibility_for(access_for(request)).of(area=designation.area, staff=designation.staff)


@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    designation = _actionable(request, pk)
    form = AcceptForm(_posted(request), nominee=designation.staff.full_name)
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_role_agreement(
                access=access_for(request), user=signed_in_user(request), designation=designation
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{designation.staff.full_name} is now agreed.")
            return redirect("champions:home")
    context = {
        "designation": designation,
        "form": form,
        "action": "accept",
        "sight": _sight_of(request, designation),
    }
    return render(request, "champions/designation_action.html", context)


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    designation = _actionable(request, pk)
    form = WithdrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(
                access=access_for(request),
                user=signed_in_user(request),
                designation=designation,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{designation} was withdrawn.")
            return redirect("champions:home")
    context = {
        "designation": designation,
        "form": form,
        "action": "withdraw",
        "sight": _sight_of(request, designation),
    }
    return render(request, "champions/designation_action.html", context)


@require_http_methods(["GET", "POST"])
def target(request: HttpRequest, area_pk: int) -> HttpResponse:
    access, go_live = section_go_live(request, SECTION)
    area = get_object_or_404(managed_areas(access, go_live), pk=area_pk)
    current = selectors.staff_per_supporter(go_live, [area.pk])[area.pk]
    form = TargetForm(_posted(request), initial={"staff_per_supporter": current})
    if request.method == "POST" and form.is_valid():
        services.set_coverage_target(
            access=access,
            programme=go_live.programme,
            area=area,
            go_live=go_live,
            staff_per_supporter=form.cleaned_data["staff_per_supporter"],
        )
        messages.success(request, f"The target for {area.name} was changed.")
        return redirect("champions:home")
    context = {"area": area, "form": form, "go_live": go_live}
    return render(request, "champions/target.html", context)


# Rosters.


def _roster_area(
    request: HttpRequest, access: Access, go_live: GoLive
) -> tuple[Area | None, AreaChoiceForm]:
    areas = visible_scope(access, go_live)
    form = AreaChoiceForm(request.GET if "area" in request.GET else None, areas=areas)
    if form.is_bound:
        if not form.is_valid():
            raise Http404("There is no such area among yours.")
        return form.cleaned_data["area"], form
    return areas.first(), AreaChoiceForm(areas=areas, initial={"area": areas.first()})


def _render_roster(
    request: HttpRequest,
    access: Access,
    go_live: GoLive,
    area: Area | None,
    area_form: AreaChoiceForm,
    *,
    pattern_form: ShiftPatternForm | None = None,
) -> HttpResponse:
    manages = area is not None and area.pk in _managed_ids(access, go_live)
    shifts = list(selectors.visible_shifts(access, go_live).filter(area=area).order_by("starts_at"))
    visibility = visibility_for(access)
    by_shift: dict[int, list[tuple[Assignment, Sight]]] = {shift.pk: [] for shift in shifts}
    for assignment in selectors.active_assignments(by_shift):
        sight = visibility.of(area=area, staff=assignment.staff)  # type: ignore[arg-type]
        by_shift[assignment.shift_id].append((assignment, sight))
    requests = CoverRequest.objects.filter(
        status=CoverRequest.Status.OPEN, assignment__shift__in=[s.pk for s in shifts]
    ).select_related(
        "assignment__staff",
        "assignment__shift__area__site",
        "swap_with__staff",
        "swap_with__shift__area__site",
    )
    context = {
        "go_live": go_live,
        "area": area,
        "area_form": area_form,
        "manages": manages,
        "patterns": ShiftPattern.objects.filter(go_live=go_live, area=area),
        "pattern_form": pattern_form or (ShiftPatternForm() if manages else None),
        "rows": [(shift, by_shift[shift.pk]) for shift in shifts],
        "requests": [
            (
                cover_request,
                visibility.of(
                    area=cover_request.assignment.shift.area, staff=cover_request.assignment.staff
                ),
                cover_request.swap_with
                and visibility.of(
                    area=cover_request.swap_with.shift.area, staff=cover_request.swap_with.staff
                ),
            )
            for cover_request in requests
        ],
        "own_staff_id": getattr(getattr(request.user, "staff_member", None), "pk", None),
    }
    return render(request, "champions/roster.html", context)


@require_GET
def roster(request: HttpRequest) -> HttpResponse:
    access, go_live = section_go_live(request, SECTION)
    area, area_form = _roster_area(request, access, go_live)
    return _render_roster(request, access, go_live, area, area_form)


@require_POST
def add_pattern(request: HttpRequest) -> HttpResponse:
    access, go_live = section_go_live(request, SECTION)
    area, area_form = _roster_area(request, access, go_live)
    if area is None:
        raise Http404("Choose an area.")
    form = ShiftPatternForm(request.POST)
    if form.is_valid():
        try:
            pattern = services.add_shift_pattern(
                access=access, go_live=go_live, area=area, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            created = services.generate_shifts(access=access, go_live=go_live, area=area)
            messages.success(request, f"{pattern.name} was added: {created} shifts were created.")
            return redirect(f"{reverse('champions:roster')}?area={area.pk}")
    return _render_roster(request, access, go_live, area, area_form, pattern_form=form)


@require_POST
def remove_pattern(request: HttpRequest, pk: int) -> HttpResponse:
    access, go_live = section_go_live(request, SECTION)
    pattern = get_object_or_404(
        access.filter_by_area(ShiftPattern.objects.filter(go_live=go_live), area_field="area"),
        pk=pk,
    )
    try:
        removed = services.remove_shift_pattern(access=access, pattern=pattern)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{pattern.name} and its {removed} shifts were removed.")
    return _back_to_roster(pattern.area_id)


@require_POST
def cancel_assignment(request: HttpRequest, pk: int) -> HttpResponse:
    access, _ = section_go_live(request, SECTION)
    assignment = get_object_or_404(
        access.filter_by_area(Assignment.objects.all(), area_field="shift__area"), pk=pk
    )
    try:
        services.cancel_assignment(
            access=access, user=signed_in_user(request), assignment=assignment
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{assignment.staff.full_name} was taken off the shift.")
    return redirect(f"{reverse('champions:roster')}?area={assignment.shift.area_id}")


@require_GET
def roster_export(request: HttpRequest, fmt: str) -> HttpResponse:
    access, go_live = section_go_live(request, SECTION)
    shifts = selectors.visible_shifts(access, go_live)
    assignments = (
        selectors.active_assignments(shifts.values_list("pk", flat=True))
        .select_related("shift__area__site")
        .order_by("starts_at", "shift__area__name", "staff__full_name")
    )
    rows = exports.roster_rows(assignments, visibility=visibility_for(access))
    return exports.respond(f"golive-roster-{go_live.pk}", fmt, exports.ROSTER_HEADER, rows)


# Coverage: the heat-map and filling a gap in one click.


@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    access, go_live = section_access(request, SECTION), current_go_live(request)
    if go_live is None:
        return render(request, "champions/coverage.html", {"go_live": None})
    areas = visible_scope(access, go_live)
    form = CoverageFilterForm(
        request.GET or None,
        sites=Site.objects.filter(areas__in=areas).distinct().order_by("name"),
        days=selectors.shift_days(go_live, areas),
    )
    period = None
    if form.is_valid():
        if form.cleaned_data["site"]:
            areas = areas.filter(site=form.cleaned_data["site"])
        if form.cleaned_data["day"]:
            period = (form.cleaned_data["day"], form.cleaned_data["day"])
    summary = selectors.coverage_for(go_live, areas, period)
    context = {
        "go_live": go_live,
        "form": form,
        "query": request.GET.urlencode(),
        "summary": summary,
        "grid": selectors.coverage_grid(summary),
        "managed_ids": _managed_ids(access, go_live),
    }
    return render(request, "champions/coverage.html", context)


def _fillable_shift(request: HttpRequest, pk: int) -> tuple[Access, Shift]:
    access, go_live = section_go_live(request, SECTION)
    shift = get_object_or_404(
        selectors.visible_shifts(access, go_live).select_related("go_live__programme"), pk=pk
    )
    return access, shift


def _render_cell(
    request: HttpRequest, access: Access, shift: Shift, form: FillForm | None = None
) -> HttpResponse:
    manages = access.has(
        Capability.MANAGE_CHAMPIONS, area=shift.area, programme=shift.go_live.programme
    )
    context = {
        "cell": coverage_cell(shift),
        "manages": manages,
        "form": form,
        "filling": form is not None,
        "eligible": list(form.eligible.values())[:CELL_CHOICES_SHOWN] if form else [],
        "more": form is not None and len(form.eligible) > CELL_CHOICES_SHOWN,
    }
    return render(request, "champions/_coverage_cell.html", context)


@require_GET
def cell(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One heat-map cell as it stands (htmx: cancel filling)."""
    access, shift = _fillable_shift(request, pk)
    return _render_cell(request, access, shift)


@require_http_methods(["GET", "POST"])
def fill(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Put an eligible person on a shift. htmx swaps the heat-map cell in place; without
    JavaScript this is a page that returns to the heat-map."""
    access, shift = _fillable_shift(request, pk)
    if not access.has(
        Capability.MANAGE_CHAMPIONS, area=shift.area, programme=shift.go_live.programme
    ):
        raise PermissionDenied(f"You do not manage rosters in {shift.area.name}.")
    form = FillForm(_posted(request), eligible=eligible_designations(shift))
    if request.method == "POST" and form.is_valid():
        designation = form.eligible[form.cleaned_data["designation"]]
        try:
            services.assign_to_shift(
                access=access, user=signed_in_user(request), shift=shift, designation=designation
            )
        except ValidationError as error:
            form.add_error("designation", error)
        else:
            if request.htmx:
                return _render_cell(request, access, shift)
            messages.success(request, f"{designation.staff.full_name} was put on {shift}.")
            if request.GET.get("from") == "roster":
                return _back_to_roster(shift.area_id)
            return redirect(f"{reverse('champions:coverage')}#cell-{shift.pk}")
    if request.htmx:
        return _render_cell(request, access, shift, form)
    context = {
        "shift": shift,
        "form": form,
        "cell": coverage_cell(shift),
        "eligible": list(form.eligible.values()),
    }
    return render(request, "champions/fill.html", context)


# Cover requests and swaps.


def _visible_assignment(request: HttpRequest, pk: int) -> tuple[Access, Assignment]:
    access, go_live = section_go_live(request, SECTION)
    rows = access.filter_by_area(Assignment.objects.all(), area_field="shift__area")
    assignment = get_object_or_404(
        rows.filter(shift__go_live=go_live).select_related(
            "shift__area__site", "staff", "designation"
        ),
        pk=pk,
    )
    return access, assignment


def _back_to_roster(area_id: int) -> HttpResponse:
    return redirect(f"{reverse('champions:roster')}?area={area_id}")


@require_http_methods(["GET", "POST"])
def ask_cover(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for cover for a rostered shift, or propose a swap with someone else's shift."""
    access, assignment = _visible_assignment(request, pk)
    if not visibility_for(access).of(area=assignment.shift.area, staff=assignment.staff).names:
        # The form names the person and everyone they could swap with.
        raise PermissionDenied("Your role sees champion figures, not names.")
    others = (
        Assignment.objects.filter(
            shift__area=assignment.shift.area,
            shift__go_live=assignment.shift.go_live,
            status=Assignment.Status.ACTIVE,
            starts_at__gt=timezone.now(),
        )
        .exclude(staff=assignment.staff)
        .select_related("staff", "shift")
        .order_by("starts_at", "staff__full_name")
    )
    form = CoverRequestForm(_posted(request), others=others)
    if request.method == "POST" and form.is_valid():
        user, reason = signed_in_user(request), form.cleaned_data["reason"]
        try:
            if form.cleaned_data["swap_with"]:
                services.request_swap(
                    access=access,
                    user=user,
                    assignment=assignment,
                    swap_with=form.cleaned_data["swap_with"],
                    reason=reason,
                )
            else:
                services.request_cover(
                    access=access, user=user, assignment=assignment, reason=reason
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"The request for {assignment.shift} was sent.")
            return _back_to_roster(assignment.shift.area_id)
    return render(request, "champions/ask_cover.html", {"assignment": assignment, "form": form})


def _open_request(request: HttpRequest, pk: int) -> tuple[Access, CoverRequest]:
    access, _ = section_go_live(request, SECTION)
    rows = access.filter_by_area(CoverRequest.objects.all(), area_field="assignment__shift__area")
    cover_request = get_object_or_404(
        rows.select_related(
            "assignment__shift__area__site",
            "assignment__shift__go_live",
            "assignment__staff",
            "swap_with__staff",
            "swap_with__shift__area__site",
        ),
        pk=pk,
    )
    return access, cover_request


@require_http_methods(["GET", "POST"])
def answer_cover(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept a request: choose who covers (a cover) or confirm the swap."""
    access, cover_request = _open_request(request, pk)
    shift = cover_request.assignment.shift
    is_swap = cover_request.kind == CoverRequest.Kind.SWAP
    form = FillForm(_posted(request), eligible=[] if is_swap else eligible_designations(shift))
    if request.method == "POST" and (is_swap or form.is_valid()):
        try:
            if is_swap:
                services.accept_swap(
                    access=access, user=signed_in_user(request), cover_request=cover_request
                )
            else:
                services.accept_cover(
                    access=access,
                    user=signed_in_user(request),
                    cover_request=cover_request,
                    designation=form.eligible[form.cleaned_data["designation"]],
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{shift} is covered.")
            return _back_to_roster(shift.area_id)
    visibility = visibility_for(access)
    swap = cover_request.swap_with
    sight = visibility.of(area=shift.area, staff=cover_request.assignment.staff)
    context = {
        "cover_request": cover_request,
        "form": form,
        "sight": sight,
        "swap_sight": swap and visibility.of(area=swap.shift.area, staff=swap.staff),
        # Who could cover is named only to those who see names in the area.
        "eligible": list(form.eligible.values()) if visibility.in_area(shift.area).names else [],
    }
    return render(request, "champions/answer_cover.html", context)


@require_POST
def cancel_cover(request: HttpRequest, pk: int) -> HttpResponse:
    access, cover_request = _open_request(request, pk)
    try:
        services.cancel_cover_request(
            access=access, user=signed_in_user(request), cover_request=cover_request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The request was withdrawn.")
    return _back_to_roster(cover_request.assignment.shift.area_id)
