"""Read-side queries for readiness, always scoped by what the user may see."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from adoption.models import DailyUserActivity
from champions.selectors import coverage_for
from golive.access import ROLE_CAPABILITIES, Access, Capability
from golive.models import Area, GoLive, Programme, Role, User
from readiness import providers, risk, standdown
from readiness.models import (
    Action,
    CommandCell,
    Criterion,
    CriterionTemplate,
    Domain,
    DutyAssignment,
    EngagementEvent,
    EscalationStep,
    Gate,
    Hazard,
    HazardTicket,
    Milestone,
    Rag,
    ReadinessGroup,
    StandDownCriterion,
)
from readiness.scoring import Score, Scored, score, worst_rag
from support.models import Category, Escalation, KnownIssue, Priority, Ticket
from training.selectors import Scope, open_alerts, staff_in_scope, totals

DOMAIN_CHAIRS = frozenset({Role.READINESS_CHAIR, Role.CLINICAL_SAFETY_OFFICER})


# Groups, meetings and actions.


def visible_groups(access: Access) -> QuerySet[ReadinessGroup]:
    return ReadinessGroup.objects.filter(programme__in=access.programmes()).select_related(
        "clinical_chair", "operational_chair", "programme"
    )


def overdue_actions(access: Access, programme: Programme, *, today: dt.date) -> QuerySet[Action]:
    return (
        Action.objects.filter(
            group__in=visible_groups(access).filter(programme=programme),
            status=Action.Status.OPEN,
            due_on__lt=today,
        )
        .select_related("group", "owner")
        .order_by("due_on", "pk")
    )


def chaired_domains(user: User, programme: Programme) -> set[str]:
    groups = ReadinessGroup.objects.filter(programme=programme).filter(
        Q(clinical_chair=user) | Q(operational_chair=user)
    )
    return {domain for group in groups for domain in group.domains}


def can_manage_group(access: Access, group: ReadinessGroup) -> bool:
    """Programme managers, and the group's own co-chairs, record its meetings and actions."""
    if access.has(Capability.MANAGE_GO_LIVES, programme=group.programme):
        return True
    user_id = access.user.pk
    return user_id is not None and user_id in (group.clinical_chair_id, group.operational_chair_id)


# Criteria.


def visible_criteria(access: Access, go_live: GoLive) -> QuerySet[Criterion]:
    # Through the go-live's own manager, every row shares ``go_live`` (and its programme)
    # instead of building a copy of both for each of a big go-live's hundreds of criteria.
    rows = access.filter_by_area(go_live.criteria.all(), area_field="area")
    return rows.select_related("template", "area__site", "owner")


def can_edit_criterion(access: Access, criterion: Criterion, chaired: set[str]) -> bool:
    """Ward managers edit their own areas' criteria; chairs (and the clinical safety
    officer) the domains of the groups they chair; programme managers everything."""
    if access.is_superuser:
        return True
    domain = criterion.template.domain
    for grant in access.grants:
        if Capability.EDIT_READINESS not in ROLE_CAPABILITIES.get(grant.role, frozenset()):
            continue
        if grant.programme_id != criterion.go_live.programme_id:
            continue
        if not grant.covers_area(criterion.area):
            continue
        if grant.role in DOMAIN_CHAIRS:
            own_domain = grant.role == Role.CLINICAL_SAFETY_OFFICER and (
                domain == Domain.CLINICAL_SAFETY
            )
            if domain in chaired or own_domain:
                return True
            continue
        return True
    return False


@dataclass(frozen=True)
class CriterionState:
    criterion: Criterion
    rag: str
    figure: str
    threshold: str
    editable: bool

    @property
    def rag_label(self) -> str:
        return Rag(self.rag).label


