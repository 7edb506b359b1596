"""Read-side queries for the service desk, always scoped by what the user may see: a ticket
is visible to whoever may view its area (a ward manager or champion their areas, the desk
and programme roles the whole programme)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from golive.access import Access, Capability
from golive.models import Area, GoLive, Role, RoleGrant, User
from support.desk_settings import hours_for
from support.models import Category, Escalation, KnownIssue, SlaTarget, Ticket, TicketComment
from support.sla import SlaStatus, sla_status
from support.suggest import similarity, words

DUPLICATE_LOOKBACK = dt.timedelta(hours=72)
DUPLICATE_MIN_SIMILARITY = 0.25
DUPLICATES_SHOWN = 5


def visible_tickets(access: Access, go_live: GoLive | None = None) -> QuerySet[Ticket]:
    tickets = access.filter_by_area(Ticket.objects.all(), area_field="area")
    if go_live is not None:
        tickets = tickets.filter(go_live=go_live)
    return tickets.select_related("area__site", "category__parent", "assignee", "resolver_group")


def loggable_areas(access: Access, go_live: GoLive) -> list[Area]:
    """Areas of the go-live where this user may log tickets."""
    return list(
        access.areas(Capability.LOG_TICKETS, programme=go_live.programme)
        .filter(go_lives=go_live)
        .order_by("site__name", "name")
    )


def can_triage(access: Access, go_live: GoLive | None) -> bool:
    return go_live is not None and access.has(
        Capability.TRIAGE_TICKETS, programme=go_live.programme
    )


def can_log(access: Access, go_live: GoLive | None) -> bool:
    return go_live is not None and access.has(Capability.LOG_TICKETS, programme=go_live.programme)


def may_see_reporter(access: Access, ticket: Ticket) -> bool:
    """Who reported a ticket and how to reach them is staff data: for the people who log and
    work tickets in that area, not for read-only viewers such as executives."""
    return access.has(Capability.LOG_TICKETS, area=ticket.area) or access.has(
        Capability.TRIAGE_TICKETS, area=ticket.area
    )


def may_read_ticket_text(access: Access, ticket: Ticket) -> bool:
    """What was typed about a ticket (what happened, the resolution note, comments) may name
    patients or staff however well it is scrubbed: like the reporter's details, it is for
    the people who log and work tickets in that area. Read-only viewers such as executives
    see the figures (issue 22, F9)."""
    return may_see_reporter(access, ticket)


def visible_comments(access: Access, ticket: Ticket) -> QuerySet[TicketComment]:
    """Internal notes are for the desk; others see what was written for the reporter, and
    those who may not read ticket text see none."""
    comments = ticket.comments.select_related("author")
    if not may_read_ticket_text(access, ticket):
        return comments.none()
    if not access.has(Capability.TRIAGE_TICKETS, area=ticket.area):
        comments = comments.filter(visibility=TicketComment.Visibility.REPORTER)
    return comments


def sla_targets() -> dict[str, SlaTarget]:
    return {target.priority: target for target in SlaTarget.objects.all()}


def ticket_sla(
    ticket: Ticket, targets: dict[str, SlaTarget], *, now: dt.datetime
) -> SlaStatus | None:
    target = targets.get(ticket.priority)
    if target is None:
        return None
    return sla_status(
        created_at=ticket.created_at,
        first_response_at=ticket.first_response_at,
        resolved_at=ticket.resolved_at,
        first_response_allowance=target.first_response,
        resolve_allowance=target.resolve,
        now=now,
        hours=hours_for(target.clock),
    )


def assignable_users(ticket: Ticket) -> QuerySet[User]:
    """People who may be assigned: desk roles on the ticket's programme covering its area."""
    grants = RoleGrant.objects.filter(
        programme=ticket.go_live.programme,
        role__in=[Role.SERVICE_DESK_AGENT, Role.PROGRAMME_MANAGER, Role.CLINICAL_SAFETY_OFFICER],
    ).prefetch_related("areas")
    ids = [
        grant.user_id
        for grant in grants
        if not grant.areas.all() or ticket.area in grant.areas.all()
    ]
    return User.objects.filter(pk__in=ids, is_active=True).order_by("first_name", "username")


def category_choices() -> QuerySet[Category]:
    return (
        Category.objects.filter(is_active=True)
        .select_related("parent")
        .order_by("parent__position", "parent_id", "position", "name")
    )


def published_workarounds(
    go_live: GoLive, *, category: Category | None = None
) -> QuerySet[KnownIssue]:
    """Open known issues with a published workaround: shown on the quick-log form and tickets.
    With a category, those filed under it or its parent."""
    issues = KnownIssue.objects.filter(
        programme=go_live.programme, is_published=True, status=KnownIssue.Status.OPEN
    ).select_related("category")
    if category is not None:
        top = category.top_level
        issues = issues.filter(Q(category=category) | Q(category=top) | Q(category__parent=top))
    return issues


@dataclass(frozen=True)
class LikelyDuplicate:
    ticket: Ticket
    score: float


def likely_duplicates(
    access: Access,
    go_live: GoLive,
    *,
    area: Area | None,
    category: Category | None,
    text: str,
    now: dt.datetime,
) -> list[LikelyDuplicate]:
    """Open tickets the user may see, logged recently in the same area (and under the same
    top-level category when one is known), whose text is similar to ``text``."""
    if area is None or not words(text):
        return []
    candidates = visible_tickets(access, go_live).filter(
        area=area, status__in=Ticket.OPEN_STATUSES, created_at__gte=now - DUPLICATE_LOOKBACK
    )
    if category is not None:
        top = category.top_level
        candidates = candidates.filter(Q(category=top) | Q(category__parent=top))
    scored = [
        LikelyDuplicate(ticket, similarity(text, ticket.description))
        for ticket in candidates.order_by("-created_at")[:200]
    ]
    matches = [match for match in scored if match.score >= DUPLICATE_MIN_SIMILARITY]
    return sorted(matches, key=lambda m: (-m.score, -m.ticket.pk))[:DUPLICATES_SHOWN]


def clinical_safety_tickets(access: Access, go_live: GoLive) -> QuerySet[Ticket]:
    """Tickets flagged as a clinical safety concern, for the clinical safety officer's review.
    (The hazard log arrives with the readiness work; it will link entries to these tickets.)"""
    return visible_tickets(access, go_live).filter(is_clinical_safety=True)


def training_gaps_by_course(programme_id: int) -> dict[int, int]:
    """Tickets resolved as a training gap, per course id: what the training work reads to
    see which courses leave people stuck. Aggregate counts only, so no scoping is needed
    beyond the programme."""
    rows = (
        Ticket.objects.filter(
            go_live__programme_id=programme_id,
            resolution_type=Ticket.ResolutionType.TRAINING_GAP,
            course__isnull=False,
        )
        .values("course_id")
        .annotate(n=Count("pk"))
    )
    return {row["course_id"]: row["n"] for row in rows}


def visible_escalations(access: Access, go_live: GoLive) -> QuerySet[Escalation]:
    """Escalations about an area or ticket the user may see; those about the whole go-live (a
    category spike) only for users who see every area of it. Summaries quote tickets."""
    areas = access.areas().filter(go_lives=go_live)
    whole = not go_live.areas.exclude(pk__in=areas.values("pk")).exists()
    about_what_they_see = Q(area__in=areas) | Q(ticket__in=visible_tickets(access, go_live))
    if whole:
        about_what_they_see |= Q(area__isnull=True, ticket__isnull=True)
    return Escalation.objects.filter(about_what_they_see, go_live=go_live)
