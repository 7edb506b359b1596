"""Command and control: bronze, silver and gold cells, their stand-down conditions,
escalations, the duty rota and sit-reps."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from golive.fields import FreeCharField, FreeTextField
from golive.models import GoLive, StaffMember
from readiness.models.constraints import one_person


class CommandCell(models.Model):
    """A bronze, silver or gold cell running the go-live period."""

    class Level(models.TextChoices):
        BRONZE = "bronze", "Bronze (operational)"
        SILVER = "silver", "Silver (tactical)"
        GOLD = "gold", "Gold (strategic)"

    go_live = models.ForeignKey(GoLive, on_delete=models.CASCADE, related_name="command_cells")
    level = models.CharField(max_length=10, choices=Level.choices)
    name = FreeCharField(max_length=100)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stood_down_at = models.DateTimeField(null=True, blank=True)
    stood_down_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stand_down_override = FreeTextField(
        max_length=2000, blank=True, help_text="Why the cell stood down with criteria unmet."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["go_live", "level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["go_live", "level", "name"], name="command_cell_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.name}"


LEVEL_ORDER = (CommandCell.Level.BRONZE, CommandCell.Level.SILVER, CommandCell.Level.GOLD)


class StandDownCriterion(models.Model):
    """A condition for standing a cell down. Computed kinds are read live from the service
    desk; a manual one is ticked, with a note, by the cell's lead."""

    class Kind(models.TextChoices):
        NO_P1_OPEN = "no_p1_open", "No P1 ticket open for a number of hours"
        ARRIVALS_BELOW = "arrivals_below", "Ticket arrivals below a rate for a number of hours"
        MANUAL = "manual", "Confirmed by the cell lead"

    cell = models.ForeignKey(
        CommandCell, on_delete=models.CASCADE, related_name="stand_down_criteria"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = FreeCharField(max_length=200)
    hours = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(336)]
    )
    per_hour = models.PositiveIntegerField(
        null=True, blank=True, help_text="Arrivals must stay below this many tickets an hour."
    )
    met = models.BooleanField(default=False, help_text="Manual criteria only.")
    note = FreeTextField(max_length=2000, blank=True)
    ticked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ticked_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "stand-down criteria"
        constraints = [
            models.UniqueConstraint(fields=["cell", "title"], name="stand_down_criterion_unique"),
            models.CheckConstraint(
                condition=Q(kind="manual") | Q(hours__isnull=False),
                name="stand_down_computed_has_hours",
            ),
            models.CheckConstraint(
                condition=~Q(kind="arrivals_below") | Q(per_hour__isnull=False),
                name="stand_down_arrivals_has_rate",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_computed(self) -> bool:
        return self.kind != self.Kind.MANUAL


class EscalationStep(models.Model):
    """One step of an escalation up the command structure (bronze → silver → gold): who
    stepped it up, when and why. The raise itself is the escalation row; steps follow it."""

    escalation = models.ForeignKey(
        "support.Escalation", on_delete=models.CASCADE, related_name="steps"
    )
    from_level = models.CharField(max_length=10, choices=CommandCell.Level.choices)
    to_level = models.CharField(max_length=10, choices=CommandCell.Level.choices)
    stepped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    stepped_at = models.DateTimeField()
    note = FreeTextField(max_length=2000)

    class Meta:
        ordering = ["stepped_at", "pk"]
        constraints = [
            # Each level is reached once: a repeated or backward step cannot be stored.
            models.UniqueConstraint(
                fields=["escalation", "to_level"], name="escalation_step_once_per_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_level} → {self.to_level}"


class DutyAssignment(models.Model):
    """Who is on duty in a cell, and when."""

    cell = models.ForeignKey(CommandCell, on_delete=models.CASCADE, related_name="duties")
    # On duty: someone who signs in, or someone on the staff list who does not.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    role = FreeCharField(max_length=100, help_text="For example, loggist or incident lead.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="duty_ends_after_start"
            ),
            one_person("user", "staff", "duty_has_one_person", "A duty"),
        ]

    def __str__(self) -> str:
        return f"{self.staff or self.user} in {self.cell}"


class SitRep(models.Model):
    """A situation report: figures drafted from live data for a period, then edited and
    published by the cell lead. The figures are kept as drafted."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    cell = models.ForeignKey(CommandCell, on_delete=models.CASCADE, related_name="sitreps")
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    figures = models.JSONField()
    summary = FreeTextField(max_length=4000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    drafted_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["cell", "period_end"], name="sitrep_one_per_period")
        ]

    def __str__(self) -> str:
        return f"Sit-rep {self.cell} to {self.period_end:%d %b %H:%M}"
