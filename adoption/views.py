from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from golive.access import access_for
from golive.navigation import current_go_live, require_section


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The programme's go-lives and releases: the events adoption is measured against."""
    require_section(request, "adoption")
    access = access_for(request)
    go_lives = (
        access.go_lives()
        .annotate(area_count=Count("areas", filter=Q(areas__in=access.areas()), distinct=True))
        .prefetch_related("releases")
        .order_by("user_go_live_date")
    )
    context = {
        "current": current_go_live(request),
        "go_lives": go_lives,
        "today": timezone.localdate(),
    }
    return render(request, "adoption/home.html", context)
