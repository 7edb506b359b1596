"""Use cases that change designations, shift patterns, rosters and cover requests (the
e-roster record of who works when is ``champions/rota.py``).

Every function checks the caller's rights through ``Access`` and the domain rules itself, so
pages, the API and (later) imports share one set of rules. Refusals raise ``ValidationError``
(the request must change) or ``Conflict`` (not in the current state: already rostered,
shift ended; see ``golive/refusals.py``) with a ``code`` and a message written for the
person at the screen; acting outside one's areas raises ``PermissionDenied``.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from champions.models import (
    Assignment,
    CoverageTarget,
    CoverRequest,
    Designation,
    Shift,
    ShiftPattern,
)
from champions.selectors import is_trained, manages_area
from champions.shifts import days_in, default_period, shift_span
from golive.access import Access
from golive.models import Area, GoLive, Programme, StaffMember, User
from golive.refusals import Conflict

Kind = Designation.Kind
Status = Designation.Status


def _require_manager(access: Access, area: Area, programme: Programme) -> None:
    if not manages_area(access, area, programme):
        raise PermissionDenied(
            f"You can only manage champions and rosters in your own areas; {area.name} is "
            "not one of them."
        )


def _is_nominee(user: User, designation: Designation) -> bool:
    return designation.staff.user_id is not None and designation.staff.user_id == user.pk


# Designations.


@transaction.atomic
def nominate(
    *,
    access: Access,
    user: User,
    programme: Programme,
    go_live: GoLive | None,
    area: Area,
    staff: StaffMember,
    kind: str,
    systems_confidence: int,
    leadership: int,
    note: str = "",
) -> Designation:
    """A ward manager nominates someone who works in one of their areas. The designation
    starts as nominated; it counts once the nominee accepts the role agreement (and, for a
    super user, completes super-user training). NHS numbers typed into the note (a
    manager may mention a patient) are removed before it is stored, as in every free-text
    field here."""
    _require_manager(access, area, programme)
    if go_live is not None and go_live.programme_id != programme.pk:
        raise ValidationError("The go-live is not part of this programme.", "other_programme")
    if go_live is not None and not go_live.areas.filter(pk=area.pk).exists():
        raise ValidationError(f"{area.name} is not part of {go_live.name}.", "area_not_in_scope")
    if not staff.areas.filter(pk=area.pk).exists():
        raise ValidationError(
            f"{staff.full_name} does not work in {area.name}, so cannot be nominated there.",
            "staff_not_in_area",
        )
    if staff.end_date is not None and staff.end_date <= timezone.localdate():
        raise ValidationError(
            f"{staff.full_name} left on {staff.end_date:%-d %b %Y}, so cannot be nominated.",
            "left",
        )
    for value in (systems_confidence, leadership):
        if not 1 <= value <= 5:
            raise ValidationError("Scores are from 1 (low) to 5 (high).", "out_of_range")
    existing = Designation.objects.filter(staff=staff, area=area, kind=kind, programme=programme)
    existing = existing.exclude(status=Status.WITHDRAWN)
    if go_live is not None:
        existing = existing.filter(Q(go_live=go_live) | Q(go_live__isnull=True))
    if existing.exists():
        raise Conflict(
            f"{staff.full_name} is already a {Kind(kind).label.lower()} in {area.name}.",
            "already_designated",
        )
    try:
        with transaction.atomic():
            return Designation.objects.create(
                programme=programme,
                go_live=go_live,
                area=area,
                staff=staff,
                kind=kind,
                systems_confidence=systems_confidence,
                leadership=leadership,
                note=note.strip(),
                nominated_by=user,
                nominated_at=timezone.now(),
            )
    except IntegrityError:
        # Two managers nominated the same person at once: one row wins.
        raise Conflict(
            f"{staff.full_name} is already a {Kind(kind).label.lower()} in {area.name}.",
            "already_designated",
        ) from None


def _locked(designation: Designation) -> Designation:
    return (
        Designation.objects.select_for_update()
        .select_related("staff", "area")
        .get(pk=designation.pk)
    )


@transaction.atomic
def accept_role_agreement(*, access: Access, user: User, designation: Designation) -> Designation:
    """Record that the nominee accepted the role agreement: by the nominee, or by a manager
    of the area on their behalf (who and when are kept)."""
    designation = _locked(designation)
    if not _is_nominee(user, designation):
        _require_manager(access, designation.area, designation.programme)
    if designation.status != Status.NOMINATED:
        raise Conflict(
            "Only a nomination can be accepted; this designation is "
            f"{designation.get_status_display().lower()}.",
            "not_nominated",
        )
    designation.status = Status.AGREED
    designation.agreed_by = user
    designation.agreed_at = timezone.now()
    designation.save(update_fields=["status", "agreed_by", "agreed_at"])
    return designation


@transaction.atomic
def withdraw(
    *, access: Access, user: User, designation: Designation, reason: str = ""
) -> Designation:
    """Withdraw a designation (by a manager of the area, or the person themselves). Their
    rostered shifts that have not started are cancelled, so the gaps show on coverage."""
    designation = _locked(designation)
    if not _is_nominee(user, designation):
        _require_manager(access, designation.area, designation.programme)
    if designation.status == Status.WITHDRAWN:
        raise Conflict("This designation is already withdrawn.", "already_withdrawn")
    now = timezone.now()
    designation.status = Status.WITHDRAWN
    designation.withdrawn_by = user
    designation.withdrawn_at = now
    designation.withdrawal_reason = reason.strip()
    designation.save(update_fields=["status", "withdrawn_by", "withdrawn_at", "withdrawal_reason"])
    # In primary-key order, like every other path that locks several assignments.
    for assignment in designation.assignments.filter(
        status=Assignment.Status.ACTIVE, starts_at__gt=now
    ).order_by("pk"):
        _cancel(assignment, user, now)
    return designation


@transaction.atomic
def set_coverage_target(
    *,
    access: Access,
    programme: Programme,
    area: Area,
    go_live: GoLive | None,
    staff_per_supporter: int,
) -> CoverageTarget:
    """Set how many staff on shift one super user or champion supports in an area."""
    _require_manager(access, area, programme)
    if not 1 <= staff_per_supporter <= 100:
        raise ValidationError("Enter a number of staff from 1 to 100.", "out_of_range")
    target, _ = CoverageTarget.objects.update_or_create(
        programme=programme,
        area=area,
        go_live=go_live,
        defaults={"staff_per_supporter": staff_per_supporter},
    )
    return target


# Shift patterns and shifts.


@transaction.atomic
def add_shift_pattern(
    *,
    access: Access,
    go_live: GoLive,
    area: Area,
    kind: str,
    name: str,
    start_time: dt.time,
    end_time: dt.time,
    planned_staff: int,
) -> ShiftPattern:
    """Add a daily shift (early, late, night or custom) to an area's roster for a go-live."""
    _require_manager(access, area, go_live.programme)
    if not go_live.areas.filter(pk=area.pk).exists():
        raise ValidationError(f"{area.name} is not part of {go_live.name}.", "area_not_in_scope")
    if start_time == end_time:
        raise ValidationError("A shift must end at a different time from its start.", "empty")
    name = name.strip() or ShiftPattern.Kind(kind).label
    if ShiftPattern.objects.filter(go_live=go_live, area=area, name=name).exists():
        raise Conflict(f"{area.name} already has a shift called {name}.", "duplicate_pattern")
    return ShiftPattern.objects.create(
        go_live=go_live,
        area=area,
        kind=kind,
        name=name,
        start_time=start_time,
        end_time=end_time,
        planned_staff=planned_staff,
    )


