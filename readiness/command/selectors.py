"""Read-side queries for command and control: the cells of a go-live and who may run them,
stand-down criteria read live from the desk, escalation trails, the rota, and the live
figures a sit-rep is drafted from."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from adoption.models import DailyUserActivity
from champions.selectors import coverage_for
from golive.access import Access, Capability
from golive.models import GoLive, User
from readiness.assessment.selectors import criterion_states
from readiness.command import standdown
from readiness.models import (
    CommandCell,
    Criterion,
    DutyAssignment,
    EscalationStep,
    Rag,
    StandDownCriterion,
)
from support.models import Category, Escalation, KnownIssue, Priority, Ticket
from training.selectors import open_alerts

SITREP_TOP_ISSUES = 5


def visible_cells(access: Access, go_live: GoLive) -> QuerySet[CommandCell]:
    return CommandCell.objects.filter(
        go_live__in=access.go_lives(), go_live=go_live
    ).select_related("lead")


def can_run_cell(access: Access, cell: CommandCell) -> bool:
    """Programme managers, and the cell's lead unless read-only (an executive), run a cell:
    its rota, sit-reps, stand-down criteria and stand-down."""
    if access.has(Capability.MANAGE_GO_LIVES, programme=cell.go_live.programme):
        return True
    return access.user.pk is not None and access.user.pk == cell.lead_id and not access.is_read_only


def can_write_sitreps(access: Access, cell: CommandCell) -> bool:
    """Who may draft and edit a cell's sit-reps: those who run it, and an executive who is the
    named lead of a gold cell (for that cell only; executives write nothing else)."""
    if can_run_cell(access, cell):
        return True
    is_lead = access.user.pk is not None and access.user.pk == cell.lead_id
    return is_lead and cell.level == CommandCell.Level.GOLD


def can_step_up(access: Access, escalation: Escalation) -> bool:
    """A programme manager, or the lead of a cell at the level the escalation sits at (in its
    go-live), steps it up; read-only users never do."""
    if access.is_read_only:
        return False
    if access.has(Capability.MANAGE_GO_LIVES, programme=escalation.go_live.programme):
        return True
    return CommandCell.objects.filter(
        go_live_id=escalation.go_live_id, level=escalation.level, lead_id=access.user.pk
    ).exists()


# The desk's escalations reach the cells at their level.
ESCALATION_CELLS = {
    Escalation.Level.SILVER: CommandCell.Level.SILVER,
    Escalation.Level.GOLD: CommandCell.Level.GOLD,
}


def cell_leads(escalation: Escalation) -> list[User]:
    """Leads of the go-live's command cells at the escalation's level: whom the desk tells
    about it (registered with ``support.notices`` in ``readiness.apps``)."""
    lead_ids = CommandCell.objects.filter(
        go_live_id=escalation.go_live_id,
        level=ESCALATION_CELLS[Escalation.Level(escalation.level)],
    ).values("lead_id")
    return list(User.objects.filter(pk__in=lead_ids, is_active=True).order_by("pk"))


@dataclass(frozen=True)
class StandDownState:
    criterion: StandDownCriterion
    met: bool
    figure: str


def _p1_open_state(
    criterion: StandDownCriterion, go_live_id: int, now: dt.datetime
) -> StandDownState:
    hours = criterion.hours or 0
    start = now - dt.timedelta(hours=hours)
    p1 = Ticket.objects.filter(go_live_id=go_live_id, priority=Priority.P1, created_at__lte=now)
    open_now = p1.filter(status__in=Ticket.OPEN_STATUSES).count()
    if open_now:
        return StandDownState(criterion, False, f"{open_now} P1 ticket(s) open now")
    closed = p1.filter(
        Q(resolved_at__gte=start) | Q(resolved_at__isnull=True, closed_at__gte=start)
    ).values_list("resolved_at", "closed_at")
    moments = [resolved or closed for resolved, closed in closed]
    last = max((moment for moment in moments if moment is not None), default=None)
    if last is not None:
        ago = int((now - last).total_seconds() // 3600)
        return StandDownState(criterion, False, f"Last P1 closed {ago} h ago (needs {hours} h)")
    return StandDownState(criterion, True, f"No P1 open in the last {hours} h")


def _arrivals_state(
    criterion: StandDownCriterion, go_live_id: int, now: dt.datetime
) -> StandDownState:
    hours, limit = criterion.hours or 0, criterion.per_hour or 0
    arrivals = Ticket.objects.filter(
        go_live_id=go_live_id, created_at__gte=now - dt.timedelta(hours=hours), created_at__lt=now
    ).values_list("created_at", flat=True)
    busiest = standdown.busiest_hour(arrivals, end=now, hours=hours)
    figure = f"Busiest hour of the last {hours} h: {busiest} ticket(s) (needs below {limit})"
    return StandDownState(criterion, busiest < limit, figure)


def stand_down_states(cell: CommandCell, *, now: dt.datetime) -> list[StandDownState]:
    """Each stand-down criterion with whether it is met now and the figure behind it:
    computed ones from the go-live's tickets, manual ones as the lead ticked them."""
    states = []
    for criterion in cell.stand_down_criteria.select_related("ticked_by"):
        if criterion.kind == StandDownCriterion.Kind.NO_P1_OPEN:
            states.append(_p1_open_state(criterion, cell.go_live_id, now))
        elif criterion.kind == StandDownCriterion.Kind.ARRIVALS_BELOW:
            states.append(_arrivals_state(criterion, cell.go_live_id, now))
        else:
            figure = criterion.note or ("Confirmed" if criterion.met else "Not yet confirmed")
            states.append(StandDownState(criterion, criterion.met, figure))
    return states


