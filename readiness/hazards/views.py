"""Hazard log pages: the log with its risk matrix, the hazard form, the clinical safety
officer's sign-off, linking flagged desk tickets, and raising a hazard from a ticket (a page
of the service desk's section, routed in its namespace by ``golive.urls``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from golive.access import Capability
from golive.http import section_access, section_go_live, signed_in_user
from golive.refusals import apply_errors
from readiness.hazards import risk, selectors, services
from readiness.hazards.forms import HazardForm, hazard_initial
from readiness.models import CriterionTemplate
from readiness.pages import posted, programme_users
from support.pages import SECTION as DESK
from support.selectors import clinical_safety_tickets, visible_tickets


@require_GET
def hazards(request: HttpRequest) -> HttpResponse:
    access, go_live = section_go_live(request, "readiness")
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
    access, go_live = section_go_live(request, "readiness")
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
        posted(request),
        users=programme_users(programme),
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
            apply_errors(form, error)
        else:
            messages.success(request, f"{saved.reference} was saved.")
            return redirect("readiness:hazards")
    return render(
        request, "readiness/hazard_form.html", {"form": form, "hazard": hazard, "go_live": go_live}
    )


@require_POST
def hazard_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    access, go_live = section_go_live(request, "readiness")
    hazard = get_object_or_404(selectors.visible_hazards(access, go_live.programme), pk=pk)
    raw = request.POST.get("version", "")
    try:
        services.sign_off_hazard(
            access=access,
            user=signed_in_user(request),
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
    access, go_live = section_go_live(request, "readiness")
    hazard = get_object_or_404(selectors.visible_hazards(access, go_live.programme), pk=pk)
    tickets = clinical_safety_tickets(access, go_live)
    if request.method == "POST":
        raw = request.POST.get("ticket", "")
        ticket = tickets.filter(pk=int(raw)).first() if raw.isdigit() else None
        if ticket is None:
            messages.error(request, "Choose a clinical-safety ticket you can see.")
        else:
            services.link_ticket(
                access=access, user=signed_in_user(request), hazard=hazard, ticket=ticket
            )
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


@require_http_methods(["GET", "POST"])
def raise_hazard(request: HttpRequest, pk: int) -> HttpResponse:
    access = section_access(request, DESK)
    ticket = get_object_or_404(visible_tickets(access), pk=pk)
    programme = ticket.go_live.programme
    if not access.has(Capability.MANAGE_HAZARDS, programme=programme):
        raise PermissionDenied("Only a clinical safety officer may add to the hazard log.")
    user = signed_in_user(request)
    form = HazardForm(
        posted(request),
        users=programme_users(programme),
        templates=CriterionTemplate.objects.filter(programme=programme),
        initial=hazard_initial(ticket, user),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        criteria = data.pop("criteria")
        data.pop("version", None)  # a new hazard: there is no earlier version to check
        try:
            hazard = services.raise_hazard_from_ticket(
                access=access, user=user, ticket=ticket, fields=data, criteria=criteria
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{hazard.reference} was added to the hazard log and linked.")
            return redirect("support:ticket", pk=ticket.pk)
    return render(request, "readiness/raise_hazard.html", {"form": form, "ticket": ticket})