@transaction.atomic
def remove_shift_pattern(*, access: Access, pattern: ShiftPattern) -> int:
    """Remove a pattern and the shifts made from it, unless someone is rostered on one of
    them (take them off first, so no one loses a shift silently). Returns shifts removed."""
    pattern = (
        ShiftPattern.objects.select_for_update()
        .select_related("area", "go_live")
        .get(pk=pattern.pk)
    )
    _require_manager(access, pattern.area, pattern.go_live.programme)
    shifts = Shift.objects.filter(pattern=pattern)
    if Assignment.objects.filter(shift__in=shifts, status=Assignment.Status.ACTIVE).exists():
        raise Conflict(
            f"People are rostered on {pattern.name} shifts; take them off before removing it.",
            "has_assignments",
        )
    removed, _ = shifts.filter(assignments__isnull=True).delete()
    # Shifts with only cancelled assignments keep their record, detached from the pattern.
    pattern.delete()
    return removed


@transaction.atomic
def generate_shifts(
    *,
    access: Access,
    go_live: GoLive,
    area: Area,
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
) -> int:
    """Create one shift per pattern and day of the period (default: two weeks around the
    user go-live). Idempotent: shifts that already exist are left as they are. Returns how
    many were created."""
    _require_manager(access, area, go_live.programme)
    default_first, default_last = default_period(go_live.user_go_live_date)
    first_day, last_day = first_day or default_first, last_day or default_last
    if last_day < first_day:
        raise ValidationError("The last day must be on or after the first.", "bad_period")
    if (last_day - first_day).days > 92:
        raise ValidationError("Generate at most three months of shifts at once.", "too_long")
    patterns = list(ShiftPattern.objects.filter(go_live=go_live, area=area))
    if not patterns:
        raise Conflict(f"{area.name} has no shift patterns yet.", "no_patterns")
    existing = set(
        Shift.objects.filter(
            go_live=go_live, area=area, day__range=(first_day, last_day)
        ).values_list("name", "day")
    )
    new = []
    for day in days_in(first_day, last_day):
        for pattern in patterns:
            if (pattern.name, day) in existing:
                continue
            starts_at, ends_at = shift_span(day, pattern.start_time, pattern.end_time)
            new.append(
                Shift(
                    go_live=go_live,
                    area=area,
                    pattern=pattern,
                    name=pattern.name,
                    day=day,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    planned_staff=pattern.planned_staff,
                )
            )
    Shift.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


