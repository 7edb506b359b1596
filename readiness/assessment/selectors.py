"""Read-side queries for assessment, always scoped by what the user may see: readiness
groups and their actions, criteria with their status (a computed one's live reading), and
the board of areas × domains with weighted scores."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from golive.access import ROLE_CAPABILITIES, Access, Capability
from golive.models import Area, GoLive, Programme, Role, User
from readiness.assessment import providers
from readiness.assessment.scoring import Score, Scored, score, worst_rag
from readiness.models import (
    Action,
    Criterion,
    CriterionTemplate,
    Domain,
    Rag,
    ReadinessGroup,
)

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
        .select_related("group", "owner", "owner_staff")
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


def weighted(states: Iterable[CriterionState]) -> list[Scored]:
    """Each state's weight and status, as scoring takes them."""
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
        rows.append(BoardRow(area, cells, score(weighted(area_states))))
        by_site[area.site.name].extend(area_states)
    rows.sort(key=lambda row: (row.area.site.name, row.area.name))
    if filters.status or filters.owner:
        rows = [row for row in rows if any(cell.states for cell in row.cells)]
    site_scores = [(name, score(weighted(items))) for name, items in sorted(by_site.items())]
    return Board(domains, rows, site_scores, score(weighted(states)))


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
    return Cell(area, domain, in_domain), score(weighted(states))


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
