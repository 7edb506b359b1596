"""Readiness: groups that own it, criteria per go-live × area, go/no-go gates with a frozen
evidence pack, the clinical safety hazard log and the milestone timeline; command and control
(``command``) and the communications plan (``comms``) in modules of their own."""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from golive.fields import FreeCharField, FreeTextField, FreeURLField
from golive.models import Area, GoLive, Programme, Role, StaffMember
from readiness.models.constraints import one_person


class Domain(models.TextChoices):
    PEOPLE = "people", "People"
    PROCESS = "process", "Process"
    TECHNOLOGY = "technology", "Technology"
    DATA = "data", "Data"
    CLINICAL_SAFETY = "clinical_safety", "Clinical safety"
    COMMUNICATIONS = "communications", "Communications and engagement"
    SUPPORT = "support", "Support"


class Rag(models.TextChoices):
    NOT_ASSESSED = "not_assessed", "Not assessed"
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class ReadinessGroup(models.Model):
    """An operational readiness group, jointly chaired by a clinical and an operational lead."""

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        FORTNIGHTLY = "fortnightly", "Fortnightly"
        MONTHLY = "monthly", "Monthly"

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="readiness_groups"
    )
    name = FreeCharField(max_length=200)
    domains = models.JSONField(default=list, help_text="Domain values this group owns.")
    clinical_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    operational_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="readiness_groups"
    )
    cadence = models.CharField(max_length=20, choices=Cadence.choices, default=Cadence.WEEKLY)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="readiness_group_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def domain_labels(self) -> list[str]:
        return [Domain(value).label for value in self.domains if value in Domain.values]


class Meeting(models.Model):
    group = models.ForeignKey(ReadinessGroup, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    notes = FreeTextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.group} on {self.held_on:%d %b %Y}"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = FreeTextField(max_length=2000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Action(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    group = models.ForeignKey(ReadinessGroup, on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    description = FreeTextField(max_length=2000)
    # Owned by someone who signs in, or by someone on the staff list who does not.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_staff = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [one_person("owner", "owner_staff", "action_has_one_owner", "An action")]

    def __str__(self) -> str:
        return self.description[:60]


