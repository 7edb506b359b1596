"""Figures for the live board and the analytics page, from tickets the user may see.

The board is computed "as at" a moment (now, or a moment replayed during a past go-live), so
it uses timestamps rather than current status: a ticket is open at ``now`` when it was
created by then and not resolved by then."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from golive.access import Access
from golive.models import GoLive
from support.models import Category, Escalation, Priority, SatisfactionResponse, Ticket
from support.selectors import sla_targets, ticket_sla, visible_tickets
from support.spikes import HOUR, Burst, ShareSpike, bursts, hourly_counts, share_spikes
from support.stats import minutes_between, percentile

BOARD_HOURS = 24
SHARE_THRESHOLD = 0.4
SHARE_MIN_COUNT = 10
BURST_FACTOR = 3.0
BURST_MIN_COUNT = 5
AREAS_BY_DAY = 10


def _top_name(ticket: Ticket) -> str:
    if ticket.category is None:
        return "Not categorised"
    return ticket.category.top_level.name


def open_at(tickets: QuerySet[Ticket], now: dt.datetime) -> QuerySet[Ticket]:
    return tickets.filter(created_at__lte=now).filter(
        Q(resolved_at__isnull=True) | Q(resolved_at__gt=now)
    )


@dataclass(frozen=True)
class Board:
    now: dt.datetime
    open_total: int
    by_category: list[tuple[str, int]]
    by_area: list[tuple[str, int]]
    by_priority: list[tuple[str, int]]
    hour_labels: list[str]
    hourly: list[int]
    last_hour: int
    category_spikes: list[ShareSpike]
    area_bursts: list[Burst]
    breached: list[Ticket]
    escalations: list[Escalation] = field(default_factory=list)


def live_board(access: Access, go_live: GoLive, *, now: dt.datetime) -> Board:
    tickets = visible_tickets(access, go_live)
    open_tickets = list(open_at(tickets, now))
    window_start = now - HOUR * BOARD_HOURS
    recent = list(
        tickets.filter(created_at__gt=window_start - HOUR * 24, created_at__lte=now)
        .values_list("created_at", "category__parent__name", "category__name", "area__name")
        .order_by("created_at")
    )
    by_category_arrivals = [
        (at, parent or own or "Not categorised") for at, parent, own, _ in recent
    ]
    by_area_arrivals = [(at, area) for at, _, _, area in recent]
    start = now.replace(minute=0, second=0, microsecond=0) - HOUR * (BOARD_HOURS - 1)
    local = timezone.localtime
    targets = sla_targets()
    breached = [
        ticket
        for ticket in open_tickets
        if (status := ticket_sla(ticket, targets, now=now)) is not None and status.is_breached
    ]
    return Board(
        now=now,
        open_total=len(open_tickets),
        by_category=Counter(_top_name(t) for t in open_tickets).most_common(),
        by_area=Counter(t.area.name for t in open_tickets).most_common(10),
        by_priority=[
            (label, sum(1 for t in open_tickets if t.priority == value))
            for value, label in Priority.choices
        ],
        hour_labels=[f"{local(start + HOUR * i):%d %b %H:00}" for i in range(BOARD_HOURS)],
        hourly=hourly_counts(
            (at for at, _ in by_category_arrivals), start=start, hours=BOARD_HOURS
        ),
        last_hour=sum(1 for at, _ in by_category_arrivals if at > now - HOUR),
        category_spikes=share_spikes(
            by_category_arrivals, now=now, threshold=SHARE_THRESHOLD, min_count=SHARE_MIN_COUNT
        ),
        area_bursts=bursts(
            by_area_arrivals, now=now, factor=BURST_FACTOR, min_count=BURST_MIN_COUNT
        ),
        breached=sorted(breached, key=lambda t: t.created_at)[:50],
        escalations=list(
            Escalation.objects.filter(go_live=go_live, escalated_at__lte=now)
            .select_related("escalated_by", "category", "area")
            .order_by("-escalated_at")[:5]
        ),
    )


# Analytics.


@dataclass(frozen=True)
class Durations:
    label: str
    count: int
    median_minutes: float | None
    p90_minutes: float | None


@dataclass(frozen=True)
class Analytics:
    total: int
    days: list[str]
    categories: list[str]
    per_day_by_category: dict[str, list[int]]
    share_by_category: list[tuple[str, int, float]]
    per_area: list[tuple[str, int]]
    per_day_by_area: list[tuple[str, list[int]]]  # the busiest areas, one count per day
    first_response: list[Durations]
    resolution: list[Durations]
    training_gaps_by_course: list[tuple[str, int]]
    satisfaction_count: int
    satisfaction_mean: float | None
    satisfaction_by_score: list[tuple[int, int]]


def _durations(label: str, minutes: list[float]) -> Durations:
    return Durations(
        label=label,
        count=len(minutes),
        median_minutes=percentile(minutes, 0.5),
        p90_minutes=percentile(minutes, 0.9),
    )


def analytics(access: Access, go_live: GoLive) -> Analytics:
    tickets = visible_tickets(access, go_live)
    rows = list(
        tickets.values_list(
            "created_at",
            "first_response_at",
            "resolved_at",
            "priority",
            "category__parent__name",
            "category__name",
            "area__name",
            "resolution_type",
            "course__name",
        )
    )
    tops = list(Category.objects.filter(parent__isnull=True).values_list("name", flat=True))
    day_counts: dict[str, Counter[str]] = defaultdict(Counter)
    area_day_counts: dict[str, Counter[str]] = defaultdict(Counter)
    for created, *_, area_name, _, _ in rows:
        area_day_counts[area_name][f"{timezone.localtime(created):%Y-%m-%d}"] += 1
    for created, _, _, _, parent, own, *_ in rows:
        day_counts[f"{timezone.localtime(created):%Y-%m-%d}"][
            parent or own or "Not categorised"
        ] += 1
    days = sorted(day_counts)
    used = Counter(parent or own or "Not categorised" for _, _, _, _, parent, own, *_ in rows)
    categories = [name for name in [*tops, "Not categorised"] if used[name]]
    total = len(rows)
    responses = [(r[0], r[1] or r[2]) for r in rows]
    resolutions = [(r[0], r[2]) for r in rows]
    first_response = [_durations("All priorities", minutes_between(responses))]
    resolution = [_durations("All priorities", minutes_between(resolutions))]
    for value, _label in Priority.choices:
        mine = [r for r in rows if r[3] == value]
        first_response.append(
            _durations(value, minutes_between([(r[0], r[1] or r[2]) for r in mine]))
        )
        resolution.append(_durations(value, minutes_between([(r[0], r[2]) for r in mine])))
    gaps = Counter(
        r[8] or "No course named" for r in rows if r[7] == Ticket.ResolutionType.TRAINING_GAP
    )
    scores = list(
        SatisfactionResponse.objects.filter(ticket__in=tickets).values_list("score", flat=True)
    )
    score_counts = Counter(scores)
    return Analytics(
        total=total,
        days=days,
        categories=categories,
        per_day_by_category={name: [day_counts[day][name] for day in days] for name in categories},
        share_by_category=[
            (name, used[name], used[name] / total)
            for name in sorted(categories, key=lambda n: -used[n])
        ],
        per_area=Counter(r[6] for r in rows).most_common(),
        per_day_by_area=[
            (name, [area_day_counts[name][day] for day in days])
            for name, _ in Counter(r[6] for r in rows).most_common(AREAS_BY_DAY)
        ],
        first_response=first_response,
        resolution=resolution,
        training_gaps_by_course=gaps.most_common(),
        satisfaction_count=len(scores),
        satisfaction_mean=sum(scores) / len(scores) if scores else None,
        satisfaction_by_score=[(score, score_counts[score]) for score in range(5, 0, -1)],
    )


EXPORT_HEADER = (
    "reference",
    "created_at",
    "area",
    "site",
    "category",
    "priority",
    "clinical_safety",
    "status",
    "resolution_type",
    "minutes_to_first_response",
    "minutes_to_resolve",
    "known_issue",
    "course",
    "channel",
    "satisfaction",
    "what_happened",
)


def export_rows(access: Access, go_live: GoLive) -> list[list[object]]:
    """One row per visible ticket. Reporters' names and contact details are left out: the
    export is for analysis, and is shared more widely than the desk."""
    tickets = (
        visible_tickets(access, go_live)
        .select_related("known_issue", "course", "satisfaction")
        .order_by("created_at", "pk")
    )

    def minutes(end: dt.datetime | None, start: dt.datetime) -> object:
        return round((end - start).total_seconds() / 60, 1) if end else ""

    rows: list[list[object]] = []
    for t in tickets:
        satisfaction = getattr(t, "satisfaction", None)
        rows.append(
            [
                t.reference,
                timezone.localtime(t.created_at).strftime("%Y-%m-%d %H:%M"),
                t.area.name,
                t.area.site.name,
                str(t.category) if t.category else "",
                t.priority,
                "yes" if t.is_clinical_safety else "no",
                t.get_status_display(),
                t.get_resolution_type_display() if t.resolution_type else "",
                minutes(t.first_response_at or t.resolved_at, t.created_at),
                minutes(t.resolved_at, t.created_at),
                t.known_issue.title if t.known_issue else "",
                t.course.name if t.course else "",
                t.get_channel_display(),
                satisfaction.score if satisfaction else "",
                t.description,
            ]
        )
    return rows
