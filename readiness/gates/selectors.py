"""Read-side queries for gates: the gates of a go-live the user may see, who is named to
sign them, and the evidence a decision rests on (the whole go-live, as plain JSON)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from champions.selectors import coverage_for
from golive.access import Access
from golive.models import GoLive, User
from readiness.assessment.scoring import score
from readiness.assessment.selectors import CriterionState, criterion_states, weighted
from readiness.hazards import risk
from readiness.hazards.selectors import open_hazards
from readiness.models import Criterion, Gate
from support.models import Priority, Ticket
from training.selectors import Scope, staff_in_scope, totals


def visible_gates(access: Access, go_live: GoLive) -> QuerySet[Gate]:
    return Gate.objects.filter(go_live__in=access.go_lives(), go_live=go_live).prefetch_related(
        "sign_offs__signed_by"
    )


def named_signatories(gate: Gate) -> dict[str, list[User]]:
    """The people named for each of a gate's sign-offs (roles with nobody named are absent)."""
    named: dict[str, list[User]] = defaultdict(list)
    for row in gate.signatories.select_related("user"):
        named[row.role].append(row.user)
    return dict(named)


def open_high_priority_tickets(go_live: GoLive) -> QuerySet[Ticket]:
    return Ticket.objects.filter(
        go_live=go_live,
        priority__in=[Priority.P1, Priority.P2],
        status__in=Ticket.OPEN_STATUSES,
    ).select_related("area")


def evidence_snapshot(go_live: GoLive, *, today: dt.date) -> dict[str, object]:
    """Everything a gate decision rests on, as plain JSON: the whole go-live, not one
    user's view of it."""
    areas = list(go_live.areas.select_related("site").order_by("site__name", "name"))
    criteria = list(
        Criterion.objects.filter(go_live=go_live).select_related(
            "template", "area__site", "go_live__programme"
        )
    )
    # Read as nobody in particular: statuses only, no edit rights.
    states = criterion_states(Access(AnonymousUser()), criteria, today=today)
    by_area: dict[int, list[CriterionState]] = defaultdict(list)
    for state in states:
        by_area[state.criterion.area_id].append(state)
    training = totals(staff_in_scope(Scope(go_live, areas, is_whole=True)), go_live, today=today)
    coverage = coverage_for(go_live, areas)
    return {
        "go_live": {
            "id": go_live.pk,
            "name": go_live.name,
            "user_go_live": str(go_live.user_go_live_date),
        },
        "as_of": str(today),
        "readiness": {
            "score_percent": score(weighted(states)).percent,
            "areas": [
                {
                    "area": area.name,
                    "site": area.site.name,
                    "score_percent": score(weighted(by_area.get(area.pk, []))).percent,
                    "criteria": [
                        {
                            "criterion": s.criterion.template.title,
                            "domain": s.criterion.template.get_domain_display(),
                            "weight": s.criterion.template.weight,
                            "status": s.rag,
                            "figure": s.figure,
                            "comment": s.criterion.comment,
                        }
                        for s in by_area.get(area.pk, [])
                    ],
                }
                for area in areas
            ],
        },
        "training": {
            "in_scope": training.in_scope,
            "required": training.required,
            "trained": training.trained,
            "percent": training.percent,
        },
        "coverage": {
            "shifts": coverage.shifts_total,
            "covered": coverage.shifts_covered,
            "supporters_missing": coverage.supporters_missing,
        },
        "open_hazards": [
            {
                "reference": h.reference,
                "title": h.title,
                "residual_risk": risk.risk_rating(h.residual_severity, h.residual_likelihood),
                "status": h.status,
            }
            for h in open_hazards(go_live.programme)
        ],
        "open_high_priority_tickets": [
            {
                "reference": t.reference,
                "priority": t.priority,
                "area": t.area.name,
                "status": t.status,
            }
            for t in open_high_priority_tickets(go_live)
        ],
    }