# Rostering: the rules every assignment (direct, cover or swap) obeys.


def _when(shift: Shift) -> str:
    starts = timezone.localtime(shift.starts_at)
    ends = timezone.localtime(shift.ends_at)
    return f"{shift.name}, {shift.area.name}, {starts:%a %-d %b %H:%M}–{ends:%H:%M}"


def check_eligible(designation: Designation, shift: Shift) -> None:
    """Refuse (``ValidationError`` with a code) a designation that may not work this shift:
    another area or go-live, not agreed, withdrawn, left by the shift's day, or a super user
    without super-user
    training. Double-booking is checked separately, under a lock."""
    name = designation.staff.full_name
    if designation.area_id != shift.area_id:
        raise ValidationError(
            f"{name} is designated for {designation.area.name}, not {shift.area.name}.",
            "other_area",
        )
    if designation.go_live_id not in (None, shift.go_live_id) or (
        designation.programme_id != shift.go_live.programme_id
    ):
        raise ValidationError(f"{name} is designated for another go-live.", "other_go_live")
    if designation.status == Status.WITHDRAWN:
        raise Conflict(f"{name}'s designation was withdrawn.", "withdrawn")
    left = designation.staff.end_date
    if left is not None and left <= shift.day:
        raise Conflict(f"{name} left on {left:%-d %b %Y}, before this shift.", "left")
    if designation.status != Status.AGREED:
        raise Conflict(
            f"{name} has not accepted the role agreement yet, so cannot be rostered.",
            "not_agreed",
        )
    if designation.kind == Kind.SUPER_USER and not is_trained(
        designation.staff_id, designation.programme_id
    ):
        raise Conflict(
            f"{name} has not completed super-user training, so cannot be rostered as a super user.",
            "untrained",
        )


def _check_free(staff: StaffMember, shift: Shift) -> None:
    """Refuse a person already rostered on an overlapping shift, in any area. The caller
    holds the staff member's row lock, so two rosterings of one person run one at a time."""
    clash = (
        Assignment.objects.filter(
            staff=staff,
            status=Assignment.Status.ACTIVE,
            starts_at__lt=shift.ends_at,
            ends_at__gt=shift.starts_at,
        )
        .select_related("shift__area")
        .first()
    )
    if clash is None:
        return
    if clash.shift_id == shift.pk:
        raise Conflict(f"{staff.full_name} is already on this shift.", "already_rostered")
    raise Conflict(
        f"{staff.full_name} is already rostered on {_when(clash.shift)}, which overlaps "
        "this shift.",
        "double_booked",
    )


def _lock_staff(*staff_ids: int) -> None:
    # Always in id order, so two swaps of the same pair cannot deadlock.
    list(StaffMember.objects.select_for_update().filter(pk__in=staff_ids).order_by("pk"))


def _create_assignment(designation: Designation, shift: Shift, user: User) -> Assignment:
    check_eligible(designation, shift)
    _check_free(designation.staff, shift)
    if shift.ends_at <= timezone.now():
        raise Conflict("This shift has already ended.", "shift_ended")
    return Assignment.objects.create(
        shift=shift,
        designation=designation,
        staff=designation.staff,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        assigned_by=user,
        assigned_at=timezone.now(),
    )


def _cancel(assignment: Assignment, user: User, now: dt.datetime) -> None:
    assignment.status = Assignment.Status.CANCELLED
    assignment.cancelled_by = user
    assignment.cancelled_at = now
    assignment.save(update_fields=["status", "cancelled_by", "cancelled_at"])
    assignment.cover_requests.filter(status=CoverRequest.Status.OPEN).update(
        status=CoverRequest.Status.CANCELLED, resolved_by=user, resolved_at=now
    )


