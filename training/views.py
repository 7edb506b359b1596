from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from golive.access import access_for
from golive.dashboard import staff_in_areas, visible_scope
from golive.models import Area, RoleGroup
from golive.navigation import current_go_live, require_section


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Who is in scope for training on the chosen go-live, by role group and by area."""
    require_section(request, "training")
    go_live = current_go_live(request)
    by_group: list[tuple[str, int]] = []
    by_area: list[dict[str, Any]] = []
    total = 0
    if go_live is not None:
        area_ids = [area.pk for area in visible_scope(access_for(request), go_live)]
        staff = staff_in_areas(area_ids)
        total = staff.count()
        labels = dict(RoleGroup.choices)
        by_group = [
            (labels[row["role_group"]], row["n"])
            for row in staff.values("role_group").annotate(n=Count("pk")).order_by("-n")
        ]
        by_area = [
            dict(row)
            for row in Area.objects.filter(pk__in=area_ids)
            .values("name", "site__name")
            .annotate(n=Count("staff", distinct=True))
            .order_by("site__name", "name")
        ]
    context = {"go_live": go_live, "total": total, "by_group": by_group, "by_area": by_area}
    return render(request, "training/home.html", context)
