"""Readiness pages. Every list asks ``Access``; writes go through ``readiness.services``,
which check the same rights again."""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from golive.access import Access, Capability, access_for
from golive.charts import Chart, Series
from golive.dashboard import visible_scope
from golive.http import HtmxHttpRequest
from golive.models import GoLive, Programme, Site, User
from golive.navigation import current_go_live, require_section
from readiness import exports, risk, selectors, services
from readiness.forms import (
    ActionForm,
    ActionStatusForm,
    ApplyTemplatesForm,
    AttendanceForm,
    BoardFilterForm,
    CommsItemForm,
    CommsStatusForm,
    CriterionForm,
    DraftSitRepForm,
    DutyForm,
    EngagementEventForm,
    GateForm,
    GroupForm,
    HazardForm,
    MeetingForm,
    MilestoneForm,
    PublishSitRepForm,
    SignatoriesForm,
    SignOffForm,
    StandDownCriterionForm,
    StandDownForm,
    StepUpForm,
    TickStandDownForm,
)
from readiness.models import (
    Action,
    CommandCell,
    Criterion,
    CriterionTemplate,
    DutyAssignment,
    Gate,
    SignOffRole,
    SitRep,
)
from readiness.scoring import EXPLANATION
from support.models import Escalation
from support.selectors import clinical_safety_tickets, visible_escalations


def _section(request: HttpRequest) -> tuple[Access, GoLive | None]:
    require_section(request, "readiness")
    return access_for(request), current_go_live(request)


