"""Champions, super users and floorwalkers; the shifts they cover during a go-live; and the
e-roster's record of who works which shift, which coverage is measured against."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from golive.fields import FreeCharField, FreeTextField
from golive.models import Area, GoLive, Programme, StaffMember

SCALE = [MinValueValidator(1), MaxValueValidator(5)]
DEFAULT_STAFF_PER_SUPER_USER = 10


class Designation(models.Model):
    """A staff member designated to support colleagues in one area: nominated by a ward
    manager, agreed when the nominee accepts the role agreement, or withdrawn."""

    class Kind(models.TextChoices):
        DIGITAL_CHAMPION = "digital_champion", "Digital champion"
        SUPER_USER = "super_user", "Super user"
        FLOORWALKER = "floorwalker", "Floorwalker"

    class Status(models.TextChoices):
        NOMINATED = "nominated", "Nominated"
        AGREED = "agreed", "Agreed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    go_live = models.ForeignKey(
        GoLive,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="designations",
        help_text="Empty: for every go-live of the programme that includes the area.",
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="designations")
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="designations")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOMINATED)
    systems_confidence = models.PositiveSmallIntegerField(
        "confidence with clinical systems", validators=SCALE
    )
    leadership = models.PositiveSmallIntegerField(validators=SCALE)
    note = FreeTextField(blank=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    nominated_at = models.DateTimeField()
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who recorded that the nominee accepted the role agreement.",
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = FreeTextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area__name", "staff__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "area", "kind", "go_live"],
                condition=~Q(status="withdrawn") & Q(go_live__isnull=False),
                name="designation_unique_per_go_live",
                violation_error_message="This person already holds this role in this area.",
            ),
            models.UniqueConstraint(
                fields=["staff", "area", "kind", "programme"],
                condition=~Q(status="withdrawn") & Q(go_live__isnull=True),
                name="designation_unique_per_programme",
                violation_error_message="This person already holds this role in this area.",
            ),
            models.CheckConstraint(
                condition=Q(systems_confidence__gte=1, systems_confidence__lte=5)
                & Q(leadership__gte=1, leadership__lte=5),
                name="designation_scales_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(status="agreed") | Q(agreed_at__isnull=False),
                name="designation_agreed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff.full_name}: {self.get_kind_display()}, {self.area.name}"


class CoverageTarget(models.Model):
    """How many staff on shift one super user or champion supports in an area (default
    1 per 10), for one go-live or, with no go-live, for the whole programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    go_live = models.ForeignKey(
        GoLive, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    staff_per_supporter = models.PositiveSmallIntegerField(
        "staff on shift per super user or champion",
        default=DEFAULT_STAFF_PER_SUPER_USER,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["area", "go_live"],
                condition=Q(go_live__isnull=False),
                name="coverage_target_unique_per_go_live",
            ),
            models.UniqueConstraint(
                fields=["area", "programme"],
                condition=Q(go_live__isnull=True),
                name="coverage_target_unique_per_programme",
            ),
            models.CheckConstraint(
                condition=Q(staff_per_supporter__gte=1), name="coverage_target_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"1 per {self.staff_per_supporter} staff in {self.area}"


class ShiftPattern(models.Model):
    """A shift worked every day of the go-live period in one area, in local (Europe/London)
    time. An end at or before the start runs into the next day (a night shift)."""

    class Kind(models.TextChoices):
        EARLY = "early", "Early"
        LATE = "late", "Late"
        NIGHT = "night", "Night"
        CUSTOM = "custom", "Custom"

    go_live = models.ForeignKey(GoLive, on_delete=models.CASCADE, related_name="shift_patterns")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="shift_patterns")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = FreeCharField(max_length=50)
    start_time = models.TimeField()
    end_time = models.TimeField()
    planned_staff = models.PositiveSmallIntegerField(
        "staff planned on shift",
        default=0,
        help_text="Used for coverage until the e-roster says who actually works the shift.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["area__name", "start_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["go_live", "area", "name"], name="shift_pattern_name_unique"
            ),
            models.CheckConstraint(
                condition=~Q(start_time=F("end_time")), name="shift_pattern_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.start_time:%H:%M}–{self.end_time:%H:%M}, {self.area}"


class Shift(models.Model):
    """One shift on one day in one area, generated from a pattern. Times are stored in UTC."""

    go_live = models.ForeignKey(GoLive, on_delete=models.CASCADE, related_name="shifts")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="shifts")
    pattern = models.ForeignKey(
        ShiftPattern, on_delete=models.SET_NULL, null=True, blank=True, related_name="shifts"
    )
    name = FreeCharField(max_length=50)
    day = models.DateField(help_text="The local date the shift starts on.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    planned_staff = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["starts_at", "area__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["go_live", "area", "name", "day"], name="shift_unique_per_day"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["area", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.name} {self.day:%a %d %b}, {self.area}"


class Assignment(models.Model):
    """A designated person rostered to a shift. Cancelled rows are kept as the record."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Rostered"
        CANCELLED = "cancelled", "Cancelled"

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="assignments")
    designation = models.ForeignKey(
        Designation, on_delete=models.PROTECT, related_name="assignments"
    )
    # Copied from the shift and designation so the double-booking check is one indexed query.
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField()
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "staff"],
                condition=Q(status="active"),
                name="assignment_once_per_shift",
            )
        ]
        indexes = [models.Index(fields=["staff", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.staff.full_name} on {self.shift}"


class CoverRequest(models.Model):
    """Someone rostered cannot work a shift: another eligible person covers it, or two
    people swap shifts."""

    class Kind(models.TextChoices):
        COVER = "cover", "Cover"
        SWAP = "swap", "Swap"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        CANCELLED = "cancelled", "Cancelled"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="cover_requests"
    )
    swap_with = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="swap_requests",
        help_text="For a swap: the other person's shift.",
    )
    reason = FreeTextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status="open"),
                name="cover_request_one_open_per_assignment",
            ),
            models.CheckConstraint(
                condition=Q(kind="cover", swap_with__isnull=True)
                | Q(kind="swap", swap_with__isnull=False),
                name="cover_request_swap_has_partner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.assignment}"


class RotaEntry(models.Model):
    """Who works which shift, from the trust's e-roster: the staff on shift that coverage
    targets are computed from."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="rota_entries")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="rota_entries")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    batch = models.ForeignKey(
        "adoption.ImportBatch", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "rota entries"
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "area", "starts_at"], name="rota_entry_unique"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="rota_entry_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["area", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.staff} in {self.area} from {self.starts_at:%Y-%m-%d %H:%M}"
