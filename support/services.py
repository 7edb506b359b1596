"""Writes for the service desk: one function per use case. Each checks what the user may do
(through ``Access``), validates, and writes in one transaction. ``ValidationError`` carries a
stable code; ``PermissionDenied`` means the user may not do this at all."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from golive.access import Access, Capability
from golive.identifiers import keyed_hash
from golive.models import Area, GoLive, Programme, User
from golive.refusals import Conflict
from support import notices
from support.models import (
    Category,
    Escalation,
    KnownIssue,
    Priority,
    ResolverGroup,
    SatisfactionResponse,
    Ticket,
    TicketComment,
)
from support.suggest import suggest_category
from training.models import Course

S = Ticket.Status
# Where a ticket may go next. Resolving needs a resolution type; closing needs resolving first.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.TRIAGED, S.IN_PROGRESS, S.AWAITING_REPORTER, S.RESOLVED}),
    S.TRIAGED: frozenset({S.IN_PROGRESS, S.AWAITING_REPORTER, S.RESOLVED}),
    S.IN_PROGRESS: frozenset({S.TRIAGED, S.AWAITING_REPORTER, S.RESOLVED}),
    S.AWAITING_REPORTER: frozenset({S.IN_PROGRESS, S.RESOLVED}),
    S.RESOLVED: frozenset({S.IN_PROGRESS, S.CLOSED}),
    S.CLOSED: frozenset(),
}


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _require_triage(user: User, ticket: Ticket) -> None:
    if not Access(user).has(Capability.TRIAGE_TICKETS, area=ticket.area):
        raise PermissionDenied("You may not triage tickets for this area.")


def _locked(ticket: Ticket) -> Ticket:
    """The ticket's row, locked for this transaction, so concurrent changes queue up."""
    return Ticket.objects.select_for_update().select_related("area__site").get(pk=ticket.pk)


def _mark_responded(ticket: Ticket, now: dt.datetime) -> list[str]:
    if ticket.first_response_at is None:
        ticket.first_response_at = max(now, ticket.created_at)
        return ["first_response_at"]
    return []


@transaction.atomic
def log_ticket(
    *,
    user: User,
    go_live: GoLive,
    area: Area,
    reporter_name: str,
    reporter_contact: str,
    description: str,
    channel: str = Ticket.Channel.QUICK_LOG,
    external_reference: str = "",
    now: dt.datetime | None = None,
) -> Ticket:
    """Log a ticket through the front door: three facts, nothing else demanded. The category
    the text suggests is recorded as a suggestion (and as the category until triage);
    NHS numbers typed into any of the fields are removed before anything is stored."""
    access = Access(user)
    if not access.has(Capability.LOG_TICKETS, area=area, programme=go_live.programme):
        raise PermissionDenied("You may not log tickets for this area.")
    if not go_live.areas.filter(pk=area.pk).exists():
        raise ValidationError(
            {
                "area": ValidationError(
                    f"{area.name} is not part of {go_live.name}.", "area_not_in_go_live"
                )
            }
        )
    description = description.strip()
    suggestion = suggest_category(description)
    suggested = (
        Category.objects.filter(slug=suggestion.category_slug, is_active=True).first()
        if suggestion
        else None
    )
    ticket = Ticket(
        go_live=go_live,
        area=area,
        reporter_name=reporter_name.strip(),
        reporter_contact=reporter_contact.strip(),
        description=description,
        suggested_category=suggested,
        category=suggested,
        channel=channel,
        external_reference=external_reference.strip(),
        external_reference_key=external_reference_key(external_reference),
        logged_by=user,
        created_at=_now(now),
    )
    # The external reference's uniqueness is the database's to decide (see receive_ticket).
    ticket.full_clean(validate_constraints=False)
    ticket.save()
    return ticket


