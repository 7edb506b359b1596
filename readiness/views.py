"""The readiness section's summary page, drawn from its sub-domains; each sub-package
serves its own pages (``readiness.urls`` routes them all)."""

from __future__ import annotations

from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from golive.dashboard import visible_scope
from golive.http import section_access
from golive.navigation import current_go_live
from readiness.assessment import selectors as assessment
from readiness.assessment.scoring import EXPLANATION
from readiness.gates import selectors as gates


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The readiness picture for the chosen go-live: score, milestones, gates and the
    readiness groups' overdue actions."""
    access, go_live = section_access(request, "readiness"), current_go_live(request)
    if go_live is None:
        return render(request, "readiness/home.html", {"go_live": None})
    today = timezone.localdate()
    areas = visible_scope(access, go_live)
    sites = [(name, list(group)) for name, group in groupby(areas, key=lambda a: a.site.name)]
    milestones = [
        (m, (m.due_on - today).days, m.completed_on is None and m.due_on < today)
        for m in go_live.milestones.all()
    ]
    board = assessment.board(access, go_live, assessment.BoardFilters(), today=today)
    context = {
        "go_live": go_live,
        "sites": sites,
        "milestones": milestones,
        "score": board.go_live_score,
        "overdue": assessment.overdue_actions(access, go_live.programme, today=today),
        "gates": gates.visible_gates(access, go_live),
        "explanation": EXPLANATION,
    }
    return render(request, "readiness/home.html", context)
