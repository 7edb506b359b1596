"""Gate pages: a go-live's gates, one gate's sign-offs and named signatories, and the
evidence frozen when it was decided."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from golive.access import Access, Capability
from golive.http import section_go_live, signed_in_user
from golive.refusals import apply_errors
from readiness.assessment import selectors as assessment
from readiness.gates import selectors, services
from readiness.gates.forms import GateForm, SignatoriesForm, SignOffForm
from readiness.guards import sees_whole_go_live
from readiness.models import Gate, SignOffRole
from readiness.pages import posted, programme_users


@require_http_methods(["GET", "POST"])
def gates(request: HttpRequest) -> HttpResponse:
    """The go-live's gates; a programme manager sets up new ones (e.g. T-30, T-7, T-1)."""
    access, go_live = section_go_live(request, "readiness")
    can_create = access.has(Capability.MANAGE_GO_LIVES, programme=go_live.programme)
    form = GateForm(posted(request))
    if request.method == "POST":
        if not can_create:
            raise PermissionDenied("Only a programme manager may set up gates.")
        if form.is_valid():
            try:
                gate = services.create_gate(access=access, go_live=go_live, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
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
    access, go_live = section_go_live(request, "readiness")
    row = get_object_or_404(selectors.visible_gates(access, go_live), pk=pk)
    signed = {s.role for s in row.sign_offs.all()}
    outstanding = [r for r in row.required_roles if r not in signed]
    named = selectors.named_signatories(row)
    can_sign = (
        access.has(Capability.SIGN_OFF_GATES, programme=go_live.programme) and not row.is_decided
    )
    mine = [r for r in outstanding if not named.get(r) or signed_in_user(request) in named[r]]
    can_name = access.has(Capability.MANAGE_GO_LIVES, programme=go_live.programme)
    if request.method == "POST" and request.POST.get("form") == "signatories":
        return _name_signatories(request, access, row, can_name and not row.is_decided)
    form = SignOffForm(posted(request), roles=mine)
    if request.method == "POST":
        if not can_sign:
            raise PermissionDenied("You may not sign off this gate.")
        if form.is_valid():
            try:
                services.sign_off_gate(
                    access=access, user=signed_in_user(request), gate=row, **form.cleaned_data
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Your sign-off was recorded.")
                return redirect("readiness:gate", pk=row.pk)
    board = assessment.board(access, go_live, assessment.BoardFilters(), today=timezone.localdate())
    context = {
        "go_live": go_live,
        "gate": row,
        "form": form if can_sign else None,
        "outstanding": outstanding,
        "score": board.go_live_score,
        "status_counts": assessment.status_counts(board),
        "can_read_pack": sees_whole_go_live(access, go_live),
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
        users=programme_users(gate.go_live.programme),
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
            apply_errors(form, error)
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
    access, go_live = section_go_live(request, "readiness")
    row = get_object_or_404(
        selectors.visible_gates(access, go_live).select_related("evidence_pack"), pk=pk
    )
    if not sees_whole_go_live(access, go_live):
        raise PermissionDenied("The evidence pack covers every area of the go-live.")
    if not hasattr(row, "evidence_pack"):
        raise Http404("This gate has not been decided yet.")
    return render(
        request,
        "readiness/evidence_pack.html",
        {"gate": row, "pack": row.evidence_pack, "snapshot": row.evidence_pack.snapshot},
    )
