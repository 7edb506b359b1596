"""What a new go-live takes from a previous one's champion set-up (``golive.copying``): the
coverage targets (staff on shift per super user or champion) and the daily shift pattern,
per area of the new go-live. An area both go-lives share keeps its own; an area new to the
programme's waves takes the pattern most of the source's areas follow. Designations, shifts,
rosters and cover requests are people and days, and are not copied (shifts are generated
from the pattern when the roster is planned)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Hashable
from functools import partial
from typing import TypeVar

from champions.models import CoverageTarget, ShiftPattern
from golive.access import Access
from golive.copying import (
    CopyStep,
    Planned,
    TargetPlan,
    create_missing,
    missing,
    register_copy_step,
)
from golive.models import Area, GoLive

T = TypeVar("T", bound=Hashable)
PatternRow = tuple[str, str, dt.time, dt.time, int]  # kind, name, start, end, planned staff


def _typical(per_area: dict[int, T]) -> T | None:
    """The value most areas share (ties: the first area's, by id)."""
    if not per_area:
        return None
    counts = Counter(per_area.values())
    best = max(counts.values())
    return next(value for _, value in sorted(per_area.items()) if counts[value] == best)


def _create_target(target: GoLive, *, area: Area, ratio: int) -> CoverageTarget:
    return CoverageTarget.objects.create(
        programme_id=target.programme_id, go_live=target, area=area, staff_per_supporter=ratio
    )


def _create_pattern(target: GoLive, *, area: Area, row: PatternRow) -> ShiftPattern:
    kind, name, start, end, staff = row
    return ShiftPattern.objects.create(
        go_live=target, area=area, kind=kind, name=name, start_time=start, end_time=end,
        planned_staff=staff,
    )  # fmt: skip


def _areas(plan: TargetPlan) -> list[Area]:
    return sorted(plan.areas, key=lambda area: (area.site.name, area.name, area.pk))


def _wanted(source: GoLive, plan: TargetPlan) -> list[Planned]:
    targets = dict(
        CoverageTarget.objects.filter(go_live=source).values_list("area_id", "staff_per_supporter")
    )
    patterns: dict[int, frozenset[PatternRow]] = {}
    for pattern in ShiftPattern.objects.filter(go_live=source):
        patterns[pattern.area_id] = patterns.get(pattern.area_id, frozenset()) | {
            (pattern.kind, pattern.name, pattern.start_time, pattern.end_time,
             pattern.planned_staff)
        }  # fmt: skip
    typical_target, typical_pattern = _typical(targets), _typical(patterns)
    wanted: list[Planned] = []
    for area in _areas(plan):
        ratio = targets.get(area.pk, typical_target)
        if ratio is not None:
            wanted.append(
                Planned(
                    key=("target", area.pk),
                    label=f"{area.name}: one super user or champion per {ratio} staff on shift",
                    create=partial(_create_target, area=area, ratio=ratio),
                )
            )
        shifts = patterns.get(area.pk, typical_pattern) or frozenset()
        for row in sorted(shifts, key=lambda s: (str(s[2]), s[1])):
            _, name, start, end, staff = row
            wanted.append(
                Planned(
                    key=("pattern", area.pk, name),
                    label=f"{area.name}: {name} shift {start:%H:%M}–{end:%H:%M}, "
                    f"{staff} staff planned",
                    create=partial(_create_pattern, area=area, row=row),
                )
            )  # fmt: skip
    return wanted


def _existing(target: GoLive | None) -> set[Hashable]:
    if target is None:
        return set()
    keys: set[Hashable] = {
        ("target", area_id)
        for area_id in CoverageTarget.objects.filter(go_live=target).values_list(
            "area_id", flat=True
        )
    }
    keys |= {
        ("pattern", area_id, name)
        for area_id, name in ShiftPattern.objects.filter(go_live=target).values_list(
            "area_id", "name"
        )
    }
    return keys


def plan_champions(source: GoLive, plan: TargetPlan) -> list[str]:
    return [item.label for item in missing(_wanted(source, plan), _existing(plan.existing))]


def apply_champions(source: GoLive, target: GoLive, plan: TargetPlan, access: Access) -> list[str]:
    return create_missing(_wanted(source, plan), _existing(target), target)


def register() -> None:
    register_copy_step(
        CopyStep(
            "champions",
            "Champion coverage targets and shift pattern",
            70,
            plan_champions,
            apply_champions,
            note="Per area of the new go-live: an area the source covered keeps its own, a new "
            "area takes the source's usual pattern. No designations, shifts or rosters.",
        )
    )
