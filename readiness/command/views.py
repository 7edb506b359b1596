"""Command and control pages (for users who see the whole go-live): the cells with who is
on duty, the rota, escalations and sit-reps; one cell's stand-down; a sit-rep; an
escalation's trail and its step up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from golive.access import Access
from golive.http import section_go_live, signed_in_user
from golive.models import GoLive
from golive.navigation import require_section
from golive.refusals import apply_errors
from readiness.command import selectors, services
from readiness.command.forms import (
    DraftSitRepForm,
    DutyForm,
    PublishSitRepForm,
    StandDownCriterionForm,
    StandDownForm,
    StepUpForm,
    TickStandDownForm,
)
from readiness.models import CommandCell, DutyAssignment, SitRep
from readiness.pages import posted, programme_users
from readiness.people import visible_staff
from support.models import Escalation
from support.selectors import visible_escalations


def _command(request: HttpRequest) -> tuple[Access, GoLive]:
    access, go_live = section_go_live(request, "readiness")
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
        users=programme_users(go_live.programme),
        staff=visible_staff(access, go_live.programme),
    )
    draft_form = DraftSitRepForm(request.POST if kind == "draft" else None, cells=writable)
    if (kind == "duty" and not runnable.exists()) or (kind == "draft" and not writable.exists()):
        raise PermissionDenied("Only a cell's lead or a programme manager may do this.")
    if kind == "duty" and duty_form.is_valid():
        try:
            services.assign_duty(access=access, **duty_form.cleaned_data)
        except ValidationError as error:
            apply_errors(duty_form, error)
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
        .select_related("user", "staff", "cell")
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
    is_lead = row.cell.lead_id == signed_in_user(request).pk and selectors.can_write_sitreps(
        access, row.cell
    )
    can_publish = (is_lead or access.is_superuser) and row.status == SitRep.Status.DRAFT
    form = PublishSitRepForm(posted(request), initial={"summary": row.summary})
    if request.method == "POST":
        if not can_publish:
            raise PermissionDenied("Only the cell's lead may publish a draft sit-rep.")
        if form.is_valid():
            try:
                services.publish_sitrep(
                    access=access, user=signed_in_user(request), sitrep=row, **form.cleaned_data
                )
            except ValidationError as error:
                apply_errors(form, error)
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
            access=access, user=signed_in_user(request), criterion=criterion, **data
        )
        return f"{criterion.title} was updated."
    services.stand_down_cell(
        access=access, user=signed_in_user(request), cell=cell, now=timezone.now(), **data
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
            apply_errors(form, error)
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
    form = StepUpForm(posted(request), initial={"to_level": CommandCell.Level.GOLD})
    if request.method == "POST":
        if not can_step:
            raise PermissionDenied("You may not step this escalation up.")
        if form.is_valid():
            try:
                services.step_up_escalation(
                    access=access, user=signed_in_user(request), escalation=row, **form.cleaned_data
                )
            except ValidationError as error:
                apply_errors(form, error)
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