def external_reference_key(reference: str) -> str:
    """What a sending system's reference is matched on: a keyed hash of it as sent (stripped),
    never the stored, scrubbed text. Blank for no reference."""
    reference = reference.strip()
    return keyed_hash(reference, key=settings.PSEUDONYMISATION_KEY) if reference else ""


def receive_ticket(
    *,
    user: User,
    go_live: GoLive,
    area: Area,
    reporter_name: str,
    reporter_contact: str,
    description: str,
    external_reference: str,
) -> tuple[Ticket, bool]:
    """A ticket from another system (a phone system, another desk). Deliveries with the same
    ``external_reference`` for the area make one ticket, even when retries arrive at once:
    returns the ticket and whether this call created it."""
    if not Access(user).has(Capability.LOG_TICKETS, area=area, programme=go_live.programme):
        raise PermissionDenied("You may not log tickets for this area.")
    reference = external_reference.strip()
    key = external_reference_key(reference)
    earlier = Ticket.objects.filter(area=area, external_reference_key=key).first()
    if key and earlier is not None:
        return earlier, False
    try:
        with transaction.atomic():
            ticket = log_ticket(
                user=user,
                go_live=go_live,
                area=area,
                reporter_name=reporter_name,
                reporter_contact=reporter_contact,
                description=description,
                channel=Ticket.Channel.API,
                external_reference=reference,
            )
    except IntegrityError:
        if not reference:
            raise
        # Another delivery of the same ticket committed first.
        return Ticket.objects.get(area=area, external_reference_key=key), False
    return ticket, True


@transaction.atomic
def triage_ticket(
    *,
    ticket: Ticket,
    user: User,
    category: Category | None,
    priority: str,
    resolver_group: ResolverGroup | None,
    assignee: User | None,
    is_clinical_safety: bool,
    now: dt.datetime | None = None,
) -> Ticket:
    """Set the triage fields. A new ticket becomes triaged, and triage is its first response.
    The assignee must be able to triage tickets for the ticket's area. Flagging a clinical
    safety concern notifies the programme's clinical safety officers (board and e-mail)."""
    _require_triage(user, ticket)
    ticket = _locked(ticket)
    if not ticket.is_open:
        raise Conflict("Only an open ticket can be triaged.", "ticket_not_open")
    if priority not in Priority.values:
        raise ValidationError({"priority": ValidationError("Choose a priority.", "invalid")})
    if assignee is not None and not Access(assignee).has(
        Capability.TRIAGE_TICKETS, area=ticket.area
    ):
        raise ValidationError(
            {
                "assignee": ValidationError(
                    f"{assignee.display_name} cannot work tickets for {ticket.area.name}.",
                    "assignee_not_desk",
                )
            }
        )
    newly_flagged = is_clinical_safety and not ticket.is_clinical_safety
    ticket.category = category
    ticket.priority = priority
    ticket.resolver_group = resolver_group
    ticket.assignee = assignee
    ticket.is_clinical_safety = is_clinical_safety
    fields = ["category", "priority", "resolver_group", "assignee", "is_clinical_safety"]
    if ticket.status == S.NEW:
        ticket.status = S.TRIAGED
        fields.append("status")
    fields += _mark_responded(ticket, _now(now))
    ticket.save(update_fields=fields)
    if newly_flagged:
        notices.notify_clinical_safety(ticket, flagged_by=user)
    return ticket


@transaction.atomic
def claim_ticket(*, ticket: Ticket, user: User, now: dt.datetime | None = None) -> Ticket:
    """Take an unassigned open ticket. Two agents claiming at once: the row lock makes the
    second wait, then see the first's claim and get ``already_claimed``."""
    _require_triage(user, ticket)
    ticket = _locked(ticket)
    if not ticket.is_open:
        raise Conflict("This ticket is no longer open.", "ticket_not_open")
    if ticket.assignee is not None:
        if ticket.assignee.pk == user.pk:
            return ticket
        raise Conflict(
            f"{ticket.assignee.display_name} has already claimed this ticket.", "already_claimed"
        )
    ticket.assignee = user
    fields = ["assignee", *_mark_responded(ticket, _now(now))]
    if ticket.status in {S.NEW, S.TRIAGED}:
        ticket.status = S.IN_PROGRESS
        fields.append("status")
    ticket.save(update_fields=fields)
    return ticket