class CriterionTemplate(models.Model):
    """A criterion in the library; a template set is applied to a go-live's areas at once.

    ``computed_key`` names a provider in ``readiness.assessment.providers``; such criteria
    take their status from live figures instead of a person's RAG."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="criterion_templates"
    )
    template_set = FreeCharField(max_length=100)
    key = models.SlugField(max_length=64)
    title = FreeCharField(max_length=200)
    domain = models.CharField(max_length=20, choices=Domain.choices)
    owner_role = models.CharField(max_length=40, choices=Role.choices)
    weight = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    evidence_required = FreeTextField(blank=True)
    pass_rule = FreeTextField(blank=True)
    computed_key = models.CharField(max_length=64, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["domain", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "template_set", "key"], name="criterion_template_unique"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=10), name="criterion_template_weight"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_computed(self) -> bool:
        return bool(self.computed_key)


EVIDENCE_EXTENSIONS = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx", ".txt"})
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def evidence_path(instance: Any, filename: str) -> str:
    # A random name: the uploader's file name never reaches the file system.
    suffix = PurePath(filename).suffix.lower()
    return f"readiness/evidence/{uuid.uuid4().hex}{suffix}"


class Criterion(models.Model):
    """One template applied to one area of one go-live."""

    go_live = models.ForeignKey(GoLive, on_delete=models.CASCADE, related_name="criteria")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="criteria")
    template = models.ForeignKey(
        CriterionTemplate, on_delete=models.PROTECT, related_name="criteria"
    )
    rag = models.CharField(max_length=20, choices=Rag.choices, default=Rag.NOT_ASSESSED)
    evidence_link = FreeURLField(max_length=500, blank=True)
    evidence_file = models.FileField(upload_to=evidence_path, blank=True, max_length=200)
    evidence_file_name = FreeCharField(max_length=200, blank=True)
    comment = FreeTextField(max_length=2000, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["area__name", "template__domain", "template__title"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["go_live", "area", "template"], name="criterion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.template.title} – {self.area.name}"


class SignOffRole(models.TextChoices):
    SRO = "sro", "Senior responsible owner"
    CSO = "cso", "Clinical safety officer"
    CNIO = "cnio", "Chief nurse / CNIO"
    CCIO = "ccio", "CCIO"
    OPERATIONS = "operations", "Operations"


class Verdict(models.TextChoices):
    GO = "go", "Go"
    GO_WITH_CONDITIONS = "go_with_conditions", "Go with conditions"
    NO_GO = "no_go", "No-go"


class Gate(models.Model):
    """A go/no-go checkpoint, e.g. T-7: decided once every required role has signed off."""

    go_live = models.ForeignKey(GoLive, on_delete=models.CASCADE, related_name="gates")
    name = FreeCharField(max_length=50)
    days_before = models.PositiveSmallIntegerField(
        help_text="Days before the user go-live when the gate sits (30 for T-30)."
    )
    required_roles = models.JSONField(default=list)
    decision = models.CharField(max_length=20, choices=Verdict.choices, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-days_before"]
        constraints = [models.UniqueConstraint(fields=["go_live", "name"], name="gate_unique")]

    def __str__(self) -> str:
        return f"{self.go_live} {self.name}"

    @property
    def is_decided(self) -> bool:
        return bool(self.decision)

    def required_role_labels(self) -> list[tuple[str, str]]:
        return [(r, SignOffRole(r).label) for r in self.required_roles if r in SignOffRole.values]


class SignOff(models.Model):
    gate = models.ForeignKey(Gate, on_delete=models.CASCADE, related_name="sign_offs")
    role = models.CharField(max_length=20, choices=SignOffRole.choices)
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    note = FreeTextField(max_length=2000, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["gate", "role"], name="sign_off_one_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.get_verdict_display()}"


class GateSignatory(models.Model):
    """A person named to give one required sign-off of a gate. Once a role has named people,
    only they may sign it; a role with nobody named is open to any programme-wide signatory."""

    gate = models.ForeignKey(Gate, on_delete=models.CASCADE, related_name="signatories")
    role = models.CharField(max_length=20, choices=SignOffRole.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "user__last_name", "user__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["gate", "role", "user"], name="gate_signatory_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user}"


class EvidencePack(models.Model):
    """What was known when a gate was decided. Written once; never updated."""

    gate = models.OneToOneField(Gate, on_delete=models.PROTECT, related_name="evidence_pack")
    frozen_at = models.DateTimeField()
    snapshot = models.JSONField()
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the snapshot as frozen.")

    def __str__(self) -> str:
        return f"Evidence pack for {self.gate}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A guard, not a flow: the pack is evidence, so an existing one is never rewritten.
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError("An evidence pack cannot be changed.", code="immutable")
        super().save(*args, **kwargs)


class Hazard(models.Model):
    """A DCB0160-style hazard log entry."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MITIGATED = "mitigated", "Mitigated"
        CLOSED = "closed", "Closed"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="hazards")
    number = models.PositiveIntegerField()
    title = FreeCharField(max_length=200)
    cause = FreeTextField(max_length=2000)
    effect = FreeTextField(max_length=2000)
    initial_severity = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    initial_likelihood = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    controls = FreeTextField(max_length=4000, blank=True)
    residual_severity = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    residual_likelihood = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    criteria = models.ManyToManyField(CriterionTemplate, blank=True, related_name="hazards")
    cso_signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cso_signed_off_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Goes up with every edit; a sign-off names the version it read."
    )
    cso_signed_version = models.PositiveIntegerField(null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[criteria])

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="hazard_number_unique"),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 5}), name=f"hazard_{name}"
                )
                for name in (
                    "initial_severity",
                    "initial_likelihood",
                    "residual_severity",
                    "residual_likelihood",
                )
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"HAZ-{self.number:03d}"

    @property
    def is_signed_off(self) -> bool:
        """Signed off, and for the version as it stands (an edit clears the sign-off)."""
        return self.cso_signed_off_at is not None and self.cso_signed_version == self.version


class HazardTicket(models.Model):
    """A service desk ticket that shows a hazard happening (or nearly)."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="ticket_links")
    ticket = models.ForeignKey(
        "support.Ticket", on_delete=models.CASCADE, related_name="hazard_links"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hazard", "ticket"], name="hazard_ticket_unique")
        ]

    def __str__(self) -> str:
        return f"{self.hazard.reference} ↔ ticket {self.ticket_id}"


class Milestone(models.Model):
    class Kind(models.TextChoices):
        TECHNICAL_GO_LIVE = "technical_go_live", "Technical go-live"
        DUAL_RUNNING_START = "dual_running_start", "Dual running starts"
        DUAL_RUNNING_END = "dual_running_end", "Dual running ends"
        USER_GO_LIVE = "user_go_live", "User go-live"
        STABILISATION_END = "stabilisation_end", "Stabilisation ends"
        OTHER = "other", "Other"

    go_live = models.ForeignKey(GoLive, on_delete=models.CASCADE, related_name="milestones")
    name = FreeCharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "name"]
        constraints = [models.UniqueConstraint(fields=["go_live", "name"], name="milestone_unique")]

    def __str__(self) -> str:
        return self.name


# Re-exported: every caller imports readiness models from ``readiness.models``.
from readiness.models.command import (  # noqa: E402
    LEVEL_ORDER,
    CommandCell,
    DutyAssignment,
    EscalationStep,
    SitRep,
    StandDownCriterion,
)
from readiness.models.comms import Attendance, CommsItem, EngagementEvent  # noqa: E402

__all__ = [
    "LEVEL_ORDER",
    "Attendance",
    "CommandCell",
    "CommsItem",
    "DutyAssignment",
    "EngagementEvent",
    "EscalationStep",
    "SitRep",
    "StandDownCriterion",
]
