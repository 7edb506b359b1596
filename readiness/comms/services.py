"""Use cases that change the communications and engagement plan (programme managers)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from golive.access import Access, Capability
from golive.models import Area, GoLive, User
from readiness.guards import require
from readiness.models import Attendance, CommsItem, EngagementEvent


def _require_planner(access: Access, go_live: GoLive) -> None:
    require(
        access.has(Capability.MANAGE_GO_LIVES, programme=go_live.programme),
        "Only a programme manager may change the communications plan.",
    )


@transaction.atomic
def add_comms_item(
    *,
    access: Access,
    go_live: GoLive,
    title: str,
    audience: str,
    channel: str,
    planned_on: dt.date,
    owner: User,
) -> CommsItem:
    _require_planner(access, go_live)
    title = title.strip()
    if CommsItem.objects.filter(go_live=go_live, title=title).exists():
        raise ValidationError(
            {
                "title": ValidationError(
                    "The plan already has an item with this title.", code="duplicate"
                )
            }
        )
    return CommsItem.objects.create(
        go_live=go_live, title=title, audience=audience.strip(), channel=channel,
        planned_on=planned_on, owner=owner,
    )  # fmt: skip


@transaction.atomic
def update_comms_item(
    *,
    access: Access,
    item: CommsItem,
    title: str,
    audience: str,
    channel: str,
    planned_on: dt.date,
    owner: User,
    status: str,
) -> CommsItem:
    """Change any part of a communications plan item (programme managers)."""
    _require_planner(access, item.go_live)
    title = title.strip()
    if CommsItem.objects.filter(go_live=item.go_live_id, title=title).exclude(pk=item.pk).exists():
        raise ValidationError(
            {"title": ValidationError("The plan already has an item with this title.", "duplicate")}
        )
    item.title, item.audience, item.channel = title, audience.strip(), channel
    item.planned_on, item.owner, item.status = planned_on, owner, status
    item.save(update_fields=["title", "audience", "channel", "planned_on", "owner", "status"])
    return item


@transaction.atomic
def set_comms_status(*, access: Access, item: CommsItem, status: str) -> CommsItem:
    _require_planner(access, item.go_live)
    item.status = status
    item.save(update_fields=["status"])
    return item


@transaction.atomic
def add_engagement_event(
    *,
    access: Access,
    go_live: GoLive,
    kind: str,
    title: str,
    held_on: dt.date,
    area: Area | None,
) -> EngagementEvent:
    _require_planner(access, go_live)
    title = title.strip()
    if area is not None and not go_live.areas.filter(pk=area.pk).exists():
        raise ValidationError(
            {"area": ValidationError("Choose an area of this go-live.", code="area_not_in_scope")}
        )
    if EngagementEvent.objects.filter(go_live=go_live, title=title, held_on=held_on).exists():
        raise ValidationError(
            {"title": ValidationError("This event is already recorded.", code="duplicate")}
        )
    return EngagementEvent.objects.create(
        go_live=go_live, kind=kind, title=title, held_on=held_on, area=area
    )


@transaction.atomic
def record_attendance(
    *, access: Access, event: EngagementEvent, role_group: str, count: int
) -> Attendance:
    """Set how many of a staff group came (recording it again replaces the count)."""
    _require_planner(access, event.go_live)
    row, _ = Attendance.objects.update_or_create(
        event=event, role_group=role_group, defaults={"count": count}
    )
    return row
