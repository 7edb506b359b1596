"""What a new go-live takes from a previous one's training set-up (``golive.copying``): the
courses each role group must complete, the training plan's targets and the planned
trajectory, with every date at the same offset from the user go-live. Completions, bookings,
scope changes, alerts and confidence checks are what happened, and are not copied."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from functools import partial

from golive.access import Access
from golive.copying import (
    CopyStep,
    Planned,
    TargetPlan,
    create_missing,
    missing,
    register_copy_step,
    relative_day,
)
from golive.models import GoLive
from training.models import Requirement, TrainingPlan, TrajectoryPoint


def _create_requirement(target: GoLive, *, row: Requirement, due: dt.date) -> Requirement:
    return Requirement.objects.create(
        go_live=target, course_id=row.course_id, role_group=row.role_group, due_on=due
    )


def _create_plan(
    target: GoLive, *, source_plan: TrainingPlan, cut_off: dt.date | None
) -> TrainingPlan:
    return TrainingPlan.objects.create(
        go_live=target,
        target_percent=source_plan.target_percent,
        alert_margin_points=source_plan.alert_margin_points,
        cut_off_on=cut_off,
        new_starter_days=source_plan.new_starter_days,
    )


def _create_point(target: GoLive, *, point: TrajectoryPoint, day: dt.date) -> TrajectoryPoint:
    return TrajectoryPoint.objects.create(
        go_live=target, on_date=day, planned_percent=point.planned_percent
    )


def _wanted(source: GoLive, plan: TargetPlan) -> list[Planned]:
    wanted: list[Planned] = []
    requirements = Requirement.objects.filter(go_live=source).select_related("course")
    for row in requirements.order_by("due_on", "role_group", "course__name"):
        due = plan.shift(row.due_on)
        wanted.append(
            Planned(
                key=("requirement", row.course_id, row.role_group),
                label=f"{row.get_role_group_display()} complete {row.course.name} by "
                f"{relative_day(due, plan.user_go_live_date)}",
                create=partial(_create_requirement, row=row, due=due),
            )
        )
    source_plan = TrainingPlan.objects.filter(go_live=source).first()
    if source_plan is not None:
        cut_off = plan.shift(source_plan.cut_off_on) if source_plan.cut_off_on else None
        wanted.append(
            Planned(
                key=("plan",),
                label=f"Training plan: {source_plan.target_percent}% trained by go-live, alert "
                f"{source_plan.alert_margin_points} points behind plan, new starters within "
                f"{source_plan.new_starter_days} days",
                create=partial(_create_plan, source_plan=source_plan, cut_off=cut_off),
            )
        )
    for point in TrajectoryPoint.objects.filter(go_live=source).order_by("on_date"):
        day = plan.shift(point.on_date)
        wanted.append(
            Planned(
                key=("trajectory", day),
                label=f"Trajectory: {point.planned_percent}% trained by "
                f"{relative_day(day, plan.user_go_live_date)}",
                create=partial(_create_point, point=point, day=day),
            )
        )
    return wanted


def _existing(target: GoLive | None) -> set[Hashable]:
    if target is None:
        return set()
    keys: set[Hashable] = {
        ("requirement", course_id, role_group)
        for course_id, role_group in Requirement.objects.filter(go_live=target).values_list(
            "course_id", "role_group"
        )
    }
    if TrainingPlan.objects.filter(go_live=target).exists():
        keys.add(("plan",))
    keys |= {
        ("trajectory", day)
        for day in TrajectoryPoint.objects.filter(go_live=target).values_list("on_date", flat=True)
    }
    return keys


def plan_training(source: GoLive, plan: TargetPlan) -> list[str]:
    return [item.label for item in missing(_wanted(source, plan), _existing(plan.existing))]


def apply_training(source: GoLive, target: GoLive, plan: TargetPlan, access: Access) -> list[str]:
    return create_missing(_wanted(source, plan), _existing(target), target)


def register() -> None:
    register_copy_step(
        CopyStep(
            "training",
            "Training requirements and plan",
            60,
            plan_training,
            apply_training,
            note="Requirements, targets and trajectory at the same offsets from go-live; no "
            "completions, bookings or scope changes.",
        )
    )
