"""Use cases that change training data. Each checks the caller's capability through
``Access`` and raises ``ValidationError`` with a code for bad input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from golive.access import Access, Capability
from golive.celery import delay_after_commit
from golive.models import Area, GoLive, Programme, StaffMember, User
from training import alerts, selectors, signals, tasks
from training.models import (
    Booking,
    Completion,
    ConfidenceResponse,
    Course,
    Requirement,
    ScopeChange,
    TrainingAlert,
    TrainingPlan,
    TrajectoryPoint,
)

C = Capability


def _queue_alert_refresh(go_live: GoLive) -> None:
    """Re-check the go-live's alerts once this change is committed (a broker outage only
    delays the check until the periodic refresh)."""
    delay_after_commit(tasks.refresh_training_alerts, go_live.pk)


def _announce_completions_changed() -> None:
    """Run after commit. A named function, not a ``partial``: Django's log line for a failing
    robust hook reads ``__qualname__``, which a ``partial`` lacks."""
    signals.completions_changed.send(sender=Completion)


PROGRAMME_WIDE_ONLY = "Only a programme-wide training lead may change this."


def _require(access: Access, capability: Capability, programme: Programme) -> None:
    """Courses, requirements, the plan and the scope apply to every area of the programme,
    so a grant limited to some areas (an area training lead) may not change them."""
    if not access.has_programme_wide(capability, programme):
        raise PermissionDenied(PROGRAMME_WIDE_ONLY)


@transaction.atomic
def save_course(
    *,
    access: Access,
    programme: Programme,
    code: str,
    name: str,
    delivery: str,
    duration_minutes: int,
    epr_role: str = "",
    course: Course | None = None,
) -> Course:
    """Create a course, or change ``course``. Codes are unique in a programme, ignoring case,
    since LMS exports write them either way."""
    _require(access, C.MANAGE_TRAINING, programme)
    clash = Course.objects.filter(programme=programme, code__iexact=code)
    if course is not None:
        clash = clash.exclude(pk=course.pk)
    if clash.exists():
        raise ValidationError(
            {"code": ValidationError(f"There is already a course {code}.", "duplicate_code")}
        )
    course = course or Course(programme=programme)
    course.code, course.name, course.delivery = code, name, delivery
    course.duration_minutes, course.epr_role = duration_minutes, epr_role
    course.full_clean(validate_unique=False)
    course.save()
    return course


@transaction.atomic
def set_requirement(
    *, access: Access, go_live: GoLive, course: Course, role_groups: Sequence[str], due_on: dt.date
) -> list[Requirement]:
    """Require ``course`` of each role group for ``go_live`` by ``due_on`` (an existing
    requirement has its date changed). Idempotent."""
    _require(access, C.MANAGE_TRAINING, go_live.programme)
    if course.programme_id != go_live.programme_id:
        raise ValidationError("That course belongs to another programme.", "wrong_programme")
    if due_on > go_live.user_go_live_date:
        raise ValidationError(
            {"due_on": ValidationError("Set a date on or before the user go-live.", "too_late")}
        )
    saved = []
    for group in role_groups:
        requirement, created = Requirement.objects.get_or_create(
            go_live=go_live, course=course, role_group=group, defaults={"due_on": due_on}
        )
        if not created and requirement.due_on != due_on:
            requirement.due_on = due_on
            requirement.save(update_fields=["due_on"])
        saved.append(requirement)
    _queue_alert_refresh(go_live)
    return saved


@transaction.atomic
def remove_requirement(*, access: Access, requirement: Requirement) -> None:
    _require(access, C.MANAGE_TRAINING, requirement.go_live.programme)
    requirement.delete()


def staff_in_reach(access: Access, go_live: GoLive) -> QuerySet[StaffMember]:
    """Staff in the go-live's scope as this user sees it, working in an area where the user
    may record completions: whom a register (or booking) may name."""
    scope = selectors.scope_for(access, go_live)
    allowed_areas = access.areas(C.RECORD_COMPLETIONS, programme=go_live.programme)
    return selectors.staff_in_scope(scope).filter(
        pk__in=StaffMember.objects.filter(areas__in=allowed_areas).values("pk")
    )


def _check_staff_in_reach(
    access: Access, go_live: GoLive, staff_ids: Sequence[int]
) -> list[StaffMember]:
    """The named people, if each is in the go-live's scope as this user sees it and the user
    may record completions for one of their areas; otherwise refuse the whole register."""
    if not staff_ids:
        raise ValidationError({"staff": ValidationError("Tick at least one person.", "required")})
    found = list(staff_in_reach(access, go_live).filter(pk__in=staff_ids))
    if len(found) != len(set(staff_ids)):
        raise PermissionDenied("You may only record training for staff in your areas.")
    return found


@transaction.atomic
def record_completions(
    *,
    access: Access,
    user: User,
    go_live: GoLive,
    course: Course,
    completed_on: dt.date,
    staff_ids: Sequence[int],
) -> tuple[int, int]:
    """A classroom register: everyone ticked completed ``course`` on ``completed_on``.
    Keeps the latest date per person and course, as imports do, and clears their booking.
    Returns (recorded, already recorded on that date or later)."""
    if course.programme_id != go_live.programme_id:
        raise ValidationError("That course belongs to another programme.", "wrong_programme")
    if completed_on > timezone.localdate():
        raise ValidationError(
            {"completed_on": ValidationError("The date cannot be in the future.", "future")}
        )
    staff = _check_staff_in_reach(access, go_live, staff_ids)
    # Two registers ticking the same person at once: lock their rows (in a fixed order, so
    # no deadlock) so the second sees the first's completion instead of a duplicate key.
    list(StaffMember.objects.select_for_update().filter(pk__in=staff_ids).order_by("pk"))
    existing = {
        row.staff_id: row
        for row in Completion.objects.filter(course=course, staff__in=staff).select_for_update()
    }
    new, changed = [], []
    for member in staff:
        row = existing.get(member.pk)
        if row is None:
            new.append(
                Completion(staff=member, course=course, completed_on=completed_on, recorded_by=user)
            )
        elif completed_on > row.completed_on:
            row.completed_on, row.recorded_by, row.batch = completed_on, user, None
            changed.append(row)
    bulk_create_with_history(new, Completion, default_user=user)
    bulk_update_with_history(
        changed, Completion, ["completed_on", "recorded_by", "batch"], default_user=user
    )
    Booking.objects.filter(course=course, staff__in=staff).delete()
    _queue_alert_refresh(go_live)
    if new or changed:
        transaction.on_commit(_announce_completions_changed, robust=True)
    return len(new) + len(changed), len(staff) - len(new) - len(changed)


@transaction.atomic
def book_staff(
    *,
    access: Access,
    user: User,
    go_live: GoLive,
    course: Course,
    session_on: dt.date,
    staff_ids: Sequence[int],
) -> int:
    """Book the ticked people on a session of ``course`` (replacing an earlier booking)."""
    if course.programme_id != go_live.programme_id:
        raise ValidationError("That course belongs to another programme.", "wrong_programme")
    if session_on < timezone.localdate():
        raise ValidationError(
            {"session_on": ValidationError("A session to book must be today or later.", "past")}
        )
    staff = _check_staff_in_reach(access, go_live, staff_ids)
    for member in staff:
        Booking.objects.update_or_create(
            staff=member, course=course, defaults={"session_on": session_on, "booked_by": user}
        )
    return len(staff)


@transaction.atomic
def save_plan(
    *,
    access: Access,
    go_live: GoLive,
    target_percent: int,
    alert_margin_points: int,
    cut_off_on: dt.date | None,
    new_starter_days: int,
    points: Sequence[tuple[dt.date, Decimal]],
) -> TrainingPlan:
    """Save the go-live's targets and replace its planned trajectory. The plan must not go
    down over time and must end by go-live."""
    _require(access, C.MANAGE_TRAINING, go_live.programme)
    if any(not Decimal(value).is_finite() or not 0 <= value <= 100 for _, value in points):
        raise ValidationError(
            {"points": ValidationError("Each planned % must be between 0 and 100.", "range")}
        )
    ordered = sorted(points)
    for (day, value), (_, earlier) in zip(ordered[1:], ordered, strict=False):
        if value < earlier:
            raise ValidationError(
                {"points": ValidationError(f"The plan goes down on {day:%d %B %Y}.", "decreasing")}
            )
    if len({day for day, _ in ordered}) != len(ordered):
        raise ValidationError({"points": ValidationError("Each date once only.", "duplicate")})
    if ordered and ordered[-1][0] > go_live.user_go_live_date:
        raise ValidationError(
            {"points": ValidationError("The plan must end by the user go-live.", "too_late")}
        )
    plan, _ = TrainingPlan.objects.get_or_create(go_live=go_live)
    plan.target_percent, plan.alert_margin_points = target_percent, alert_margin_points
    plan.cut_off_on, plan.new_starter_days = cut_off_on, new_starter_days
    plan.full_clean()
    plan.save()
    TrajectoryPoint.objects.filter(go_live=go_live).delete()
    bulk_create_with_history(
        [
            TrajectoryPoint(go_live=go_live, on_date=day, planned_percent=value)
            for day, value in ordered
        ],
        TrajectoryPoint,
        default_user=access.user if access.is_authenticated else None,
    )
    _queue_alert_refresh(go_live)
    return plan


@transaction.atomic
def change_scope(
    *, access: Access, user: User, go_live: GoLive, staff: StaffMember, kind: str, reason: str
) -> ScopeChange:
    """Add a person to the go-live's training scope, or exclude one, with a reason (NHS
    numbers typed into it are removed). Replaces an earlier change for that person;
    re-checks the alerts, since the population changed."""
    _require(access, C.MANAGE_TRAINING, go_live.programme)
    if staff.organisation_id != go_live.programme.organisation_id:
        raise ValidationError({"staff": ValidationError("Not on this trust's staff.", "trust")})
    if kind not in ScopeChange.Kind.values:
        raise ValidationError({"kind": ValidationError("Add or exclude.", "invalid_choice")})
    if not reason.strip():
        raise ValidationError({"reason": ValidationError("Give a reason.", "required")})
    change, _ = ScopeChange.objects.update_or_create(
        go_live=go_live,
        staff=staff,
        defaults={"kind": kind, "reason": reason, "changed_by": user},
    )
    _queue_alert_refresh(go_live)
    return change


@transaction.atomic
def undo_scope_change(*, access: Access, change: ScopeChange) -> None:
    _require(access, C.MANAGE_TRAINING, change.go_live.programme)
    change.delete()
    _queue_alert_refresh(change.go_live)


def refresh_alerts(*, go_live_id: int, today: dt.date) -> list[TrainingAlert]:
    """Re-check the go-live's alerts now (``alerts.refresh_alerts``), e-mailing the training
    leads, by a task after the commit, of each alert raised or escalated."""
    return alerts.refresh_alerts(
        go_live_id=go_live_id, today=today, email_task=tasks.email_training_alert
    )


@transaction.atomic
def acknowledge_alert(*, access: Access, user: User, alert: TrainingAlert) -> None:
    _require(access, C.MANAGE_TRAINING, alert.go_live.programme)
    alert.acknowledged_by, alert.acknowledged_at = user, timezone.now()
    alert.save(update_fields=["acknowledged_by", "acknowledged_at"])


@transaction.atomic
def record_confidence(
    *,
    access: Access,
    user: User,
    go_live: GoLive,
    area: Area,
    score: int,
    worries: Sequence[str],
    comment: str,
    staff: StaffMember | None,
) -> ConfidenceResponse:
    """Record a confidence check: a named one by a staff member about themselves (one per
    person, replaced on re-answer), or an anonymous one for an area a user may see."""
    if not go_live.areas.filter(pk=area.pk).exists() or not access.has(C.VIEW, area=area):
        raise PermissionDenied("You may not record a check for that area.")
    if staff is not None and getattr(user, "staff_member", None) != staff:
        raise PermissionDenied("A named check can only be about yourself.")
    if staff is None and access.is_read_only:
        raise PermissionDenied("Your role is read only.")
    unknown = set(worries) - set(ConfidenceResponse.Worry.values)
    if unknown:
        raise ValidationError({"worries": ValidationError("Unknown worry.", "invalid_choice")})
    values = {
        "area": area,
        "score": score,
        "worries": sorted(set(worries)),
        "comment": comment,
        "submitted_at": timezone.now(),
        "recorded_by": user,
    }
    if staff is not None:
        response, _ = ConfidenceResponse.objects.update_or_create(
            go_live=go_live, staff=staff, defaults=values
        )
        return response
    response = ConfidenceResponse(go_live=go_live, **values)
    response.full_clean()
    response.save()
    return response
