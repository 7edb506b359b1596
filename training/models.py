"""Training: courses, what each role group must complete for a go-live, completions, the
planned trajectory, alerts when training falls behind, and staff confidence checks."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from golive.fields import FreeCharField
from golive.models import Area, GoLive, Programme, RoleGroup, StaffMember, code_validator


class Course(models.Model):
    class Delivery(models.TextChoices):
        E_LEARNING = "e_learning", "E-learning"
        CLASSROOM = "classroom", "Classroom"
        WORKSHOP = "workshop", "Workshop"
        SUPER_USER = "super_user", "Super-user training"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="courses")
    code = models.CharField(max_length=32, validators=[code_validator])
    name = FreeCharField(max_length=200)
    delivery = models.CharField(max_length=20, choices=Delivery.choices)
    duration_minutes = models.PositiveIntegerField(default=60)
    epr_role = FreeCharField(
        "EPR role",
        max_length=100,
        blank=True,
        help_text="The EPR role or access profile the course prepares for, e.g. 'Ward nurse'.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="course_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Completion(models.Model):
    """A staff member completed a course. One row per person and course: the latest date."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="completions")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="completions")
    completed_on = models.DateField()
    batch = models.ForeignKey(
        "adoption.ImportBatch", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "course"], name="completion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.staff} completed {self.course} on {self.completed_on:%Y-%m-%d}"


class Booking(models.Model):
    """A staff member is booked on a session of a course (not yet attended)."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="bookings")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="bookings")
    session_on = models.DateField()
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["staff", "course"], name="booking_unique")]

    def __str__(self) -> str:
        return f"{self.staff} booked on {self.course} for {self.session_on:%Y-%m-%d}"


class Requirement(models.Model):
    """For one go-live, a role group must complete a course by a date."""

    go_live = models.ForeignKey(GoLive, on_delete=models.CASCADE, related_name="requirements")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="requirements")
    role_group = models.CharField(max_length=20, choices=RoleGroup.choices)
    due_on = models.DateField(help_text="Staff in post at the cut-off must complete it by then.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["role_group", "course__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["go_live", "course", "role_group"], name="requirement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_group_display()} – {self.course} by {self.due_on:%Y-%m-%d}"


class TrainingPlan(models.Model):
    """A go-live's training targets: what counts as on track, and how new starters are
    treated. Missing until the training lead saves one; ``plan_for`` gives the defaults."""

    go_live = models.OneToOneField(GoLive, on_delete=models.CASCADE, related_name="training_plan")
    target_percent = models.PositiveSmallIntegerField(
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="The share of staff in scope who must be trained by go-live.",
    )
    alert_margin_points = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="Raise an alert when actual is this many percentage points behind plan.",
    )
    cut_off_on = models.DateField(
        null=True,
        blank=True,
        help_text="Staff who start after this date are new starters. Empty: 14 days before "
        "the user go-live.",
    )
    new_starter_days = models.PositiveSmallIntegerField(
        default=28,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="New starters must complete their courses within this many days of starting.",
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Training plan for {self.go_live}"


class TrajectoryPoint(models.Model):
    """The planned cumulative share of staff trained on a date (the programme's trajectory)."""

    go_live = models.ForeignKey(GoLive, on_delete=models.CASCADE, related_name="trajectory")
    on_date = models.DateField()
    planned_percent = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["on_date"]
        constraints = [
            models.UniqueConstraint(fields=["go_live", "on_date"], name="trajectory_point_unique"),
            models.CheckConstraint(
                condition=Q(planned_percent__gte=0) & Q(planned_percent__lte=100),
                name="trajectory_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.planned_percent}% by {self.on_date:%Y-%m-%d}"


class ScopeChange(models.Model):
    """A person added to, or taken out of, a go-live's training scope by hand (e.g. bank
    staff who will work there, or someone on long-term leave)."""

    class Kind(models.TextChoices):
        INCLUDE = "include", "Added"
        EXCLUDE = "exclude", "Excluded"

    go_live = models.ForeignKey(GoLive, on_delete=models.CASCADE, related_name="scope_changes")
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = FreeCharField(max_length=200)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["go_live", "staff"], name="scope_change_unique")
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.get_kind_display().lower()} for {self.go_live}"


class TrainingAlert(models.Model):
    """Training is behind plan or forecast to miss its target. One open alert per go-live
    and kind, refreshed in place; closed when the condition clears."""

    RAISED, SERIOUS = 1, 2

    class Kind(models.TextChoices):
        BEHIND_PLAN = "behind_plan", "Behind the planned trajectory"
        FORECAST_MISS = "forecast_miss", "Forecast to miss the target"

    go_live = models.ForeignKey(GoLive, on_delete=models.CASCADE, related_name="training_alerts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    message = FreeCharField(max_length=500)
    raised_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    level = models.PositiveSmallIntegerField(
        default=RAISED, help_text="1 when raised; 2 once it has escalated to serious."
    )
    # The highest level the training leads were e-mailed about: each level is sent once,
    # however often the refresh runs, and a level that falls and rises again is not resent.
    notified_level = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["go_live", "kind"],
                condition=Q(closed_at__isnull=True),
                name="training_alert_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.go_live}: {self.get_kind_display()}"


class ConfidenceResponse(models.Model):
    """A short readiness check: how ready someone feels (1-5) and what worries them. Named
    when a staff member answers for themselves, anonymous per area otherwise."""

    class Worry(models.TextChoices):
        JOB_CHANGING = "job_changing", "My job is changing a lot"
        NOT_ENOUGH_TRAINING = "not_enough_training", "I have not had enough training"
        NO_TIME = "no_time", "I have no time to practise"
        COMPUTER_SKILLS = "computer_skills", "I am not confident with computers"
        JOB_AT_RISK = "job_at_risk", "I worry my job is at risk"
        WHO_TO_ASK = "who_to_ask", "I do not know who to ask for help"

    go_live = models.ForeignKey(
        GoLive, on_delete=models.CASCADE, related_name="confidence_responses"
    )
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    worries = models.JSONField(default=list, blank=True)
    comment = FreeCharField(max_length=500, blank=True)
    submitted_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="confidence_score_range"
            ),
            models.UniqueConstraint(
                fields=["go_live", "staff"],
                condition=Q(staff__isnull=False),
                name="confidence_one_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"Confidence {self.score} in {self.area} for {self.go_live}"
