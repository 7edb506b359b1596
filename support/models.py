"""The go-live service desk: one front door (the ticket), triage behind it (categories,
priorities with SLA targets, resolver groups), known issues that many tickets share,
escalations from the live board, and reporters' satisfaction."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from golive.fields import FreeCharField, FreeTextField
from golive.models import Area, GoLive, Programme


class Priority(models.TextChoices):
    P1 = "P1", "P1 – critical: patient care stopped"
    P2 = "P2", "P2 – high: a workaround is hard"
    P3 = "P3", "P3 – moderate: a workaround exists"
    P4 = "P4", "P4 – low: an inconvenience or a question"


class Category(models.Model):
    """A node in the triage tree (e.g. Access → Smartcard). Seeded; kept under Desk settings
    (``support.configuration``)."""

    slug = models.SlugField(max_length=50, unique=True)
    name = FreeCharField(max_length=100)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_name_unique"),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="category_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent is not None else self.name

    @property
    def top_level(self) -> Category:
        # The tree is two levels deep; seeded data and the desk settings keep it that way.
        return self.parent if self.parent is not None else self


class SlaTarget(models.Model):
    """How fast a ticket of one priority must get a first response and be resolved.
    Go-live hypercare runs around the clock, so by default the clock is wall time; a trust
    may run lower priorities in business hours only (the working day is a setting)."""

    class Clock(models.TextChoices):
        ALWAYS = "always", "Around the clock (24/7)"
        BUSINESS_HOURS = "business_hours", "Business hours only"

    priority = models.CharField(max_length=2, choices=Priority.choices, unique=True)
    first_response_minutes = models.PositiveIntegerField()
    resolve_minutes = models.PositiveIntegerField()
    clock = models.CharField(
        max_length=20,
        choices=Clock.choices,
        default=Clock.ALWAYS,
        help_text="Business hours are SUPPORT_BUSINESS_HOURS on SUPPORT_BUSINESS_DAYS.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["priority"]
        verbose_name = "SLA target"
        constraints = [
            models.CheckConstraint(
                condition=Q(resolve_minutes__gte=models.F("first_response_minutes")),
                name="sla_resolve_after_response",
                violation_error_message="Resolving cannot be due before the first response.",
            )
        ]

    def __str__(self) -> str:
        hours = " (business hours)" if self.clock == self.Clock.BUSINESS_HOURS else ""
        return (
            f"{self.priority}: respond in {self.first_response_minutes} min, "
            f"resolve in {self.resolve_minutes} min{hours}"
        )

    @property
    def first_response(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.first_response_minutes)

    @property
    def resolve(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.resolve_minutes)


class ResolverGroup(models.Model):
    """A team tickets are routed to (access management, EPR application team, ...)."""

    name = FreeCharField(max_length=100, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class KnownIssue(models.Model):
    """A problem many people report: one parent, a workaround, and the tickets linked to it."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        FIXED = "fixed", "Fixed"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="known_issues")
    title = FreeCharField(max_length=200)
    description = FreeTextField(blank=True)
    workaround = FreeTextField(blank=True)
    is_published = models.BooleanField(
        default=False,
        help_text="Published workarounds are shown to the desk and floorwalkers when they log.",
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="known_issues"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    fixed_at = models.DateTimeField(null=True, blank=True)
    fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", fixed_at__isnull=True)
                | Q(status="fixed", fixed_at__isnull=False),
                name="known_issue_fixed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(is_published=False) | ~Q(workaround=""),
                name="known_issue_published_has_workaround",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Ticket(models.Model):
    """One report through the front door, then triaged, worked and resolved."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        TRIAGED = "triaged", "Triaged"
        IN_PROGRESS = "in_progress", "In progress"
        AWAITING_REPORTER = "awaiting_reporter", "Awaiting reporter"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"

    class ResolutionType(models.TextChoices):
        DEFECT = "defect", "Defect"
        TRAINING_GAP = "training_gap", "Training gap"
        CONFIGURATION = "configuration", "Configuration"
        ENHANCEMENT = "enhancement", "Enhancement"
        NO_FAULT = "no_fault", "No fault found"

    class Channel(models.TextChoices):
        QUICK_LOG = "quick_log", "Quick log"
        PHONE = "phone", "Phone"
        API = "api", "API"

    OPEN_STATUSES = (Status.NEW, Status.TRIAGED, Status.IN_PROGRESS, Status.AWAITING_REPORTER)

    go_live = models.ForeignKey(GoLive, on_delete=models.PROTECT, related_name="tickets")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="tickets")
    reporter_name = FreeCharField(max_length=200)
    reporter_contact = FreeCharField(
        max_length=200, help_text="A phone extension, bleep or email to reach the reporter."
    )
    description = FreeTextField("what happened", max_length=4000)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    suggested_category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    priority = models.CharField(max_length=2, choices=Priority.choices, default=Priority.P3)
    is_clinical_safety = models.BooleanField("clinical safety concern", default=False)
    resolver_group = models.ForeignKey(
        ResolverGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    resolution_type = models.CharField(max_length=20, choices=ResolutionType.choices, blank=True)
    resolution_note = FreeTextField(blank=True)
    known_issue = models.ForeignKey(
        KnownIssue, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    course = models.ForeignKey(
        "training.Course",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        help_text="For a training gap: the course that should have covered it.",
    )
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.QUICK_LOG)
    external_reference = FreeCharField(
        max_length=100,
        blank=True,
        default="",
        help_text="The sending system's own id (e.g. a phone system's call id), as shown; NHS "
        "numbers in it are removed.",
    )
    # What a retried delivery is matched on: a keyed hash of the reference exactly as sent.
    # The shown reference cannot be the key: a numeric call id that passes the NHS number
    # check (one in eleven) is stored as "[NHS number removed]", and two of them would be
    # taken for one ticket.
    external_reference_key = models.CharField(max_length=32, blank=True, default="")
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="logged_tickets"
    )
    created_at = models.DateTimeField(db_index=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["go_live", "status"], name="ticket_go_live_status"),
            models.Index(fields=["go_live", "created_at"], name="ticket_go_live_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["resolved", "closed"], resolved_at__isnull=False)
                | ~Q(status__in=["resolved", "closed"]),
                name="ticket_resolved_has_time",
            ),
            models.CheckConstraint(
                condition=Q(first_response_at__isnull=True)
                | Q(first_response_at__gte=models.F("created_at")),
                name="ticket_response_after_creation",
            ),
            models.UniqueConstraint(
                fields=["area", "external_reference_key"],
                condition=~Q(external_reference_key=""),
                name="ticket_external_reference_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Ticket {self.pk}"

    @property
    def reference(self) -> str:
        return f"GL-{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class TicketComment(models.Model):
    class Visibility(models.TextChoices):
        INTERNAL = "internal", "Internal (desk only)"
        REPORTER = "reporter", "To the reporter"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    body = FreeTextField(max_length=4000)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment on {self.ticket}"


class Escalation(models.Model):
    """A raise to the command-and-control cell, from a ticket or a spike on the live board.
    The readiness work's command cells pick these up; until then they are the record."""

    class Level(models.TextChoices):
        SILVER = "silver", "Silver"
        GOLD = "gold", "Gold"

    go_live = models.ForeignKey(GoLive, on_delete=models.CASCADE, related_name="escalations")
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.SILVER)
    summary = FreeCharField(max_length=300)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, null=True, blank=True, related_name="escalations"
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    escalated_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-escalated_at"]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.summary}"