@transaction.atomic
def change_status(
    *,
    ticket: Ticket,
    user: User,
    status: str,
    resolution_type: str = "",
    resolution_note: str = "",
    course: Course | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Move a ticket along the workflow (see ``TRANSITIONS``). Resolving needs a resolution
    type and stamps the time; reopening clears both; closing needs a resolved ticket. A
    training gap may name the programme's course that should have covered it (this feeds
    the training work's view of gaps per course)."""
    _require_triage(user, ticket)
    ticket = _locked(ticket)
    also: list[str] = []
    if course is not None:
        _check_course(ticket, course, status, resolution_type)
        ticket.course = course
        also.append("course")
    _apply_status(ticket, status, resolution_type, resolution_note, _now(now), also=also)
    return ticket


def _check_course(ticket: Ticket, course: Course, status: str, resolution_type: str) -> None:
    if status != S.RESOLVED or resolution_type != Ticket.ResolutionType.TRAINING_GAP:
        raise ValidationError(
            {
                "course": ValidationError(
                    "Name a course only for a training gap.", "not_training_gap"
                )
            }
        )
    if course.programme_id != ticket.go_live.programme_id:
        raise ValidationError(
            {
                "course": ValidationError(
                    "That course belongs to another programme.", "wrong_programme"
                )
            }
        )


def _apply_status(
    ticket: Ticket,
    status: str,
    resolution_type: str,
    resolution_note: str,
    now: dt.datetime,
    *,
    also: list[str] | None = None,
) -> None:
    """Validate and apply one transition, saving the changed fields (and ``also``) at once,
    so the ticket's history has one entry per change."""
    if status not in TRANSITIONS.get(ticket.status, frozenset()):
        current = ticket.get_status_display()
        target = dict(S.choices).get(status, status)
        raise ValidationError(
            {
                "status": ValidationError(
                    f"A ticket that is {current.lower()} cannot become {str(target).lower()}.",
                    "invalid_transition",
                )
            }
        )
    fields = ["status", *(also or [])]
    if status == S.RESOLVED:
        if resolution_type not in Ticket.ResolutionType.values:
            raise ValidationError(
                {
                    "resolution_type": ValidationError(
                        "Choose how the ticket was resolved.", "resolution_type_required"
                    )
                }
            )
        ticket.resolution_type = resolution_type
        ticket.resolution_note = resolution_note.strip()
        ticket.resolved_at = max(now, ticket.created_at)
        fields += ["resolution_type", "resolution_note", "resolved_at"]
        fields += _mark_responded(ticket, now)
    elif status == S.CLOSED:
        ticket.closed_at = now
        fields.append("closed_at")
    elif ticket.status == S.RESOLVED:  # reopened
        ticket.resolution_type = ""
        ticket.resolved_at = None
        fields += ["resolution_type", "resolved_at"]
    if status in {S.IN_PROGRESS, S.AWAITING_REPORTER}:
        fields += _mark_responded(ticket, now)
    ticket.status = status
    ticket.save(update_fields=fields)


@transaction.atomic
def add_comment(
    *, ticket: Ticket, user: User, body: str, visibility: str, now: dt.datetime | None = None
) -> TicketComment:
    """Comment on a ticket. Internal notes and replies to the reporter are desk work; anyone
    who may log tickets for the area may add a note for the reporter's side (e.g. a champion
    adding detail). A reply to the reporter counts as the first response."""
    access = Access(user)
    can_triage = access.has(Capability.TRIAGE_TICKETS, area=ticket.area)
    if not (can_triage or access.has(Capability.LOG_TICKETS, area=ticket.area)):
        raise PermissionDenied("You may not comment on this ticket.")
    if visibility not in TicketComment.Visibility.values:
        raise ValidationError({"visibility": ValidationError("Choose who sees this.", "invalid")})
    if visibility == TicketComment.Visibility.INTERNAL and not can_triage:
        raise ValidationError(
            {
                "visibility": ValidationError(
                    "Only the desk may add internal notes.", "internal_desk_only"
                )
            }
        )
    body = body.strip()
    if not body:
        raise ValidationError({"body": ValidationError("Enter a comment.", "required")})
    moment = _now(now)
    comment = TicketComment.objects.create(
        ticket=ticket, author=user, body=body, visibility=visibility, created_at=moment
    )
    if can_triage and visibility == TicketComment.Visibility.REPORTER:
        locked = _locked(ticket)
        fields = _mark_responded(locked, moment)
        if fields:
            locked.save(update_fields=fields)
    return comment


# Known issues.


def _require_known_issue_rights(user: User, programme: Programme) -> None:
    # A known issue's children (and fixing it resolves them) can be in any area, so only a
    # desk that triages for the whole programme manages them.
    if not Access(user).has_programme_wide(Capability.TRIAGE_TICKETS, programme):
        raise PermissionDenied("Only the programme's service desk manages known issues.")


@transaction.atomic
def create_known_issue(
    *,
    user: User,
    go_live: GoLive,
    title: str,
    description: str,
    workaround: str,
    category: Category | None,
    is_published: bool,
    now: dt.datetime | None = None,
) -> KnownIssue:
    """Open a known issue for the go-live's programme. Publishing needs a workaround."""
    _require_known_issue_rights(user, go_live.programme)
    issue = KnownIssue(
        programme=go_live.programme,
        title=title.strip(),
        description=description.strip(),
        workaround=workaround.strip(),
        category=category,
        is_published=is_published,
        created_by=user,
        created_at=_now(now),
    )
    if issue.is_published and not issue.workaround:
        raise ValidationError(
            {
                "workaround": ValidationError(
                    "Write the workaround before publishing it.", "workaround_required"
                )
            }
        )
    issue.full_clean()
    issue.save()
    return issue


@transaction.atomic
def update_known_issue(
    *,
    known_issue: KnownIssue,
    user: User,
    title: str,
    description: str,
    workaround: str,
    category: Category | None,
    is_published: bool,
) -> KnownIssue:
    """Edit a known issue, e.g. to publish its workaround once one is found."""
    issue = (
        KnownIssue.objects.select_for_update().select_related("programme").get(pk=known_issue.pk)
    )
    _require_known_issue_rights(user, issue.programme)
    issue.title = title.strip()
    issue.description = description.strip()
    issue.workaround = workaround.strip()
    issue.category = category
    issue.is_published = is_published
    if issue.is_published and not issue.workaround:
        raise ValidationError(
            {
                "workaround": ValidationError(
                    "Write the workaround before publishing it.", "workaround_required"
                )
            }
        )
    issue.full_clean()
    issue.save(update_fields=["title", "description", "workaround", "category", "is_published"])
    return issue


@transaction.atomic
def link_to_known_issue(*, ticket: Ticket, user: User, known_issue: KnownIssue | None) -> Ticket:
    """Make the ticket a child of ``known_issue`` (or unlink it with None). The parent's row
    is locked first (the order ``fix_known_issue`` takes them in): a link that raced a fix
    either lands before it, and is resolved with the other children, or sees the issue
    fixed and is refused, so no open ticket is left under a fixed parent."""
    _require_triage(user, ticket)
    if known_issue is not None:
        known_issue = KnownIssue.objects.select_for_update().get(pk=known_issue.pk)
    ticket = _locked(ticket)
    if known_issue is not None:
        if known_issue.programme_id != ticket.go_live.programme_id:
            raise ValidationError(
                {
                    "known_issue": ValidationError(
                        "That known issue belongs to another programme.", "wrong_programme"
                    )
                }
            )
        if known_issue.status != KnownIssue.Status.OPEN:
            raise ValidationError(
                {
                    "known_issue": ValidationError(
                        f"“{known_issue.title}” has already been fixed, so tickets can no "
                        "longer be linked to it. If the problem is back, open a new known "
                        "issue.",
                        "known_issue_fixed",
                    )
                }
            )
    ticket.known_issue = known_issue
    ticket.save(update_fields=["known_issue"])
    return ticket


@transaction.atomic
def fix_known_issue(
    *, known_issue: KnownIssue, user: User, note: str = "", now: dt.datetime | None = None
) -> int:
    """Close the parent as fixed and resolve its open children as defects (each child keeps
    its own history). Returns how many children were resolved. Fixing twice is refused."""
    issue = (
        KnownIssue.objects.select_for_update().select_related("programme").get(pk=known_issue.pk)
    )
    _require_known_issue_rights(user, issue.programme)
    if issue.status != KnownIssue.Status.OPEN:
        raise Conflict("This known issue is already fixed.", "known_issue_fixed")
    moment = _now(now)
    issue.status = KnownIssue.Status.FIXED
    issue.fixed_at = moment
    issue.fixed_by = user
    issue.save(update_fields=["status", "fixed_at", "fixed_by"])
    resolution = note.strip() or f"Fixed with known issue: {issue.title}"
    children = Ticket.objects.select_for_update().filter(
        known_issue=issue, status__in=Ticket.OPEN_STATUSES
    )
    resolved = 0
    for child in children:
        _apply_status(child, S.RESOLVED, Ticket.ResolutionType.DEFECT, resolution, moment)
        resolved += 1
    return resolved


# Escalation and satisfaction.


@transaction.atomic
def escalate(
    *,
    user: User,
    go_live: GoLive,
    summary: str,
    level: str = Escalation.Level.SILVER,
    ticket: Ticket | None = None,
    category: Category | None = None,
    area: Area | None = None,
    now: dt.datetime | None = None,
) -> Escalation:
    """Record a raise to the command cell (who, when, which level, about what). The leads
    of the go-live's command cells at that level get a notice on the board and an e-mail
    (queued after the commit)."""
    if not Access(user).has(Capability.TRIAGE_TICKETS, programme=go_live.programme):
        raise PermissionDenied("Only the service desk escalates.")
    if level not in Escalation.Level.values:
        raise ValidationError({"level": ValidationError("Choose silver or gold.", "invalid")})
    escalation = Escalation.objects.create(
        go_live=go_live,
        level=level,
        summary=summary.strip(),  # the field scrubs, then cuts to its length
        ticket=ticket,
        category=category,
        area=area,
        escalated_by=user,
        escalated_at=_now(now),
    )
    notices.notify_escalation(escalation)
    return escalation


@transaction.atomic
def record_satisfaction(
    *, ticket: Ticket, score: int, comment: str = "", now: dt.datetime | None = None
) -> SatisfactionResponse:
    """The reporter's rating, through the signed link (no account). One per ticket: a second
    answer is refused, even when two arrive at once (the one-to-one key decides)."""
    if ticket.status not in {S.RESOLVED, S.CLOSED}:
        raise Conflict("This ticket has not been resolved yet.", "not_resolved")
    if not 1 <= score <= 5:
        raise ValidationError({"score": ValidationError("Choose a score from 1 to 5.", "invalid")})
    already = Conflict("Thank you: this ticket has already been rated.", "already_rated")
    if SatisfactionResponse.objects.filter(ticket=ticket).exists():
        raise already
    try:
        with transaction.atomic():
            return SatisfactionResponse.objects.create(
                ticket=ticket,
                score=score,
                comment=comment.strip(),
                created_at=_now(now),
            )
    except IntegrityError:
        raise already from None
