from __future__ import annotations

from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from golive.access import access_for
from golive.dashboard import visible_scope
from golive.navigation import current_go_live, require_section


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The readiness picture for the chosen go-live: its milestones and the areas in scope."""
    require_section(request, "readiness")
    go_live = current_go_live(request)
    sites: list[tuple[str, list]] = []
    milestones: list[tuple[str, object, int]] = []
    if go_live is not None:
        areas = visible_scope(access_for(request), go_live)
        sites = [(name, list(group)) for name, group in groupby(areas, key=lambda a: a.site.name)]
        today = timezone.localdate()
        dates = [
            ("Technical go-live", go_live.technical_go_live_date),
            ("User go-live", go_live.user_go_live_date),
        ]
        milestones = [(label, day, (day - today).days) for label, day in dates if day]
    context = {"go_live": go_live, "sites": sites, "milestones": milestones}
    return render(request, "readiness/home.html", context)