def criterion_states(
    access: Access, criteria: Sequence[Criterion], *, today: dt.date
) -> list[CriterionState]:
    """Each criterion's status: its RAG, or for a computed one its live reading."""
    readings: dict[tuple[str, int, int], providers.Reading] = {}
    batches: dict[tuple[str, int], tuple[GoLive, dict[int, Area]]] = {}
    for criterion in criteria:
        key = criterion.template.computed_key
        if key in providers.PROVIDERS:
            go_live, areas = batches.setdefault(
                (key, criterion.go_live_id), (criterion.go_live, {})
            )
            areas[criterion.area_id] = criterion.area
    for (key, go_live_id), (go_live, areas) in batches.items():
        for area_id, reading in providers.read(key, go_live, list(areas.values()), today).items():
            readings[(key, go_live_id, area_id)] = reading
    chaired: dict[int, set[str]] = {}
    states = []
    for criterion in criteria:
        programme = criterion.go_live.programme
        if programme.pk not in chaired:
            chaired[programme.pk] = (
                chaired_domains(access.user, programme) if access.is_authenticated else set()  # type: ignore[arg-type]
            )
        found = readings.get(
            (criterion.template.computed_key, criterion.go_live_id, criterion.area_id)
        )
        editable = not criterion.template.is_computed and can_edit_criterion(
            access, criterion, chaired[programme.pk]
        )
        if found is not None:
            states.append(
                CriterionState(criterion, found.rag, found.figure, found.threshold, False)
            )
        else:
            states.append(
                CriterionState(criterion, criterion.rag, "", criterion.template.pass_rule, editable)
            )
    return states


@dataclass(frozen=True)
class BoardFilters:
    site: int | None = None
    domain: str | None = None
    owner: int | None = None
    status: str | None = None


@dataclass
class Cell:
    area: Area
    domain: str
    states: list[CriterionState] = field(default_factory=list)

    @property
    def rag(self) -> str:
        return worst_rag(s.rag for s in self.states)

    @property
    def rag_label(self) -> str:
        return Rag(self.rag).label

    @property
    def green(self) -> int:
        return sum(1 for s in self.states if s.rag == Rag.GREEN)

    @property
    def dom_id(self) -> str:
        return f"cell-{self.area.pk}-{self.domain}"


@dataclass
class BoardRow:
    area: Area
    cells: list[Cell]
    score: Score


@dataclass
class Board:
    domains: list[tuple[str, str]]
    rows: list[BoardRow]
    site_scores: list[tuple[str, Score]]
    go_live_score: Score


def _scored(states: Iterable[CriterionState]) -> list[Scored]:
    return [Scored(s.criterion.template.weight, s.rag) for s in states]


def _shown(state: CriterionState, filters: BoardFilters) -> bool:
    if filters.owner and state.criterion.owner_id != filters.owner:
        return False
    return not (filters.status and state.rag != filters.status)


def board(access: Access, go_live: GoLive, filters: BoardFilters, *, today: dt.date) -> Board:
    """The heat-map: areas × domains. Filters choose what is shown; scores always count
    every criterion of the areas shown, so a filter never flatters a score."""
    criteria = visible_criteria(access, go_live)
    if filters.site:
        criteria = criteria.filter(area__site_id=filters.site)
    states = criterion_states(access, list(criteria), today=today)
    domains = [(d.value, d.label) for d in Domain if not filters.domain or d == filters.domain]
    by_area: dict[int, list[CriterionState]] = defaultdict(list)
    for state in states:
        by_area[state.criterion.area_id].append(state)
    rows = []
    by_site: dict[str, list[CriterionState]] = defaultdict(list)
    for area_states in by_area.values():
        area = area_states[0].criterion.area
        cells = [
            Cell(
                area,
                domain,
                [
                    s
                    for s in area_states
                    if s.criterion.template.domain == domain and _shown(s, filters)
                ],
            )
            for domain, _ in domains
        ]
        rows.append(BoardRow(area, cells, score(_scored(area_states))))
        by_site[area.site.name].extend(area_states)
    rows.sort(key=lambda row: (row.area.site.name, row.area.name))
    if filters.status or filters.owner:
        rows = [row for row in rows if any(cell.states for cell in row.cells)]
    site_scores = [(name, score(_scored(items))) for name, items in sorted(by_site.items())]
    return Board(domains, rows, site_scores, score(_scored(states)))


def status_counts(board: Board) -> list[tuple[str, int]]:
    """How many criteria stand at each status across the board, worst first."""
    counts = dict.fromkeys(("red", "amber", "not_assessed", "green"), 0)
    for row in board.rows:
        for one in row.cells:
            for state in one.states:
                counts[state.rag] += 1
    return [(Rag(rag).label, n) for rag, n in counts.items()]