def _go_live(request: HttpRequest) -> tuple[Access, GoLive]:
    access, go_live = _section(request)
    if go_live is None:
        raise Http404("There is no go-live to show.")
    return access, go_live


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _programme_users(programme: Programme) -> QuerySet[User]:
    return (
        User.objects.filter(role_grants__programme=programme, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# Home and timeline.


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The readiness picture for the chosen go-live: score, milestones, gates and the
    readiness groups' overdue actions."""
    access, go_live = _section(request)
    if go_live is None:
        return render(request, "readiness/home.html", {"go_live": None})
    today = timezone.localdate()
    areas = visible_scope(access, go_live)
    sites = [(name, list(group)) for name, group in groupby(areas, key=lambda a: a.site.name)]
    milestones = [
        (m, (m.due_on - today).days, m.completed_on is None and m.due_on < today)
        for m in go_live.milestones.all()
    ]
    board = selectors.board(access, go_live, selectors.BoardFilters(), today=today)
    context = {
        "go_live": go_live,
        "sites": sites,
        "milestones": milestones,
        "score": board.go_live_score,
        "overdue": selectors.overdue_actions(access, go_live.programme, today=today),
        "gates": selectors.visible_gates(access, go_live),
        "explanation": EXPLANATION,
    }
    return render(request, "readiness/home.html", context)


@require_http_methods(["GET", "POST"])
def timeline(request: HttpRequest) -> HttpResponse:
    """Milestones of every go-live the user may see: the programme calendar across waves. A
    programme manager adds milestones to the chosen go-live here."""
    access, go_live = _section(request)
    today = timezone.localdate()
    can_plan = go_live is not None and access.has(
        Capability.MANAGE_GO_LIVES, programme=go_live.programme
    )
    form = MilestoneForm(_posted(request))
    if request.method == "POST":
        if not can_plan or go_live is None:
            raise PermissionDenied("Only a programme manager may plan milestones.")
        if form.is_valid():
            try:
                services.add_milestone(access=access, go_live=go_live, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "The milestone was added.")
                return redirect("readiness:timeline")
    rows = [
        (m, (m.due_on - today).days, m.completed_on is None and m.due_on < today)
        for m in selectors.visible_milestones(access).order_by("due_on", "go_live__name")
    ]
    context = {"rows": rows, "go_live": go_live, "form": form if can_plan else None}
    return render(request, "readiness/timeline.html", context)


@require_POST
def complete_milestone(request: HttpRequest, pk: int) -> HttpResponse:
    access, _ = _section(request)
    milestone = get_object_or_404(selectors.visible_milestones(access), pk=pk)
    services.complete_milestone(access=access, milestone=milestone, on=timezone.localdate())
    messages.success(request, f"{milestone.name} was marked done.")
    return redirect("readiness:timeline")


# Groups.


@require_http_methods(["GET", "POST"])
def groups(request: HttpRequest) -> HttpResponse:
    access, go_live = _go_live(request)
    programme = go_live.programme
    can_create = access.has(Capability.MANAGE_GO_LIVES, programme=programme)
    form = GroupForm(_posted(request), users=_programme_users(programme))
    if request.method == "POST":
        if not can_create:
            raise PermissionDenied("Only a programme manager may set up readiness groups.")
        if form.is_valid():
            data = form.cleaned_data
            try:
                group = services.create_group(access=access, programme=programme, **data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"{group.name} was set up.")
                return redirect("readiness:group", pk=group.pk)
    context = {
        "go_live": go_live,
        "groups": selectors.visible_groups(access).filter(programme=programme),
        "form": form if can_create else None,
    }
    return render(request, "readiness/groups.html", context)


@require_http_methods(["GET", "POST"])
def group(request: HttpRequest, pk: int) -> HttpResponse:
    """A group's meetings, decisions and actions; its co-chairs record new ones here."""
    access, _ = _section(request)
    row = get_object_or_404(selectors.visible_groups(access), pk=pk)
    users = _programme_users(row.programme)
    kind = request.POST.get("form") if request.method == "POST" else None
    meeting_form = MeetingForm(request.POST if kind == "meeting" else None)
    action_form = ActionForm(request.POST if kind == "action" else None, users=users)
    can_manage = selectors.can_manage_group(access, row)
    if kind and not can_manage:
        raise PermissionDenied("Only the group's co-chairs may do this.")
    if kind == "meeting" and meeting_form.is_valid():
        data = meeting_form.cleaned_data
        services.record_meeting(
            access=access,
            group=row,
            held_on=data["held_on"],
            notes=data["notes"],
            decisions=data["decisions"].splitlines(),
        )
        messages.success(request, "The meeting was recorded.")
        return redirect("readiness:group", pk=row.pk)
    if kind == "action" and action_form.is_valid():
        services.add_action(access=access, group=row, **action_form.cleaned_data)
        messages.success(request, "The action was added.")
        return redirect("readiness:group", pk=row.pk)
    context = {
        "group": row,
        "meetings": row.meetings.prefetch_related("decisions"),
        "actions": row.actions.select_related("owner"),
        "today": timezone.localdate(),
        "can_manage": can_manage,
        "meeting_form": meeting_form,
        "action_form": action_form,
    }
    return render(request, "readiness/group.html", context)


@require_POST
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    access, _ = _section(request)
    action = get_object_or_404(
        Action.objects.filter(group__in=selectors.visible_groups(access)).select_related("group"),
        pk=pk,
    )
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        services.set_action_status(
            access=access, user=_user(request), action=action, status=form.cleaned_data["status"]
        )
        messages.success(request, "The action was updated.")
    return redirect("readiness:group", pk=action.group_id)


# Board.


def _board_filters(
    access: Access, go_live: GoLive, data: QueryDict
) -> tuple[BoardFilterForm, selectors.BoardFilters]:
    sites = Site.objects.filter(areas__in=visible_scope(access, go_live)).distinct()
    form = BoardFilterForm(data or None, sites=sites, owners=selectors.owners(go_live))
    if not form.is_valid():
        return form, selectors.BoardFilters()
    data_ = form.cleaned_data
    return form, selectors.BoardFilters(
        site=data_["site"].pk if data_.get("site") else None,
        domain=data_.get("domain") or None,
        owner=data_["owner"].pk if data_.get("owner") else None,
        status=data_.get("status") or None,
    )


@require_http_methods(["GET", "POST"])
def board(request: HtmxHttpRequest) -> HttpResponse:
    """The assessment heat-map: areas × domains with weighted scores."""
    access, go_live = _go_live(request)
    form, filters = _board_filters(access, go_live, request.GET)
    can_apply = access.has(Capability.MANAGE_GO_LIVES, programme=go_live.programme)
    apply_form = ApplyTemplatesForm(
        _posted(request), sets=selectors.template_sets(go_live.programme)
    )
    if request.method == "POST":
        if not can_apply:
            raise PermissionDenied("Only a programme manager may apply criteria.")
        if apply_form.is_valid():
            created = services.apply_template_set(
                access=access, go_live=go_live, template_set=apply_form.cleaned_data["template_set"]
            )
            messages.success(request, f"{created} criteria were added to {go_live.name}.")
            return redirect("readiness:board")
    trend = selectors.score_trend(access, go_live, today=timezone.localdate())
    chart = Chart(
        dom_id="readiness-trend",
        title="Readiness score of assessed criteria, week by week",
        labels=[day.isoformat() for day, _ in trend],
        series=[Series("Score (%)", [value for _, value in trend])],
        y_label="Weighted score (%)",
    )
    context = {
        "go_live": go_live,
        "form": form,
        "trend_chart": chart,
        "query": request.GET.urlencode(),
        "board": selectors.board(access, go_live, filters, today=timezone.localdate()),
        "explanation": EXPLANATION,
        "apply_form": apply_form if can_apply else None,
    }
    fragment = request.htmx and not request.htmx.history_restore_request
    response = render(
        request, "readiness/board.html#heatmap" if fragment else "readiness/board.html", context
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def board_export(request: HttpRequest, fmt: str) -> HttpResponse:
    access, go_live = _go_live(request)
    _, filters = _board_filters(access, go_live, request.GET)
    data = selectors.board(access, go_live, filters, today=timezone.localdate())
    return exports.respond(f"golive-readiness-{go_live.pk}", fmt, data)


def _criterion(request: HttpRequest, pk: int) -> tuple[Access, Criterion]:
    access, go_live = _go_live(request)
    row = get_object_or_404(selectors.visible_criteria(access, go_live), pk=pk)
    return access, row


@require_http_methods(["GET", "POST"])
def criterion(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Edit one criterion. With htmx the form opens beside the board and, once saved, the
    heat-map cell and the area's score update in place; without, it is a page."""
    access, row = _criterion(request, pk)
    today = timezone.localdate()
    state = selectors.criterion_states(access, [row], today=today)[0]
    if not state.editable:
        raise PermissionDenied(
            "You may not update this criterion: it is outside your areas or domains."
        )
    initial = {
        "rag": row.rag,
        "evidence_link": row.evidence_link,
        "comment": row.comment,
        "owner": row.owner,
    }
    form = CriterionForm(
        _posted(request),
        request.FILES or None,
        owners=_programme_users(row.go_live.programme),
        initial=initial,
    )
    if request.htmx:
        # The form opens beside the board: take keyboard focus there (htmx honours autofocus).
        form.fields["rag"].widget.attrs["autofocus"] = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_criterion(access=access, user=_user(request), criterion=row, **data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if request.htmx:
                cell, area_score = selectors.cell_and_area_score(
                    access, row.go_live, row.area, row.template.domain, today=today
                )
                context = {"cell": cell, "area_score": area_score, "area": row.area, "saved": row}
                return render(request, "readiness/_saved.html", context)
            messages.success(request, f"{row.template.title} in {row.area.name} was updated.")
            return redirect(
                reverse("readiness:board") + f"#{'cell-'}{row.area_id}-{row.template.domain}"
            )
    template = "readiness/criterion.html#editor" if request.htmx else "readiness/criterion.html"
    return render(request, template, {"criterion": row, "state": state, "form": form})


@require_GET
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """Evidence is served only to users who may see the criterion, never from a public URL."""
    _, row = _criterion(request, pk)
    if not row.evidence_file:
        raise Http404("No evidence file.")
    return FileResponse(
        row.evidence_file.open("rb"),
        as_attachment=True,
        filename=row.evidence_file_name or "evidence",
    )


# Gates.


@require_http_methods(["GET", "POST"])
def gates(request: HttpRequest) -> HttpResponse:
    """The go-live's gates; a programme manager sets up new ones (e.g. T-30, T-7, T-1)."""
    access, go_live = _go_live(request)
    can_create = access.has(Capability.MANAGE_GO_LIVES, programme=go_live.programme)
    form = GateForm(_posted(request))
    if request.method == "POST":
        if not can_create:
            raise PermissionDenied("Only a programme manager may set up gates.")
        if form.is_valid():
            try:
                gate = services.create_gate(access=access, go_live=go_live, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"Gate {gate.name} was set up.")
                return redirect("readiness:gates")
    context = {
        "go_live": go_live,
        "gates": selectors.visible_gates(access, go_live),
        "form": form if can_create else None,
    }
    return render(request, "readiness/gates.html", context)


@require_http_methods(["GET", "POST"])
def gate(request: HttpRequest, pk: int) -> HttpResponse:
    """A gate's sign-offs; users who may sign off do so here."""
    access, go_live = _go_live(request)
    row = get_object_or_404(selectors.visible_gates(access, go_live), pk=pk)
    signed = {s.role for s in row.sign_offs.all()}
    outstanding = [r for r in row.required_roles if r not in signed]
    named = selectors.named_signatories(row)
    can_sign = (
        access.has(Capability.SIGN_OFF_GATES, programme=go_live.programme) and not row.is_decided
    )
    mine = [r for r in outstanding if not named.get(r) or _user(request) in named[r]]
    can_name = access.has(Capability.MANAGE_GO_LIVES, programme=go_live.programme)
    if request.method == "POST" and request.POST.get("form") == "signatories":
        return _name_signatories(request, access, row, can_name and not row.is_decided)
    form = SignOffForm(_posted(request), roles=mine)
    if request.method == "POST":
        if not can_sign:
            raise PermissionDenied("You may not sign off this gate.")
        if form.is_valid():
            try:
                services.sign_off_gate(
                    access=access, user=_user(request), gate=row, **form.cleaned_data
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Your sign-off was recorded.")
                return redirect("readiness:gate", pk=row.pk)
    board = selectors.board(access, go_live, selectors.BoardFilters(), today=timezone.localdate())
    context = {
        "go_live": go_live,
        "gate": row,
        "form": form if can_sign else None,
        "outstanding": outstanding,
        "score": board.go_live_score,
        "status_counts": selectors.status_counts(board),
        "can_read_pack": selectors.sees_whole_go_live(access, go_live),
        "named": [(label, named.get(role, [])) for role, label in row.required_role_labels()],
        "signatories_form": _signatories_form(None, row)
        if can_name and not row.is_decided
        else None,
    }
    return render(request, "readiness/gate.html", context)


def _signatories_form(data: QueryDict | None, gate: Gate) -> SignatoriesForm:
    return SignatoriesForm(
        data,
        prefix="names",
        roles=list(gate.required_roles),
        users=_programme_users(gate.go_live.programme),
    )


def _name_signatories(
    request: HttpRequest, access: Access, gate: Gate, allowed: bool
) -> HttpResponse:
    """Name the people who give one of the gate's sign-offs (programme managers)."""
    if not allowed:
        raise PermissionDenied("Only a programme manager may name a gate's signatories.")
    form = _signatories_form(request.POST, gate)
    if form.is_valid():
        try:
            services.name_signatories(access=access, gate=gate, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            label = SignOffRole(form.cleaned_data["role"]).label
            messages.success(request, f"The signatories for {label} were saved.")
            return redirect("readiness:gate", pk=gate.pk)
    for message in [str(e) for errors in form.errors.values() for e in errors]:
        messages.error(request, message)
    return redirect("readiness:gate", pk=gate.pk)


@require_GET
def evidence_pack(request: HttpRequest, pk: int) -> HttpResponse:
    """The frozen, printable evidence behind a gate decision."""
    access, go_live = _go_live(request)
    row = get_object_or_404(
        selectors.visible_gates(access, go_live).select_related("evidence_pack"), pk=pk
    )
    if not selectors.sees_whole_go_live(access, go_live):
        raise PermissionDenied("The evidence pack covers every area of the go-live.")
    if not hasattr(row, "evidence_pack"):
        raise Http404("This gate has not been decided yet.")
    return render(
        request,
        "readiness/evidence_pack.html",
        {"gate": row, "pack": row.evidence_pack, "snapshot": row.evidence_pack.snapshot},
    )


# Hazards.


@require_GET
def hazards(request: HttpRequest) -> HttpResponse:
    access, go_live = _go_live(request)
    rows = [
        (
            h,
            risk.risk_rating(h.initial_severity, h.initial_likelihood),
            risk.risk_rating(h.residual_severity, h.residual_likelihood),
        )
        for h in selectors.visible_hazards(access, go_live.programme).prefetch_related(
            selectors.visible_ticket_links(access), "criteria"
        )
    ]
    context = {
        "go_live": go_live,
        "rows": rows,
        "can_edit": access.has(Capability.MANAGE_HAZARDS, programme=go_live.programme),
        "matrix": [
            (
                lk,
                risk.LIKELIHOOD[lk],
                list(zip(risk.SEVERITY.values(), risk.MATRIX[lk], strict=True)),
            )
            for lk in sorted(risk.MATRIX, reverse=True)
        ],
        "severities": list(risk.SEVERITY.values()),
        "ratings": risk.RATING,
    }
    return render(request, "readiness/hazards.html", context)


@require_http_methods(["GET", "POST"])
def hazard_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    access, go_live = _go_live(request)
    programme = go_live.programme
    if not access.has(Capability.MANAGE_HAZARDS, programme=programme):
        raise PermissionDenied("Only a clinical safety officer may edit the hazard log.")
    hazard = get_object_or_404(selectors.visible_hazards(access, programme), pk=pk) if pk else None
    initial = {}
    if hazard is not None:
        initial = {
            name: getattr(hazard, name) for name in HazardForm.base_fields if name != "criteria"
        }
        initial["criteria"] = list(hazard.criteria.all())
    form = HazardForm(
        _posted(request),
        users=_programme_users(programme),
        templates=CriterionTemplate.objects.filter(programme=programme),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        criteria = data.pop("criteria")
        version = data.pop("version")
        try:
            saved = services.save_hazard(
                access=access,
                programme=programme,
                hazard=hazard,
                fields=data,
                criteria=criteria,
                expected_version=version if hazard is not None else None,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"{saved.reference} was saved.")
            return redirect("readiness:hazards")
    return render(
        request, "readiness/hazard_form.html", {"form": form, "hazard": hazard, "go_live": go_live}
    )


@require_POST
def hazard_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    access, go_live = _go_live(request)
    hazard = get_object_or_404(selectors.visible_hazards(access, go_live.programme), pk=pk)
    raw = request.POST.get("version", "")
    try:
        services.sign_off_hazard(
            access=access,
            user=_user(request),
            hazard=hazard,
            version=int(raw) if raw.isdigit() else 0,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{hazard.reference} was signed off.")
    return redirect("readiness:hazards")


@require_http_methods(["GET", "POST"])
def hazard_tickets(request: HttpRequest, pk: int) -> HttpResponse:
    """Link the service desk's clinical-safety-flagged tickets to a hazard."""
    access, go_live = _go_live(request)
    hazard = get_object_or_404(selectors.visible_hazards(access, go_live.programme), pk=pk)
    tickets = clinical_safety_tickets(access, go_live)
    if request.method == "POST":
        raw = request.POST.get("ticket", "")
        ticket = tickets.filter(pk=int(raw)).first() if raw.isdigit() else None
        if ticket is None:
            messages.error(request, "Choose a clinical-safety ticket you can see.")
        else:
            services.link_ticket(access=access, user=_user(request), hazard=hazard, ticket=ticket)
            messages.success(request, f"{ticket.reference} was linked to {hazard.reference}.")
        return redirect("readiness:hazard_tickets", pk=hazard.pk)
    linked = set(hazard.ticket_links.filter(ticket__in=tickets).values_list("ticket_id", flat=True))
    context = {
        "hazard": hazard,
        "tickets": tickets,
        "linked": linked,
        "go_live": go_live,
        "can_edit": access.has(Capability.MANAGE_HAZARDS, programme=go_live.programme),
    }
    return render(request, "readiness/hazard_tickets.html", context)


# Command and control.


def _command(request: HttpRequest) -> tuple[Access, GoLive]:
    access, go_live = _go_live(request)
    # Command and control covers every area of the go-live: the section asks for them all.
    require_section(request, "command")
    return access, go_live


def _cells_where(
    access: Access, go_live: GoLive, allowed: Callable[[Access, CommandCell], bool]
) -> QuerySet[CommandCell]:
    cells = selectors.visible_cells(access, go_live).select_related("go_live__programme")
    return cells.filter(pk__in=[cell.pk for cell in cells if allowed(access, cell)])


@require_http_methods(["GET", "POST"])
def command(request: HttpRequest) -> HttpResponse:
    """Bronze, silver and gold cells: who leads, who is on duty, escalations and sit-reps."""
    access, go_live = _command(request)
    runnable = _cells_where(access, go_live, selectors.can_run_cell)
    writable = _cells_where(access, go_live, selectors.can_write_sitreps)
    kind = request.POST.get("form") if request.method == "POST" else None
    duty_form = DutyForm(
        request.POST if kind == "duty" else None,
        cells=runnable,
        users=_programme_users(go_live.programme),
    )
    draft_form = DraftSitRepForm(request.POST if kind == "draft" else None, cells=writable)
    if (kind == "duty" and not runnable.exists()) or (kind == "draft" and not writable.exists()):
        raise PermissionDenied("Only a cell's lead or a programme manager may do this.")
    if kind == "duty" and duty_form.is_valid():
        try:
            services.assign_duty(access=access, **duty_form.cleaned_data)
        except ValidationError as error:
            _add_errors(duty_form, error)
        else:
            messages.success(request, "The duty was added to the rota.")
            return redirect("readiness:command")
    if kind == "draft" and draft_form.is_valid():
        sitrep = services.draft_sitrep(access=access, now=timezone.now(), **draft_form.cleaned_data)
        return redirect("readiness:sitrep", pk=sitrep.pk)
    cells = list(selectors.visible_cells(access, go_live))
    now = timezone.now()
    context = {
        "go_live": go_live,
        "cells": cells,
        "on_duty": selectors.on_duty(cells, now),
        "rota": DutyAssignment.objects.filter(cell__in=cells, ends_at__gt=now)
        .select_related("user", "cell")
        .order_by("starts_at")[:50],
        "escalations": Escalation.objects.filter(go_live=go_live)
        .select_related("escalated_by", "area", "ticket")
        .order_by("-escalated_at")[:20],
        "sitreps": SitRep.objects.filter(cell__in=cells).select_related("cell")[:20],
        "duty_form": duty_form if runnable.exists() else None,
        "draft_form": draft_form if writable.exists() else None,
    }
    return render(request, "readiness/command.html", context)


@require_http_methods(["GET", "POST"])
def sitrep(request: HttpRequest, pk: int) -> HttpResponse:
    """A sit-rep's figures as drafted; its cell lead edits the summary and publishes it."""
    access, go_live = _command(request)
    row = get_object_or_404(
        SitRep.objects.filter(cell__in=selectors.visible_cells(access, go_live)).select_related(
            "cell__lead", "published_by"
        ),
        pk=pk,
    )
    is_lead = row.cell.lead_id == _user(request).pk and selectors.can_write_sitreps(
        access, row.cell
    )
    can_publish = (is_lead or access.is_superuser) and row.status == SitRep.Status.DRAFT
    form = PublishSitRepForm(_posted(request), initial={"summary": row.summary})
    if request.method == "POST":
        if not can_publish:
            raise PermissionDenied("Only the cell's lead may publish a draft sit-rep.")
        if form.is_valid():
            try:
                services.publish_sitrep(
                    access=access, user=_user(request), sitrep=row, **form.cleaned_data
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "The sit-rep was published.")
                return redirect("readiness:sitrep", pk=row.pk)
    context = {"sitrep": row, "figures": row.figures, "form": form if can_publish else None}
    return render(request, "readiness/sitrep.html", context)


def _cell_forms(request: HttpRequest, kind: str | None) -> dict[str, Any]:
    return {
        "criterion": StandDownCriterionForm(request.POST if kind == "criterion" else None),
        "tick": TickStandDownForm(request.POST if kind == "tick" else None),
        "stand_down": StandDownForm(request.POST if kind == "stand_down" else None),
    }


def _cell_write(
    request: HttpRequest, access: Access, cell: CommandCell, kind: str, data: dict[str, Any]
) -> str:
    """Run the cell page's write for ``kind``; returns the message to show."""
    if kind == "criterion":
        services.add_stand_down_criterion(access=access, cell=cell, **data)
        return "The stand-down criterion was added."
    if kind == "tick":
        raw = request.POST.get("pk", "")
        criterion = get_object_or_404(
            cell.stand_down_criteria.all(), pk=int(raw) if raw.isdigit() else 0
        )
        services.tick_stand_down_criterion(
            access=access, user=_user(request), criterion=criterion, **data
        )
        return f"{criterion.title} was updated."
    services.stand_down_cell(
        access=access, user=_user(request), cell=cell, now=timezone.now(), **data
    )
    return f"{cell.name} stood down."


@require_http_methods(["GET", "POST"])
def cell(request: HttpRequest, pk: int) -> HttpResponse:
    """One command cell: whether its stand-down criteria are met (computed ones live, manual
    ones as the lead ticked them); its lead adds and ticks criteria and stands it down."""
    access, go_live = _command(request)
    row = get_object_or_404(selectors.visible_cells(access, go_live), pk=pk)
    kind = request.POST.get("form") if request.method == "POST" else None
    can_run = selectors.can_run_cell(access, row) and row.stood_down_at is None
    if kind and not can_run:
        raise PermissionDenied("Only the cell's lead or a programme manager may do this.")
    forms_ = _cell_forms(request, kind)
    form = forms_.get(kind or "")
    if kind and form is not None and form.is_valid():
        try:
            message = _cell_write(request, access, row, kind, form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, message)
            return redirect("readiness:cell", pk=row.pk)
    states = selectors.stand_down_states(row, now=timezone.now())
    context = {
        "go_live": go_live,
        "cell": row,
        "states": states,
        "met": selectors.stand_down_met(states),
        "has_manual": any(not state.criterion.is_computed for state in states),
        "forms": forms_ if can_run else None,
        "tick_pk": request.POST.get("pk") if kind == "tick" else None,
    }
    return render(request, "readiness/cell.html", context)


@require_http_methods(["GET", "POST"])
def escalation(request: HttpRequest, pk: int) -> HttpResponse:
    """An escalation's trail up the command structure; a programme manager or the lead of
    the cell holding it steps it up to the next level."""
    access, go_live = _command(request)
    row = get_object_or_404(
        visible_escalations(access, go_live).select_related("escalated_by", "area", "ticket"),
        pk=pk,
    )
    can_step = selectors.can_step_up(access, row) and row.level != CommandCell.Level.GOLD
    form = StepUpForm(_posted(request), initial={"to_level": CommandCell.Level.GOLD})
    if request.method == "POST":
        if not can_step:
            raise PermissionDenied("You may not step this escalation up.")
        if form.is_valid():
            try:
                services.step_up_escalation(
                    access=access, user=_user(request), escalation=row, **form.cleaned_data
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "The escalation was stepped up.")
                return redirect("readiness:escalation", pk=row.pk)
    context = {
        "go_live": go_live,
        "escalation": row,
        "trail": selectors.escalation_trail(row),
        "form": form if can_step else None,
    }
    return render(request, "readiness/escalation.html", context)


# Communications and engagement.


@require_http_methods(["GET", "POST"])
def comms(request: HttpRequest) -> HttpResponse:
    """The communications plan and engagement events, with attendance by staff group; a
    programme manager adds items and events and records attendance here."""
    access, go_live = _go_live(request)
    can_plan = access.has(Capability.MANAGE_GO_LIVES, programme=go_live.programme)
    events = selectors.visible_events(access, go_live)
    kind = request.POST.get("form") if request.method == "POST" else None
    if kind and not can_plan:
        raise PermissionDenied("Only a programme manager may change the communications plan.")
    forms_ = {
        "item": CommsItemForm(
            request.POST if kind == "item" else None, users=_programme_users(go_live.programme)
        ),
        "event": EngagementEventForm(
            request.POST if kind == "event" else None, areas=go_live.areas.all()
        ),
        "attendance": AttendanceForm(request.POST if kind == "attendance" else None, events=events),
    }
    writers = {
        "item": lambda data: services.add_comms_item(access=access, go_live=go_live, **data),
        "event": lambda data: services.add_engagement_event(access=access, go_live=go_live, **data),
        "attendance": lambda data: services.record_attendance(access=access, **data),
    }
    form = forms_.get(kind or "")
    if kind in writers and form is not None and form.is_valid():
        try:
            writers[kind](form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "The communications plan was updated.")
            return redirect("readiness:comms")
    context = {
        "go_live": go_live,
        "items": go_live.comms_items.select_related("owner"),
        "events": events,
        "by_group": selectors.attendance_by_group(events),
        "today": timezone.localdate(),
        "forms": forms_ if can_plan else None,
    }
    return render(request, "readiness/comms.html", context)


@require_POST
def comms_status(request: HttpRequest, pk: int) -> HttpResponse:
    access, go_live = _go_live(request)
    item = get_object_or_404(go_live.comms_items.all(), pk=pk)
    form = CommsStatusForm(request.POST)
    if form.is_valid():
        services.set_comms_status(access=access, item=item, status=form.cleaned_data["status"])
        messages.success(request, f"{item.title} was updated.")
    return redirect("readiness:comms")
