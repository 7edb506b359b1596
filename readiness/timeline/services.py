"""Use cases that change the milestone timeline (programme managers only)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from golive.access import Access, Capability
from golive.models import GoLive
from readiness.guards import require
from readiness.models import Milestone


@transaction.atomic
def add_milestone(
    *, access: Access, go_live: GoLive, name: str, kind: str, due_on: dt.date
) -> Milestone:
    require(
        access.has(Capability.MANAGE_GO_LIVES, programme=go_live.programme),
        "Only a programme manager may plan milestones.",
    )
    if Milestone.objects.filter(go_live=go_live, name=name).exists():
        raise ValidationError(
            "This go-live already has a milestone with that name.", code="duplicate"
        )
    return Milestone.objects.create(go_live=go_live, name=name.strip(), kind=kind, due_on=due_on)


@transaction.atomic
def update_milestone(
    *,
    access: Access,
    milestone: Milestone,
    name: str,
    kind: str,
    due_on: dt.date,
    completed_on: dt.date | None,
) -> Milestone:
    """Rename, re-date or complete a milestone (programme managers only)."""
    require(
        access.has(Capability.MANAGE_GO_LIVES, programme=milestone.go_live.programme),
        "Only a programme manager may update milestones.",
    )
    name = name.strip()
    if (
        Milestone.objects.filter(go_live=milestone.go_live_id, name=name)
        .exclude(pk=milestone.pk)
        .exists()
    ):
        raise ValidationError(
            {"name": ValidationError("This go-live already has a milestone with that name.",
                                     code="duplicate")}
        )  # fmt: skip
    milestone.name, milestone.kind, milestone.due_on = name, kind, due_on
    milestone.completed_on = completed_on
    milestone.save(update_fields=["name", "kind", "due_on", "completed_on"])
    return milestone


@transaction.atomic
def complete_milestone(*, access: Access, milestone: Milestone, on: dt.date) -> Milestone:
    require(
        access.has(Capability.MANAGE_GO_LIVES, programme=milestone.go_live.programme),
        "Only a programme manager may update milestones.",
    )
    milestone.completed_on = on
    milestone.save(update_fields=["completed_on"])
    return milestone
