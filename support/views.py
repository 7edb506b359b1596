from __future__ import annotations

from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from golive.access import access_for
from golive.dashboard import visible_scope
from golive.navigation import current_go_live, require_section


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The service desk's view of the chosen go-live: what goes live, and where."""
    require_section(request, "support")
    go_live = current_go_live(request)
    sites: list[tuple[str, list]] = []
    releases: list = []
    if go_live is not None:
        areas = visible_scope(access_for(request), go_live)
        sites = [(name, list(group)) for name, group in groupby(areas, key=lambda a: a.site.name)]
        releases = list(go_live.releases.all())
    context = {"go_live": go_live, "sites": sites, "releases": releases}
    return render(request, "support/home.html", context)