@transaction.atomic
def assign_to_shift(
    *, access: Access, user: User, shift: Shift, designation: Designation
) -> Assignment:
    """Roster a designated person on a shift in an area the user manages. Only agreed people
    (and trained super users) in that area, never on two overlapping shifts anywhere."""
    shift = Shift.objects.select_related("area", "go_live").get(pk=shift.pk)
    _require_manager(access, shift.area, shift.go_live.programme)
    _lock_staff(designation.staff_id)
    designation = Designation.objects.select_related("staff", "area").get(pk=designation.pk)
    return _create_assignment(designation, shift, user)


@transaction.atomic
def cancel_assignment(*, access: Access, user: User, assignment: Assignment) -> None:
    """Take someone off a shift (a manager of the area)."""
    assignment = (
        Assignment.objects.select_for_update().select_related("shift__area").get(pk=assignment.pk)
    )
    _require_manager(access, assignment.shift.area, assignment.designation.programme)
    if assignment.status != Assignment.Status.ACTIVE:
        raise Conflict("This person is no longer on the shift.", "not_active")
    if assignment.ends_at <= timezone.now():
        # The record of who covered a shift that has happened stays as it was.
        raise Conflict("This shift has already ended.", "shift_ended")
    _cancel(assignment, user, timezone.now())


# Cover requests and swaps.


def _may_act_for(access: Access, user: User, assignment: Assignment) -> bool:
    if assignment.staff.user_id == user.pk:
        return True
    return manages_area(access, assignment.shift.area, assignment.designation.programme)


def _active_assignment(assignment: Assignment) -> Assignment:
    return _check_active(_lock_assignments(assignment.pk)[0])


def _active_assignments(*assignments: Assignment) -> list[Assignment]:
    return [_check_active(row) for row in _lock_assignments(*(a.pk for a in assignments))]


def _lock_assignments(*pks: int) -> list[Assignment]:
    """The assignments' rows, locked in primary-key order whatever order the caller names
    them in, and returned in the caller's order. Two swaps crossing the same pair of shifts
    would otherwise each lock one and wait for the other: a deadlock. Callers lock these
    before any cover request, since cancelling an assignment updates its requests."""
    rows = {
        row.pk: row
        for row in Assignment.objects.select_for_update(of=("self",))
        .select_related("shift__area", "shift__go_live", "staff", "designation")
        .filter(pk__in=pks)
        .order_by("pk")
    }
    if not rows.keys() >= set(pks):
        raise Assignment.DoesNotExist("The rostered shift no longer exists.")
    return [rows[pk] for pk in pks]


def _check_active(row: Assignment) -> Assignment:
    if row.status != Assignment.Status.ACTIVE:
        raise Conflict(f"{row.staff.full_name} is no longer on {_when(row.shift)}.", "not_active")
    if row.ends_at <= timezone.now():
        raise Conflict("This shift has already ended.", "shift_ended")
    return row


@transaction.atomic
def request_cover(
    *, access: Access, user: User, assignment: Assignment, reason: str = ""
) -> CoverRequest:
    """Ask for someone else to cover a rostered shift (the person on it, or a manager)."""
    assignment = _active_assignment(assignment)
    if not _may_act_for(access, user, assignment):
        raise PermissionDenied("Only the person on the shift or a manager of the area may ask.")
    return _open_request(CoverRequest.Kind.COVER, assignment, None, user, reason)


@transaction.atomic
def request_swap(
    *,
    access: Access,
    user: User,
    assignment: Assignment,
    swap_with: Assignment,
    reason: str = "",
) -> CoverRequest:
    """Propose that two rostered people swap shifts; the other person (or a manager of
    their area) accepts."""
    assignment, other = _active_assignments(assignment, swap_with)
    if not _may_act_for(access, user, assignment):
        raise PermissionDenied("Only the person on the shift or a manager of the area may ask.")
    if other.staff_id == assignment.staff_id:
        raise ValidationError("Choose a shift worked by someone else to swap with.", "same_person")
    return _open_request(CoverRequest.Kind.SWAP, assignment, other, user, reason)


def _open_request(
    kind: str, assignment: Assignment, other: Assignment | None, user: User, reason: str
) -> CoverRequest:
    if assignment.cover_requests.filter(status=CoverRequest.Status.OPEN).exists():
        raise Conflict(
            "There is already an open cover or swap request for this shift.", "already_open"
        )
    return CoverRequest.objects.create(
        kind=kind,
        assignment=assignment,
        swap_with=other,
        reason=reason.strip(),
        requested_by=user,
        requested_at=timezone.now(),
    )


