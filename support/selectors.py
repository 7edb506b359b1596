"""Read-side queries for the service desk, always scoped by what the user may see: a ticket
is visible to whoever may view its area (a ward manager or champion their areas, the desk
and programme roles the whole programme)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from golive.access import Access, Capability
from golive.models import Area, GoLive
from support.models import Category, KnownIssue, SlaTarget, Ticket, TicketComment
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


def can_triage(access: Access, go_live: GoLive | None) -> bool:
    return go_live is not None and access.has(
        Capability.TRIAGE_TICKETS, programme=go_live.programme
    )


def can_log(access: Access, go_live: GoLive | None) -> bool:
    return go_live is not None and access.has(Capability.LOG_TICKETS, programme=go_live.programme)


def visible_comments(access: Access, ticket: Ticket) -> QuerySet[TicketComment]:
    """Internal notes are for the desk; others see what was written for the reporter."""
    comments = ticket.comments.select_related("author")
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
    )


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
