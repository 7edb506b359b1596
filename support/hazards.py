"""From a clinical-safety ticket to the hazard log in one step: the clinical safety officer
opens a hazard form already filled in from the ticket, checks it and saves; the hazard and
the ticket are linked both ways (the hazard's linked tickets, the ticket's hazards)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from golive.access import Access, Capability
from golive.http import section_access, signed_in_user
from golive.models import User
from golive.refusals import Conflict, apply_errors
from readiness import services as readiness_services
from readiness.forms import HazardForm
from readiness.models import CriterionTemplate, Hazard
from support import selectors
from support.models import Priority, Ticket
from support.pages import SECTION

# A first estimate from the desk's priority, for the officer to confirm or change.
SEVERITY_BY_PRIORITY = {Priority.P1: 4, Priority.P2: 3, Priority.P3: 2, Priority.P4: 2}
LIKELIHOOD_FIRST_ESTIMATE = 3


def hazard_initial(ticket: Ticket, owner: User) -> dict[str, Any]:
    """The hazard form's starting values, drawn from the ticket."""
    category = ticket.category.name if ticket.category is not None else "Service desk report"
    severity = SEVERITY_BY_PRIORITY.get(Priority(ticket.priority), 2)
    return {
        "title": f"{category}: {ticket.description}"[:200],
        "cause": ticket.description[:2000],
        "effect": (
            f"Reported to the service desk as {ticket.reference} ({ticket.area.name}, "
            f"{ticket.priority}): care may be delayed, or given on wrong or missing "
            "information, until this is resolved."
        ),
        "initial_severity": severity,
        "initial_likelihood": LIKELIHOOD_FIRST_ESTIMATE,
        "residual_severity": severity,
        "residual_likelihood": LIKELIHOOD_FIRST_ESTIMATE,
        "owner": owner.pk,
        "status": Hazard.Status.OPEN,
    }


@transaction.atomic
def raise_hazard_from_ticket(
    *,
    access: Access,
    user: User,
    ticket: Ticket,
    fields: dict[str, object],
    criteria: Sequence[CriterionTemplate],
) -> Hazard:
    """Add a hazard to the programme's log and link the ticket to it, together or not at
    all. Only for a ticket flagged as a clinical safety concern, by someone who keeps the
    hazard log (the clinical safety officer)."""
    programme = ticket.go_live.programme
    if not access.has(Capability.MANAGE_HAZARDS, programme=programme):
        raise PermissionDenied("Only a clinical safety officer may add to the hazard log.")
    if not ticket.is_clinical_safety:
        raise Conflict(
            "Only a ticket flagged as a clinical safety concern can raise a hazard; flag it "
            "at triage first.",
            "not_clinical_safety",
        )
    hazard = readiness_services.save_hazard(
        access=access, programme=programme, hazard=None, fields=fields, criteria=criteria
    )
    readiness_services.link_ticket(access=access, user=user, hazard=hazard, ticket=ticket)
    return hazard


@require_http_methods(["GET", "POST"])
def raise_hazard(request: HttpRequest, pk: int) -> HttpResponse:
    access = section_access(request, SECTION)
    ticket = get_object_or_404(selectors.visible_tickets(access), pk=pk)
    programme = ticket.go_live.programme
    if not access.has(Capability.MANAGE_HAZARDS, programme=programme):
        raise PermissionDenied("Only a clinical safety officer may add to the hazard log.")
    user = signed_in_user(request)
    form = HazardForm(
        request.POST if request.method == "POST" else None,
        users=User.objects.filter(role_grants__programme=programme, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username"),
        templates=CriterionTemplate.objects.filter(programme=programme),
        initial=hazard_initial(ticket, user),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        criteria = data.pop("criteria")
        data.pop("version", None)  # a new hazard: there is no earlier version to check
        try:
            hazard = raise_hazard_from_ticket(
                access=access, user=user, ticket=ticket, fields=data, criteria=criteria
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{hazard.reference} was added to the hazard log and linked.")
            return redirect("support:ticket", pk=ticket.pk)
    return render(request, "support/raise_hazard.html", {"form": form, "ticket": ticket})
