"""Communications pages: the plan and engagement events, with attendance by staff group."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from golive.access import Capability
from golive.http import section_go_live
from golive.refusals import apply_errors
from readiness.comms import selectors, services
from readiness.comms.forms import (
    AttendanceForm,
    CommsItemForm,
    CommsStatusForm,
    EngagementEventForm,
)
from readiness.pages import programme_users


@require_http_methods(["GET", "POST"])
def comms(request: HttpRequest) -> HttpResponse:
    """The communications plan and engagement events, with attendance by staff group; a
    programme manager adds items and events and records attendance here."""
    access, go_live = section_go_live(request, "readiness")
    can_plan = access.has(Capability.MANAGE_GO_LIVES, programme=go_live.programme)
    events = selectors.visible_events(access, go_live)
    kind = request.POST.get("form") if request.method == "POST" else None
    if kind and not can_plan:
        raise PermissionDenied("Only a programme manager may change the communications plan.")
    forms_ = {
        "item": CommsItemForm(
            request.POST if kind == "item" else None, users=programme_users(go_live.programme)
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
            apply_errors(form, error)
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
    access, go_live = section_go_live(request, "readiness")
    item = get_object_or_404(go_live.comms_items.all(), pk=pk)
    form = CommsStatusForm(request.POST)
    if form.is_valid():
        services.set_comms_status(access=access, item=item, status=form.cleaned_data["status"])
        messages.success(request, f"{item.title} was updated.")
    return redirect("readiness:comms")
