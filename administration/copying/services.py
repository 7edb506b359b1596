"""A new go-live set up from a previous one: preview what it will create, then create it.

Every registered copy step (``golive.copying``; each feature app registers its own) plans
and applies its part; the preview and the copy run the same steps, so the copy creates what
the preview listed. Only someone who manages go-lives for the whole programme may copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from administration.copying.selectors import default_areas
from administration.models import GoLiveCopy
from golive.access import Access, Capability
from golive.copying import TargetPlan, copy_steps
from golive.models import Area, GoLive, User

# Dates move by the offset: a bound keeps every moved date a real one.
MAX_OFFSET_DAYS = 3653


@dataclass(frozen=True)
class StepPlan:
    key: str
    label: str
    note: str
    items: list[str]

    @property
    def count(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class CopyPlan:
    """What a copy will create: the go-live itself (unless it exists from an earlier run of
    the same copy) and, per step, the rows listed by label."""

    source: GoLive
    target: TargetPlan
    approach: str
    steps: list[StepPlan]

    @property
    def total(self) -> int:
        return sum(step.count for step in self.steps)

    @property
    def approach_label(self) -> str:
        return GoLive.Approach(self.approach).label.lower()

    @property
    def offset_days(self) -> int:
        return self.target.offset_days


def _require_manager(access: Access, source: GoLive) -> None:
    if not access.go_lives().filter(pk=source.pk).exists():
        raise PermissionDenied("You may not see that go-live.")
    if not access.has_programme_wide(Capability.MANAGE_GO_LIVES, source.programme):
        raise PermissionDenied("Only a programme manager for the whole programme may copy.")


def _existing_target(source: GoLive, name: str) -> GoLive | None:
    """The go-live an earlier run of this copy created under ``name``; refuses a name that
    another go-live of the programme already has."""
    record = GoLiveCopy.objects.filter(source=source, target__name=name).first()
    if record is not None:
        return record.target
    if GoLive.objects.filter(programme_id=source.programme_id, name=name).exists():
        raise ValidationError(
            {
                "name": ValidationError(
                    "Another go-live of this programme already has this name.", code="name_taken"
                )
            }
        )
    return None


def _check_areas(source: GoLive, areas: Sequence[Area]) -> None:
    if not areas:
        raise ValidationError(
            {"areas": ValidationError("Choose at least one area.", code="no_areas")}
        )
    organisation_id = source.programme.organisation_id
    if any(area.site.organisation_id != organisation_id or not area.is_active for area in areas):
        raise ValidationError(
            {
                "areas": ValidationError(
                    "Choose active areas of this programme's trust.", code="area_not_in_programme"
                )
            }
        )


def _target_plan(
    *,
    source: GoLive,
    name: str,
    user_go_live_date: dt.date,
    technical_go_live_date: dt.date | None,
    areas: Sequence[Area] | None,
) -> TargetPlan:
    name = name.strip()
    if not name:
        raise ValidationError({"name": ValidationError("Enter a name.", code="required")})
    existing = _existing_target(source, name)
    if existing is not None:
        # A copy run again carries on with the go-live it made, as that go-live is now.
        record = GoLiveCopy.objects.get(target=existing)
        return TargetPlan(
            programme=source.programme,
            name=existing.name,
            user_go_live_date=existing.user_go_live_date,
            technical_go_live_date=existing.technical_go_live_date,
            areas=tuple(existing.areas.select_related("site")),
            offset_days=record.offset_days,
            existing=existing,
        )
    offset_days = (user_go_live_date - source.user_go_live_date).days
    if abs(offset_days) > MAX_OFFSET_DAYS:
        raise ValidationError(
            {
                "user_go_live_date": ValidationError(
                    "Choose a user go-live within ten years of the previous go-live's.",
                    code="too_far",
                )
            }
        )
    if technical_go_live_date is not None and technical_go_live_date > user_go_live_date:
        raise ValidationError(
            {
                "technical_go_live_date": ValidationError(
                    "The technical go-live must be on or before the user go-live.",
                    code="technical_after_user",
                )
            }
        )
    chosen = default_areas(source) if areas is None else list(areas)
    _check_areas(source, chosen)
    return TargetPlan(
        programme=source.programme,
        name=name,
        user_go_live_date=user_go_live_date,
        technical_go_live_date=technical_go_live_date,
        areas=tuple(chosen),
        offset_days=offset_days,
    )


def preview_copy(
    *,
    access: Access,
    source: GoLive,
    name: str,
    user_go_live_date: dt.date,
    technical_go_live_date: dt.date | None = None,
    areas: Sequence[Area] | None = None,
    approach: str = "",
) -> CopyPlan:
    """What ``copy_go_live`` with the same arguments would create. Writes nothing. Refuses
    as ``copy_go_live`` does."""
    _require_manager(access, source)
    target = _target_plan(
        source=source,
        name=name,
        user_go_live_date=user_go_live_date,
        technical_go_live_date=technical_go_live_date,
        areas=areas,
    )
    steps = [
        StepPlan(step.key, step.label, step.note, step.plan(source, target))
        for step in copy_steps()
    ]
    chosen = target.existing.approach if target.existing else approach or source.approach
    return CopyPlan(source=source, target=target, approach=chosen, steps=steps)


def _shifted(day: dt.date | None, offset_days: int) -> dt.date | None:
    return day + dt.timedelta(days=offset_days) if day is not None else None


def _create_go_live(source: GoLive, plan: TargetPlan, approach: str) -> GoLive:
    """The new go-live: planning, the source's approach and cohort, stabilisation and dual
    running at the source's offsets (dual running only when it still follows the technical
    go-live)."""
    if approach and approach not in GoLive.Approach.values:
        raise ValidationError(
            {"approach": ValidationError("Choose an approach.", code="invalid_choice")}
        )
    technical = plan.technical_go_live_date
    dual_ends = _shifted(source.dual_running_ends_on, plan.offset_days)
    if dual_ends is not None and (technical is None or dual_ends < technical):
        dual_ends = None
    go_live = GoLive.objects.create(
        programme=source.programme,
        name=plan.name,
        approach=approach or source.approach,
        stage=GoLive.Stage.PLANNING,
        technical_go_live_date=technical,
        dual_running_ends_on=dual_ends,
        user_go_live_date=plan.user_go_live_date,
        stabilisation_ends_on=_shifted(source.stabilisation_ends_on, plan.offset_days),
        scope_note=source.scope_note,
    )
    go_live.areas.set(plan.areas)
    return go_live


@transaction.atomic
def copy_go_live(
    *,
    access: Access,
    source: GoLive,
    name: str,
    user_go_live_date: dt.date,
    technical_go_live_date: dt.date | None = None,
    areas: Sequence[Area] | None = None,
    approach: str = "",
    by: User,
) -> GoLiveCopy:
    """Create a go-live named ``name`` in the source's programme (stage planning, the given
    areas or else the source's active ones) and run every copy step into it, with dates moved
    by the days between the two user go-lives; record the copy (``GoLiveCopy``, audited).

    Idempotent: run again with the same source and name, it finds the go-live it made, runs
    the steps against it as it is now (its dates and areas; the arguments' are ignored) and
    creates only what is missing; the record's ``created`` keeps the first run's lists,
    extended by anything a later run created. Refuses (``ValidationError``) a name another
    go-live of the programme holds (``name_taken``), no areas (``no_areas``), areas of
    another trust or retired (``area_not_in_programme``), a technical go-live after the user
    go-live (``technical_after_user``), a user go-live more than ten years from the
    source's (``too_far``); ``PermissionDenied`` unless the user manages go-lives
    for the whole programme."""
    _require_manager(access, source)
    # One copy at a time from a source: a second request waits, then finds the first's go-live.
    GoLive.objects.select_for_update().filter(pk=source.pk).first()
    plan = _target_plan(
        source=source,
        name=name,
        user_go_live_date=user_go_live_date,
        technical_go_live_date=technical_go_live_date,
        areas=areas,
    )
    target = plan.existing or _create_go_live(source, plan, approach)
    created = {step.key: step.apply(source, target, plan, access) for step in copy_steps()}
    if plan.existing is None:
        return GoLiveCopy.objects.create(
            source=source,
            target=target,
            created_by=by,
            offset_days=plan.offset_days,
            created=created,
        )
    record = GoLiveCopy.objects.select_for_update().get(target=target)
    if any(created.values()):
        record.created = {
            key: [*record.created.get(key, []), *created.get(key, [])]
            for key in dict.fromkeys([*record.created, *created])
        }
        record._change_reason = "Copy run again: created what was missing"  # type: ignore[attr-defined]
        record.save(update_fields=["created"])
    return record
