"""Timeline pages: every visible go-live's milestones as a programme calendar."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from golive.access import Capability
from golive.http import section_access
from golive.navigation import current_go_live
from golive.refusals import apply_errors
from readiness.pages import posted
from readiness.timeline import selectors, services
from readiness.timeline.forms import MilestoneForm


@require_http_methods(["GET", "POST"])
def timeline(request: HttpRequest) -> HttpResponse:
    """Milestones of every go-live the user may see: the programme calendar across waves. A
    programme manager adds milestones to the chosen go-live here."""
    access, go_live = section_access(request, "readiness"), current_go_live(request)
    today = timezone.localdate()
    can_plan = go_live is not None and access.has(
        Capability.MANAGE_GO_LIVES, programme=go_live.programme
    )
    form = MilestoneForm(posted(request))
    if request.method == "POST":
        if not can_plan or go_live is None:
            raise PermissionDenied("Only a programme manager may plan milestones.")
        if form.is_valid():
            try:
                services.add_milestone(access=access, go_live=go_live, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
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
    access = section_access(request, "readiness")
    milestone = get_object_or_404(selectors.visible_milestones(access), pk=pk)
    services.complete_milestone(access=access, milestone=milestone, on=timezone.localdate())
    messages.success(request, f"{milestone.name} was marked done.")
    return redirect("readiness:timeline")
