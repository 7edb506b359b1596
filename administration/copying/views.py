"""Pages that set up a new go-live from a previous one: the form, its preview, and the
record of what a copy created. Programme managers (for the whole programme) only."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from administration.copying import selectors, services
from administration.copying.forms import CopyForm
from golive.access import Access
from golive.copying import copy_steps
from golive.http import section_access, signed_in_user
from golive.models import Area, GoLive
from golive.refusals import apply_errors


def _setup_access(request: HttpRequest) -> Access:
    access = section_access(request, "setup")
    if not selectors.managed_programme_ids(access):
        raise PermissionDenied("Only a programme manager for a whole programme may copy.")
    return access


def _form(request: HttpRequest, access: Access) -> CopyForm:
    go_lives = selectors.managed_go_lives(access)
    areas = selectors.copyable_areas(access)
    if request.method == "POST":
        return CopyForm(request.POST, go_lives=go_lives, areas=areas)
    named = request.GET.get("source", "")
    chosen = go_lives.filter(pk=int(named)).first() if named.isascii() and named.isdigit() else None
    source = chosen or go_lives.first()
    initial = {
        "source": source,
        "areas": [area.pk for area in selectors.default_areas(source)] if source else [],
    }
    return CopyForm(None, go_lives=go_lives, areas=areas, initial=initial)


def _areas_by_site(form: CopyForm) -> list[tuple[str, list[tuple[Area, bool]]]]:
    chosen = form.chosen_area_ids()
    areas: list[Area] = list(form.fields["areas"].queryset)  # type: ignore[attr-defined]
    return [
        (site, [(area, area.pk in chosen) for area in group])
        for site, group in groupby(areas, key=lambda area: area.site.name)
    ]


@require_http_methods(["GET", "POST"])
def copy_go_live(request: HttpRequest) -> HttpResponse:
    """The form; posted, its preview (everything the copy will create); confirmed from the
    preview, the copy itself, then the record of what it created."""
    access = _setup_access(request)
    form = _form(request, access)
    if request.method == "POST" and "edit" not in request.POST and form.is_valid():
        try:
            if "confirm" in request.POST:
                record = services.copy_go_live(
                    access=access, by=signed_in_user(request), **form.service_arguments()
                )
                messages.success(request, f"{record.target.name} was set up.")
                return redirect("setup:go_live_copy", pk=record.pk)
            plan = services.preview_copy(access=access, **form.service_arguments())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            context = {"form": form, "plan": plan}
            return render(request, "administration/copying/preview.html", context)
    context = {
        "form": form,
        "sites": _areas_by_site(form),
        "copies": selectors.visible_copies(access)[:10],
    }
    return render(request, "administration/copying/form.html", context)


@require_GET
def go_live_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """What one copy created, step by step (as recorded when it ran)."""
    access = _setup_access(request)
    record = get_object_or_404(selectors.visible_copies(access), pk=pk)
    labels = {step.key: step.label for step in copy_steps()}
    steps = [(labels.get(key, key), items) for key, items in record.created.items()]
    target: GoLive = record.target
    context = {"record": record, "target": target, "steps": steps, "areas": target.areas.all()}
    return render(request, "administration/copying/detail.html", context)
