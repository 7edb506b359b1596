"""Figures for the live board and the analytics page, from tickets the user may see.

The board is computed "as at" a moment (now, or a moment replayed during a past go-live), so
it uses timestamps rather than current status: a ticket is open at ``now`` when it was
created by then and not resolved by then."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from golive.access import Access
from golive.models import GoLive
from support.desk_settings import spike_thresholds
from support.models import Category, Escalation, Priority, SatisfactionResponse, Ticket
from support.selectors import (
    may_read_ticket_text,
    sla_targets,
    ticket_sla,
    visible_escalations,
    visible_tickets,
)
from support.spikes import HOUR, Burst, ShareSpike, bursts, hourly_counts, share_spikes
from support.stats import minutes_between, percentile

BOARD_HOURS = 24
AREAS_BY_DAY = 10
BREACHES_SHOWN = 50


def _top_name(ticket: Ticket) -> str:
    if ticket.category is None:
        return UNCATEGORISED
    return ticket.category.top_level.name


def open_at(tickets: QuerySet[Ticket], now: dt.datetime) -> QuerySet[Ticket]:
    return tickets.filter(created_at__lte=now).filter(
        Q(resolved_at__isnull=True) | Q(resolved_at__gt=now)
    )


@dataclass(frozen=True)
class Alert:
    """A spike or burst on the board, with what escalating it would record, and the
    escalation already made for it in the last hour (so nobody escalates it twice)."""

    title: str
    detail: str
    summary: str
    category_id: int | None = None
    area_id: int | None = None
    escalation: Escalation | None = None


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
    alerts: list[Alert]
    breached_total: int
    breached: list[Ticket]  # the longest-waiting, at most BREACHES_SHOWN
    escalations: list[Escalation] = field(default_factory=list)


UNCATEGORISED = "Not categorised"


def _usual(burst: Burst) -> str:
    if burst.baseline_per_window:
        return f"against about {burst.baseline_per_window:.1f} an hour over the day before."
    return "and none in the day before."


def _alerts(
    spikes: list[ShareSpike],
    category_bursts: list[Burst],
    area_bursts: list[Burst],
    *,
    category_ids: dict[str, int],
    area_names: dict[str, str],
    recent_escalations: list[Escalation],
) -> list[Alert]:
    def escalated(category_id: int | None, area_id: int | None) -> Escalation | None:
        for escalation in recent_escalations:
            if (category_id and escalation.category_id == category_id) or (
                area_id and escalation.area_id == area_id
            ):
                return escalation
        return None

    alerts = []
    for spike in spikes:
        share = round(100 * spike.share)
        category_id = category_ids.get(spike.key)
        alerts.append(
            Alert(
                title=f"Spike: {spike.key}",
                detail=f"{spike.count} of the last hour's {spike.total} tickets ({share}%) "
                f"are {spike.key}.",
                summary=f"{spike.key}: {spike.count} of {spike.total} tickets in the last hour",
                category_id=category_id,
                escalation=escalated(category_id, None),
            )
        )
    for burst in category_bursts:
        category_id = category_ids.get(burst.key)
        alerts.append(
            Alert(
                title=f"Rising: {burst.key}",
                detail=f"{burst.count} {burst.key} tickets in the last hour, " + _usual(burst),
                summary=f"{burst.key}: {burst.count} tickets in the last hour",
                category_id=category_id,
                escalation=escalated(category_id, None),
            )
        )
    for burst in area_bursts:
        name = area_names[burst.key]
        alerts.append(
            Alert(
                title=f"Burst: {name}",
                detail=f"{burst.count} tickets in the last hour, {_usual(burst)}",
                summary=f"{name}: {burst.count} tickets in the last hour",
                area_id=int(burst.key),
                escalation=escalated(None, int(burst.key)),
            )
        )
    return alerts


def live_board(access: Access, go_live: GoLive, *, now: dt.datetime) -> Board:
    tickets = visible_tickets(access, go_live)
    open_tickets = list(open_at(tickets, now))
    window_start = now - HOUR * BOARD_HOURS
    recent = list(
        # Two days: the board's day plus the day before it, the bursts' baseline.
        tickets.filter(created_at__gt=window_start - HOUR * 24, created_at__lte=now)
        .values_list(
            "created_at",
            "category__parent__name",
            "category__name",
            "category__parent_id",
            "category_id",
            "area_id",
            "area__name",
        )
        .order_by("created_at")
    )
    by_category_arrivals = [(row[0], row[1] or row[2] or UNCATEGORISED) for row in recent]
    category_ids = {row[1] or row[2]: row[3] or row[4] for row in recent if row[4]}
    # Keyed by id: two sites may each have a "Ward 1".
    by_area_arrivals = [(row[0], str(row[5])) for row in recent]
    area_names = {str(row[5]): row[6] for row in recent}
    start = now.replace(minute=0, second=0, microsecond=0) - HOUR * (BOARD_HOURS - 1)
    local = timezone.localtime
    targets = sla_targets()
    breached = [
        ticket
        for ticket in open_tickets
        if (status := ticket_sla(ticket, targets, now=now)) is not None and status.is_overdue
    ]
    escalations = list(
        visible_escalations(access, go_live)
        .filter(escalated_at__lte=now)
        .select_related("escalated_by", "category", "area")
        .order_by("-escalated_at")[:20]
    )
    limits = spike_thresholds()
    spikes = share_spikes(
        by_category_arrivals, now=now, threshold=limits.share, min_count=limits.min_tickets
    )
    area_bursts = bursts(
        by_area_arrivals,
        now=now,
        factor=limits.burst_factor,
        min_count=limits.burst_min_tickets,
    )
    # A category rising fast but not (yet) above the share threshold.
    spiking = {spike.key for spike in spikes}
    category_bursts = [
        burst
        for burst in bursts(
            by_category_arrivals,
            now=now,
            factor=limits.burst_factor,
            min_count=limits.burst_min_tickets,
        )
        if burst.key not in spiking
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
        category_spikes=spikes,
        area_bursts=area_bursts,
        alerts=_alerts(
            spikes,
            category_bursts,
            area_bursts,
            category_ids=category_ids,
            area_names=area_names,
            recent_escalations=[e for e in escalations if e.escalated_at > now - HOUR],
        ),
        breached_total=len(breached),
        breached=sorted(breached, key=lambda t: t.created_at)[:BREACHES_SHOWN],
        escalations=escalations[:5],
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


@dataclass(frozen=True)
class _Row:
    """One ticket, as the analytics need it."""

    day: str  # local date, YYYY-MM-DD
    created_at: dt.datetime
    responded_at: dt.datetime | None  # resolving also answers a ticket
    resolved_at: dt.datetime | None
    priority: str
    category: str  # top-level name
    area: str
    resolution_type: str
    course: str | None


def _rows(tickets: QuerySet[Ticket]) -> list[_Row]:
    fields = (
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
    return [
        _Row(
            day=f"{timezone.localtime(created):%Y-%m-%d}",
            created_at=created,
            responded_at=responded or resolved,
            resolved_at=resolved,
            priority=priority,
            category=parent or own or UNCATEGORISED,
            area=area,
            resolution_type=resolution_type,
            course=course,
        )
        for created, responded, resolved, priority, parent, own, area, resolution_type, course in (
            tickets.values_list(*fields)
        )
    ]


def _time_to(rows: list[_Row]) -> tuple[list[Durations], list[Durations]]:
    """Time to first response and to resolve: all priorities, then each priority."""
    groups = [("All priorities", rows)] + [
        (value, [r for r in rows if r.priority == value]) for value in Priority.values
    ]
    return (
        [
            _durations(label, minutes_between([(r.created_at, r.responded_at) for r in group]))
            for label, group in groups
        ],
        [
            _durations(label, minutes_between([(r.created_at, r.resolved_at) for r in group]))
            for label, group in groups
        ],
    )


def analytics(access: Access, go_live: GoLive) -> Analytics:
    tickets = visible_tickets(access, go_live)
    rows = _rows(tickets)
    days = sorted({r.day for r in rows})
    by_category = Counter(r.category for r in rows)
    by_area = Counter(r.area for r in rows)
    category_days = Counter((r.category, r.day) for r in rows)
    area_days = Counter((r.area, r.day) for r in rows)
    tops = Category.objects.filter(parent__isnull=True).values_list("name", flat=True)
    categories = [name for name in [*tops, UNCATEGORISED] if by_category[name]]
    first_response, resolution = _time_to(rows)
    gaps = Counter(
        r.course or "No course named"
        for r in rows
        if r.resolution_type == Ticket.ResolutionType.TRAINING_GAP
    )
    scores = list(
        SatisfactionResponse.objects.filter(ticket__in=tickets).values_list("score", flat=True)
    )
    return Analytics(
        total=len(rows),
        days=days,
        categories=categories,
        per_day_by_category={
            name: [category_days[name, day] for day in days] for name in categories
        },
        share_by_category=[
            (name, count, count / len(rows)) for name, count in by_category.most_common()
        ],
        per_area=by_area.most_common(),
        per_day_by_area=[
            (name, [area_days[name, day] for day in days])
            for name, _ in by_area.most_common(AREAS_BY_DAY)
        ],
        first_response=first_response,
        resolution=resolution,
        training_gaps_by_course=gaps.most_common(),
        satisfaction_count=len(scores),
        satisfaction_mean=sum(scores) / len(scores) if scores else None,
        satisfaction_by_score=[(score, scores.count(score)) for score in range(5, 0, -1)],
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
    export is for analysis, and is shared more widely than the desk. What happened is
    included only for tickets whose text the reader may read (``may_read_ticket_text``:
    not for executives)."""
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
                t.description if may_read_ticket_text(access, t) else "",
            ]
        )
    return rows
