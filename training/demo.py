"""Demo training data for ``seed_demo``, built on the LMS completions the adoption demo
imports: requirements by role group, a planned trajectory per wave, a few bookings on Ward
7B, two scope changes made by hand, and alerts (e-mailed to the demo training lead by the
worker, to its console unless EMAIL_HOST is set). The next wave is planned to be further
on than it is, so it shows visibly behind its trajectory and forecast to miss its target.

Idempotent: rows are keyed on natural keys, and plans are anchored to the go-live dates
(which the demo keeps), so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from golive.models import GoLive, Programme, RoleGroup, StaffMember, User
from training import selectors, services
from training.models import (
    Booking,
    ConfidenceResponse,
    Course,
    Requirement,
    ScopeChange,
    TrainingPlan,
    TrajectoryPoint,
)

EPR_ROLES = {"EPR101": "All users", "EPR201": "Ward clinician", "SU301": "Super user"}
WARD_COURSE_GROUPS = (
    RoleGroup.NURSING,
    RoleGroup.MEDICAL,
    RoleGroup.AHP,
    RoleGroup.PHARMACY,
    RoleGroup.SCIENTIFIC,
    RoleGroup.SUPPORT,
)
# (days before the user go-live, planned cumulative % trained): a front-loaded plan.
PLAN = [(126, 0), (84, 35), (56, 60), (42, 70), (28, 80), (14, 88), (7, 92)]


def _requirements(go_live: GoLive, courses: dict[str, Course]) -> None:
    due = go_live.user_go_live_date - dt.timedelta(days=7)
    for group in RoleGroup.values:
        Requirement.objects.get_or_create(
            go_live=go_live, course=courses["EPR101"], role_group=group, defaults={"due_on": due}
        )
    for group in WARD_COURSE_GROUPS:
        Requirement.objects.get_or_create(
            go_live=go_live, course=courses["EPR201"], role_group=group, defaults={"due_on": due}
        )


def _plan(go_live: GoLive) -> None:
    TrainingPlan.objects.get_or_create(
        go_live=go_live, defaults={"target_percent": 90, "alert_margin_points": 5}
    )
    if TrajectoryPoint.objects.filter(go_live=go_live).exists():
        return
    TrajectoryPoint.objects.bulk_create(
        TrajectoryPoint(
            go_live=go_live,
            on_date=go_live.user_go_live_date - dt.timedelta(days=days),
            planned_percent=percent,
        )
        for days, percent in PLAN
    )


def _bookings(go_live: GoLive, courses: dict[str, Course], user: User, today: dt.date) -> None:
    """Ten untrained people on Ward 7B booked on next week's classroom session."""
    ward = go_live.areas.filter(code="W7B").first()
    if ward is None:
        return
    untrained = (
        StaffMember.objects.filter(areas=ward)
        .exclude(completions__course=courses["EPR201"])
        .filter(role_group__in=WARD_COURSE_GROUPS)
        .order_by("staff_number")[:10]
    )
    session = min(today + dt.timedelta(days=7), go_live.user_go_live_date)
    Booking.objects.bulk_create(
        [
            Booking(staff=member, course=courses["EPR201"], session_on=session, booked_by=user)
            for member in untrained
        ],
        ignore_conflicts=True,
    )


# Anonymous confidence checks per area code: Ward 7B feels left behind; Ward 1A has too few
# answers to show.
CONFIDENCE = {
    "W7B": [1, 2, 2, 3, 2, 4, 1, 3],
    "THM": [3, 4, 4, 3, 5, 4],
    "AMU": [4, 4, 5, 3, 4, 4, 5],
    "W1A": [2, 3, 1],
    "WARD3": [3, 2, 3, 4, 3, 2],
}
WORRIES = ["job_changing", "not_enough_training", "no_time", "who_to_ask"]


def _confidence(go_live: GoLive, user: User) -> None:
    if ConfidenceResponse.objects.filter(go_live=go_live).exists():
        return
    now = timezone.now()
    rows = []
    for area in go_live.areas.filter(code__in=CONFIDENCE):
        for index, score in enumerate(CONFIDENCE[area.code]):
            worries = [WORRIES[index % len(WORRIES)]] if score <= 3 else []
            rows.append(
                ConfidenceResponse(
                    go_live=go_live, area=area, score=score, worries=worries,
                    submitted_at=now, recorded_by=user,
                )
            )  # fmt: skip
    ConfidenceResponse.objects.bulk_create(rows)


def _scope_changes(go_live: GoLive, user: User) -> None:
    """By hand: one Ward 7B nurse on long-term leave taken out of scope, and one bank nurse
    from outside the go-live's areas added, since she is rostered there for go-live week."""
    ward = go_live.areas.filter(code="W7B").first()
    if ward is None:
        return
    on_leave = StaffMember.objects.filter(areas=ward).order_by("staff_number").first()
    bank = (
        StaffMember.objects.filter(organisation_id=go_live.programme.organisation_id)
        .exclude(areas__in=go_live.areas.all())
        .filter(role_group=RoleGroup.NURSING)
        .order_by("staff_number")
        .first()
    )
    for member, kind, reason in (
        (on_leave, ScopeChange.Kind.EXCLUDE, "Long-term leave until after go-live"),
        (bank, ScopeChange.Kind.INCLUDE, "Bank nurse rostered on Ward 7B for go-live week"),
    ):
        if member is not None:
            ScopeChange.objects.get_or_create(
                go_live=go_live,
                staff=member,
                defaults={"kind": kind, "reason": reason, "changed_by": user},
            )


@transaction.atomic
def seed_training_demo(*, programme: Programme, user: User) -> list[str]:
    """Seed training for the first two waves; returns one line per wave."""
    today = timezone.localdate()
    courses = {course.code: course for course in Course.objects.filter(programme=programme)}
    if not {"EPR101", "EPR201"} <= set(courses):
        return ["Training: the demo courses are missing; nothing seeded."]
    for code, role in EPR_ROLES.items():
        Course.objects.filter(programme=programme, code=code, epr_role="").update(epr_role=role)
    lines = []
    for go_live in GoLive.objects.filter(programme=programme).order_by("user_go_live_date")[:2]:
        _requirements(go_live, courses)
        _plan(go_live)
        if go_live.user_go_live_date >= today:
            _bookings(go_live, courses, user, today)
            _confidence(go_live, user)
            _scope_changes(go_live, user)
        services.refresh_alerts(go_live_id=go_live.pk, today=today)
        trajectory = selectors.whole_scope_trajectory(go_live, today=today)
        lines.append(
            f"Training for {go_live.name}: {trajectory.actual_percent}% trained "
            f"(plan {trajectory.planned_percent_today or 0:.0f}%, target "
            f"{trajectory.plan.target_percent}%)."
        )
    return lines