class SatisfactionResponse(models.Model):
    """The reporter's one-click rating after resolution: one per ticket."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="satisfaction")
    score = models.PositiveSmallIntegerField()
    comment = FreeTextField(blank=True, max_length=2000)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="satisfaction_score_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.score}/5 for {self.ticket}"


class Notice(models.Model):
    """Something a named person must look at now: a raise to the command cell they lead, or
    a ticket flagged as a clinical safety concern for the programme's clinical safety
    officer. Shown on the live board until seen, and e-mailed once (by reference only: no
    ticket text, so no patient identifier, leaves Golive)."""

    class Kind(models.TextChoices):
        ESCALATION = "escalation", "Escalation to your command cell"
        CLINICAL_SAFETY = "clinical_safety", "Clinical safety concern"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_notices"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    go_live = models.ForeignKey(GoLive, on_delete=models.CASCADE, related_name="desk_notices")
    escalation = models.ForeignKey(
        Escalation, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    created_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "escalation"],
                condition=Q(escalation__isnull=False),
                name="notice_once_per_escalation",
            ),
            models.UniqueConstraint(
                fields=["recipient", "ticket", "kind"],
                condition=Q(ticket__isnull=False, escalation__isnull=True),
                name="notice_once_per_ticket_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind="escalation", escalation__isnull=False)
                | Q(kind="clinical_safety", ticket__isnull=False),
                name="notice_has_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}"
