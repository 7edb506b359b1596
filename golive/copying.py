"""What a new go-live copies from a previous one: a registry the feature apps fill in.

The core knows no feature: each app registers a ``CopyStep`` per kind of set-up it holds
(criteria, gates, milestones, training requirements...) in ``AppConfig.ready``. A step
``plan``s what it would create in a go-live that may not exist yet, and ``apply``s it to the
target, creating only what the target lacks by natural key, so running it twice creates
nothing the second time. Both return human-readable labels, one per row created (or to be
created), and a step computes both from the same list, so the preview and the copy agree.

A step copies set-up tied to the source go-live only, never what happened during it (sign-
offs, tickets, completions, sit-reps, escalations): the new go-live starts from planning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone

from golive.access import Access
from golive.models import Area, GoLive, Programme


@dataclass(frozen=True)
class TargetPlan:
    """The go-live a copy will create (or, when ``existing`` is set, has created before)."""

    programme: Programme
    name: str
    user_go_live_date: dt.date
    technical_go_live_date: dt.date | None
    areas: tuple[Area, ...]
    offset_days: int  # days the target's user go-live falls after the source's
    existing: GoLive | None = None

    def shift(self, day: dt.date) -> dt.date:
        return day + dt.timedelta(days=self.offset_days)


Planner = Callable[[GoLive, TargetPlan], list[str]]
Applier = Callable[[GoLive, GoLive, TargetPlan, Access], list[str]]


@dataclass(frozen=True)
class CopyStep:
    """One kind of set-up a new go-live takes from a previous one.

    ``plan(source, target_plan)`` lists what would be created; ``apply(source, target,
    target_plan, access)`` creates it in ``target`` (skipping what exists) and lists what it
    created. ``note`` says what the step leaves out, or why it has nothing to copy."""

    key: str
    label: str
    order: int
    plan: Planner
    apply: Applier
    note: str = ""


_steps: dict[str, CopyStep] = {}


def register_copy_step(step: CopyStep) -> None:
    """Add ``step`` to every copy. Registering the same key again replaces it, so an app's
    ``ready`` may run more than once."""
    _steps[step.key] = step


def copy_steps() -> Sequence[CopyStep]:
    """The registered steps, in ``order`` (lowest first)."""
    return sorted(_steps.values(), key=lambda step: (step.order, step.key))


def shift_datetime(moment: dt.datetime, offset_days: int) -> dt.datetime:
    """``moment`` moved by whole days, keeping its local wall-clock time across a change
    of the clocks (a 07:00 duty stays at 07:00)."""
    local = timezone.localtime(moment)
    naive = local.replace(tzinfo=None) + dt.timedelta(days=offset_days)
    return timezone.make_aware(naive)


@dataclass(frozen=True)
class Planned:
    """A row a step would create: its natural key in the target, its label, and how to make
    it there (parents come before their children in a step's list)."""

    key: Hashable
    label: str
    create: Callable[[GoLive], object]


def missing(wanted: Iterable[Planned], existing: set[Hashable]) -> list[Planned]:
    """What of ``wanted`` the target lacks, by natural key, in order."""
    return [item for item in wanted if item.key not in existing]


def create_missing(wanted: Iterable[Planned], existing: set[Hashable], target: GoLive) -> list[str]:
    """Create in ``target`` what it lacks of ``wanted``; the labels of what was created."""
    created = []
    for item in missing(wanted, existing):
        item.create(target)
        created.append(item.label)
    return created


def relative_day(day: dt.date, user_go_live: dt.date) -> str:
    """``day`` and where it falls from the user go-live, e.g. '12 Mar 2027 (T-45)'."""
    days = (day - user_go_live).days
    where = "go-live day" if days == 0 else f"T{days:+d}"
    return f"{day:%-d %b %Y} ({where})"