def score_trend(
    access: Access, go_live: GoLive, *, today: dt.date, weeks: int = 8
) -> list[tuple[dt.date, float | None]]:
    """The weighted score of the user's assessed (manual) criteria at the end of each of the
    last ``weeks`` weeks, read back from their history. Computed criteria keep no past
    readings, so they are left out of the trend."""
    criteria = visible_criteria(access, go_live).filter(template__computed_key="")
    weights = dict(criteria.values_list("pk", "template__weight"))
    versions = (
        Criterion.history.filter(id__in=list(weights))
        .order_by("history_date", "history_id")
        .values_list("id", "rag", "history_date")
    )
    ends = [today - dt.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    points: list[tuple[dt.date, float | None]] = []
    current: dict[int, str] = {}
    pending = iter(versions)
    upcoming = next(pending, None)
    for end in ends:
        while upcoming is not None and timezone.localdate(upcoming[2]) <= end:
            current[upcoming[0]] = upcoming[1]
            upcoming = next(pending, None)
        items = [Scored(weights[pk], rag) for pk, rag in current.items()]
        points.append((end, score(items).percent if items else None))
    return points


def cell_and_area_score(
    access: Access, go_live: GoLive, area: Area, domain: str, *, today: dt.date
) -> tuple[Cell, Score]:
    """One heat-map cell and its area's score, what the board redraws after an edit, from
    one reading of the area's criteria (computed ones read live figures)."""
    rows = visible_criteria(access, go_live).filter(area=area)
    states = criterion_states(access, list(rows), today=today)
    in_domain = [state for state in states if state.criterion.template.domain == domain]
    return Cell(area, domain, in_domain), score(_scored(states))


def owners(go_live: GoLive) -> QuerySet[User]:
    ids = Criterion.objects.filter(go_live=go_live, owner__isnull=False).values("owner")
    return User.objects.filter(pk__in=ids).order_by("first_name", "last_name", "username")


def template_sets(programme: Programme) -> list[str]:
    return list(
        CriterionTemplate.objects.filter(programme=programme)
        .values_list("template_set", flat=True)
        .distinct()
        .order_by("template_set")
    )


# Gates and evidence.


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


def sees_whole_go_live(access: Access, go_live: GoLive) -> bool:
    """Gate evidence covers every area, so only users who may see them all may read it."""
    return access.sees_every_area(go_live)


def open_hazards(programme: Programme) -> QuerySet[Hazard]:
    return Hazard.objects.filter(programme=programme).exclude(status=Hazard.Status.CLOSED)


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
            "score_percent": score(_scored(states)).percent,
            "areas": [
                {
                    "area": area.name,
                    "site": area.site.name,
                    "score_percent": score(_scored(by_area.get(area.pk, []))).percent,
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


# Hazards and milestones.


def visible_hazards(access: Access, programme: Programme) -> QuerySet[Hazard]:
    return Hazard.objects.filter(
        programme__in=access.programmes(), programme=programme
    ).select_related("owner", "cso_signed_off_by")


def visible_ticket_links(access: Access) -> Prefetch:
    """A hazard's links to desk tickets, only those to tickets the user may see: the hazard
    log is programme-wide, but a ticket (even its id) belongs to its area."""
    links = access.filter_by_area(HazardTicket.objects.all(), area_field="ticket__area")
    return Prefetch("ticket_links", queryset=links.select_related("ticket").order_by("pk"))


def visible_milestones(access: Access) -> QuerySet[Milestone]:
    return Milestone.objects.filter(go_live__in=access.go_lives()).select_related("go_live")


# Command and control.

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
    ).select_related("user", "cell")


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


# Communications and engagement.


def visible_events(access: Access, go_live: GoLive) -> QuerySet[EngagementEvent]:
    """Trust-wide events, and those in areas the user may see."""
    events = EngagementEvent.objects.filter(go_live__in=access.go_lives(), go_live=go_live)
    return (
        events.filter(Q(area__isnull=True) | Q(area__in=access.areas()))
        .select_related("area")
        .prefetch_related("attendance")
    )


def attendance_by_group(events: Iterable[EngagementEvent]) -> list[tuple[str, int]]:
    """Total attendance per staff group across ``events`` (prefetched), largest first."""
    totals: dict[str, int] = defaultdict(int)
    for event in events:
        for row in event.attendance.all():
            totals[row.get_role_group_display()] += row.count
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