def _assignment_ids(cover_request: CoverRequest) -> tuple[int, int | None]:
    # Read afresh: which shifts a request is about never changes, so no lock is needed.
    ids: tuple[int, int | None] = CoverRequest.objects.values_list(
        "assignment_id", "swap_with_id"
    ).get(pk=cover_request.pk)
    return ids


def _open(cover_request: CoverRequest) -> CoverRequest:
    row = CoverRequest.objects.select_for_update().get(pk=cover_request.pk)
    if row.status != CoverRequest.Status.OPEN:
        raise Conflict(f"This request is already {row.get_status_display().lower()}.", "not_open")
    return row


def _designation_for(staff: StaffMember, shift: Shift) -> Designation:
    """The person's designation that lets them work ``shift`` (an agreed one in its area)."""
    candidates = Designation.objects.filter(
        staff=staff, area=shift.area, programme=shift.go_live.programme
    ).filter(Q(go_live=shift.go_live) | Q(go_live__isnull=True))
    ordered = sorted(candidates, key=lambda d: (d.status != Status.AGREED, d.pk))
    if not ordered:
        raise ValidationError(
            f"{staff.full_name} is not designated in {shift.area.name}, so cannot take a "
            "shift there.",
            "other_area",
        )
    return ordered[0]


@transaction.atomic
def accept_cover(
    *, access: Access, user: User, cover_request: CoverRequest, designation: Designation
) -> Assignment:
    """Someone eligible covers the shift: the original person comes off it and the coverer
    goes on, under the same rules as any rostering. By the coverer or a manager."""
    (locked,) = _lock_assignments(_assignment_ids(cover_request)[0])
    cover_request = _open(cover_request)
    if cover_request.kind != CoverRequest.Kind.COVER:
        raise ValidationError("This is a swap request; accept the swap instead.", "not_cover")
    original = _check_active(locked)
    if designation.staff_id == original.staff_id:
        raise ValidationError(
            f"{original.staff.full_name} is the person who needs cover.", "same_person"
        )
    if designation.staff.user_id != user.pk:
        _require_manager(access, original.shift.area, original.designation.programme)
    _lock_staff(original.staff_id, designation.staff_id)
    designation = Designation.objects.select_related("staff", "area").get(pk=designation.pk)
    now = timezone.now()
    # Take the original person off first so a refusal below rolls the whole swap back.
    _cancel(original, user, now)
    cover = _create_assignment(designation, original.shift, user)
    _resolve(cover_request, user, now)
    return cover


@transaction.atomic
def accept_swap(*, access: Access, user: User, cover_request: CoverRequest) -> list[Assignment]:
    """The other person (or a manager of their area) accepts a swap: each takes the other's
    shift, each checked against the roster rules with their old shift released."""
    locked = _lock_assignments(*(pk for pk in _assignment_ids(cover_request) if pk is not None))
    cover_request = _open(cover_request)
    if cover_request.kind != CoverRequest.Kind.SWAP or cover_request.swap_with is None:
        raise ValidationError("This is a cover request, not a swap.", "not_swap")
    first, second = (_check_active(row) for row in locked)
    if second.staff.user_id != user.pk:
        _require_manager(access, second.shift.area, second.designation.programme)
    _lock_staff(first.staff_id, second.staff_id)
    first_into = _designation_for(first.staff, second.shift)
    second_into = _designation_for(second.staff, first.shift)
    now = timezone.now()
    _cancel(first, user, now)
    _cancel(second, user, now)
    swapped = [
        _create_assignment(first_into, second.shift, user),
        _create_assignment(second_into, first.shift, user),
    ]
    _resolve(cover_request, user, now)
    return swapped


def _resolve(cover_request: CoverRequest, user: User, now: dt.datetime) -> None:
    cover_request.status = CoverRequest.Status.ACCEPTED
    cover_request.resolved_by = user
    cover_request.resolved_at = now
    cover_request.save(update_fields=["status", "resolved_by", "resolved_at"])


@transaction.atomic
def cancel_cover_request(*, access: Access, user: User, cover_request: CoverRequest) -> None:
    cover_request = _open(cover_request)
    assignment = Assignment.objects.select_related("shift__area", "designation", "staff").get(
        pk=cover_request.assignment_id
    )
    if not _may_act_for(access, user, assignment):
        raise PermissionDenied("Only the person on the shift or a manager of the area may.")
    cover_request.status = CoverRequest.Status.CANCELLED
    cover_request.resolved_by = user
    cover_request.resolved_at = timezone.now()
    cover_request.save(update_fields=["status", "resolved_by", "resolved_at"])