def stand_down_met(states: Sequence[StandDownState]) -> bool:
    """Met when there are criteria and every one is met: a cell with none has not said what
    standing down needs."""
    return bool(states) and all(state.met for state in states)


@dataclass(frozen=True)
class TrailStep:
    from_level: str
    to_level: str
    by: User
    at: dt.datetime
    note: str


def escalation_trail(escalation: Escalation) -> list[TrailStep]:
    """Every step of an escalation, oldest first: the raise from the floor (bronze) to the
    level it was raised at, then each step up with who, when and why."""
    steps = list(EscalationStep.objects.filter(escalation=escalation).select_related("stepped_by"))
    raised_at = steps[0].from_level if steps else escalation.level
    trail = [
        TrailStep(
            CommandCell.Level.BRONZE,
            raised_at,
            escalation.escalated_by,
            escalation.escalated_at,
            escalation.summary,
        )
    ]
    trail += [
        TrailStep(s.from_level, s.to_level, s.stepped_by, s.stepped_at, s.note) for s in steps
    ]
    return trail


def on_duty(cells: Iterable[CommandCell], at: dt.datetime) -> QuerySet[DutyAssignment]:
    return DutyAssignment.objects.filter(
        cell__in=list(cells), starts_at__lte=at, ends_at__gt=at
    ).select_related("user", "staff", "cell")


def _category_name(category: Category | None) -> str:
    return category.top_level.name if category is not None else "Not yet categorised"


def adoption_headline(go_live: GoLive, *, before: dt.date) -> dict[str, object] | None:
    """Active EPR users on the latest day with imported data up to ``before`` (extracts
    arrive daily, so that is usually yesterday), against the mean of the 7 days before it."""
    activity = DailyUserActivity.objects.filter(
        area__in=go_live.areas.all(), local_date__lte=before
    )
    latest = activity.order_by("-local_date").values_list("local_date", flat=True).first()
    if latest is None:
        return None
    per_day = (
        activity.filter(local_date__gte=latest - dt.timedelta(days=7))
        .values("local_date")
        .annotate(users=Count("epr_user_id", distinct=True))
    )
    counts = {row["local_date"]: row["users"] for row in per_day}
    previous = [n for day, n in counts.items() if day != latest]
    return {
        "day": latest.isoformat(),
        "active_users": counts.get(latest, 0),
        "previous_mean": round(sum(previous) / len(previous), 1) if previous else None,
    }


def sitrep_figures(go_live: GoLive, *, start: dt.datetime, end: dt.datetime) -> dict[str, object]:
    """The live figures a sit-rep is drafted from, for the whole go-live and the period
    [start, end): tickets opened and resolved by category, the top open known issues,
    readiness exceptions (red criteria), champion coverage gaps and escalations."""
    tickets = Ticket.objects.filter(go_live=go_live).select_related("category__parent")
    opened: dict[str, int] = defaultdict(int)
    for ticket in tickets.filter(created_at__gte=start, created_at__lt=end):
        opened[_category_name(ticket.category)] += 1
    resolved: dict[str, int] = defaultdict(int)
    for ticket in tickets.filter(resolved_at__gte=start, resolved_at__lt=end):
        resolved[_category_name(ticket.category)] += 1
    issues = (
        KnownIssue.objects.filter(programme=go_live.programme, status=KnownIssue.Status.OPEN)
        .annotate(open_tickets=Count("tickets", filter=Q(tickets__status__in=Ticket.OPEN_STATUSES)))
        .order_by("-open_tickets", "title")[:SITREP_TOP_ISSUES]
    )
    criteria = list(
        Criterion.objects.filter(go_live=go_live).select_related(
            "template", "area__site", "go_live__programme"
        )
    )
    red = [
        s
        for s in criterion_states(Access(AnonymousUser()), criteria, today=timezone.localdate(end))
        if s.rag == Rag.RED
    ]
    areas = list(go_live.areas.all())
    local = (timezone.localdate(start), timezone.localdate(end))
    coverage = coverage_for(go_live, areas, local)
    escalations = Escalation.objects.filter(
        go_live=go_live, escalated_at__gte=start, escalated_at__lt=end
    )
    return {
        "adoption": adoption_headline(go_live, before=timezone.localdate(end)),
        "training_alerts": [
            alert.message for alert in open_alerts(GoLive.objects.filter(pk=go_live.pk))
        ],
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "tickets_opened": dict(sorted(opened.items(), key=lambda kv: (-kv[1], kv[0]))),
        "tickets_resolved": dict(sorted(resolved.items(), key=lambda kv: (-kv[1], kv[0]))),
        "tickets_open_now": tickets.filter(status__in=Ticket.OPEN_STATUSES).count(),
        "top_issues": [{"title": i.title, "open_tickets": i.open_tickets} for i in issues],
        "readiness_exceptions": [
            {
                "area": s.criterion.area.name,
                "criterion": s.criterion.template.title,
                "figure": s.figure,
            }
            for s in red
        ],
        "coverage": {
            "shifts": coverage.shifts_total,
            "shifts_with_gaps": coverage.shifts_with_gaps,
            "supporters_missing": coverage.supporters_missing,
        },
        "escalations": [
            {"level": e.level, "summary": e.summary, "at": e.escalated_at.isoformat()}
            for e in escalations
        ],
    }
