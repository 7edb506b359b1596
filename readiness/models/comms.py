"""The communications and engagement plan: items, engagement events and who came."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from golive.fields import FreeCharField
from golive.models import Area, GoLive, RoleGroup


class CommsItem(models.Model):
    """One item of the communications plan for a go-live."""

    class Channel(models.TextChoices):
        EMAIL = "email", "All-staff email"
        INTRANET = "intranet", "Intranet"
        BRIEFING = "briefing", "Team briefing"
        HUDDLE = "huddle", "Ward huddle"
        POSTER = "poster", "Posters and screens"
        NEWSLETTER = "newsletter", "Newsletter"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    go_live = models.ForeignKey(GoLive, on_delete=models.CASCADE, related_name="comms_items")
    title = FreeCharField(max_length=200)
    audience = FreeCharField(max_length=200)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    planned_on = models.DateField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    history = HistoricalRecords()

    class Meta:
        ordering = ["planned_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["go_live", "title"], name="comms_item_unique")
        ]

    def __str__(self) -> str:
        return self.title


class EngagementEvent(models.Model):
    """A workshop open to all staff, a floor walk or a drop-in, with who came."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", "Workshop open to all staff"
        FLOOR_WALK = "floor_walk", "Floor walk"
        DROP_IN = "drop_in", "Drop-in"
        DEMONSTRATION = "demonstration", "Demonstration"

    go_live = models.ForeignKey(GoLive, on_delete=models.CASCADE, related_name="engagement_events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = FreeCharField(max_length=200)
    held_on = models.DateField()
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Leave empty for an event open to the whole trust.",
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta:
        ordering = ["held_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["go_live", "title", "held_on"], name="engagement_event_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """How many of one staff group came to an engagement event."""

    event = models.ForeignKey(EngagementEvent, on_delete=models.CASCADE, related_name="attendance")
    role_group = models.CharField(max_length=20, choices=RoleGroup.choices)
    count = models.PositiveIntegerField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["role_group"]
        constraints = [
            models.UniqueConstraint(fields=["event", "role_group"], name="attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.event}: {self.count} {self.role_group}"
