"""The shared core: who the trust is, where care happens, what goes live, who works there,
and who may see what."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS as KNOX
from simple_history.models import HistoricalRecords

from golive.fields import FreeCharField, FreeTextField

ods_code_validator = RegexValidator(
    r"^[A-Z0-9]{3,6}$", "Enter an ODS code: 3 to 6 capital letters or digits, e.g. RCF."
)
code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$",
    "Use letters, digits, dot, dash or underscore (at most 32 characters).",
)


# knox ships no type information, so the checker cannot build ApiToken's related manager.
class User(AbstractUser):  # type: ignore[django-manager-missing]
    """A person who signs in. Roles come from ``RoleGrant`` rows, never from flags here."""

    # Names are typed by people (and by administrators creating accounts): free text.
    first_name = FreeCharField(_("first name"), max_length=150, blank=True)
    last_name = FreeCharField(_("last name"), max_length=150, blank=True)
    oidc_subject = models.CharField(
        max_length=255,
        blank=True,
        default="",
        help_text="The identity provider's stable 'sub' claim; single sign-on matches on it.",
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["oidc_subject"],
                condition=~Q(oidc_subject=""),
                name="user_oidc_subject_unique",
            )
        ]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Organisation(models.Model):
    """An NHS trust, identified by its ODS code."""

    ods_code = models.CharField(
        "ODS code", max_length=6, unique=True, validators=[ods_code_validator]
    )
    name = FreeCharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.ods_code})"


class Site(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sites")
    code = models.CharField(max_length=32, validators=[code_validator])
    name = FreeCharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="site_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    """A ward, department or service: the unit that goes live and that managers look after."""

    class AreaType(models.TextChoices):
        WARD = "ward", "Ward"
        DEPARTMENT = "department", "Department"
        SERVICE = "service", "Service"
        THEATRE = "theatre", "Theatre"
        OUTPATIENTS = "outpatients", "Outpatient clinic"

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="areas")
    code = models.CharField(max_length=32, validators=[code_validator])
    name = FreeCharField(max_length=200)
    area_type = models.CharField(max_length=20, choices=AreaType.choices, default=AreaType.WARD)
    specialty = FreeCharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["site__name", "name"]
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="area_code_unique")]

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    """An EPR deployment at one trust; it runs one or more go-live waves."""

    class JourneyStage(models.TextChoices):
        # The NHS England EPR tracker's "Stage of Journey" vocabulary (see README, Data).
        OBC_DEVELOPMENT = "development_obc", "Development Stage - OBC Development and Review"
        OBC_APPROVED = "procurement_obc_approved", "Procurement Stage - OBC Approved"
        FBC_DEVELOPMENT = "procurement_fbc", "Procurement Stage - FBC Development and Review"
        CONTRACT_AWARDED = (
            "procurement_awarded",
            "Procurement Stage - Contract Awarded/FBC Approved",
        )
        IMPLEMENTATION = "implementation", "Implementation Stage - EPR Implementation"
        PHASED_GO_LIVE = "delivery_phased", "Delivery Stage - Phased Go Live (Trust Live)"
        BIG_BANG_GO_LIVE = (
            "delivery_big_bang",
            "Delivery Stage - Big Bang Go Live (Complete Stabilisation)",
        )
        EXTENDING = "delivery_extending", "Delivery Stage - Extending"
        OPTIMISING = "delivery_optimising", "Delivery Stage - Optimising"
        MINIMUM_CRITERIA_MET = "end_minimum_criteria", "End Stage - Minimum Criteria Met"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="programmes"
    )
    name = FreeCharField(max_length=200)
    epr_supplier = FreeCharField("EPR supplier", max_length=200, blank=True)
    journey_stage = models.CharField(
        max_length=40, choices=JourneyStage.choices, default=JourneyStage.IMPLEMENTATION
    )
    description = FreeTextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="programme_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class GoLive(models.Model):
    """One wave or event of a programme: a set of areas going live on a date."""

    class Approach(models.TextChoices):
        BIG_BANG = "big_bang", "Big bang"
        PHASED = "phased", "Phased"
        MODULAR = "modular", "Modular"

    class Stage(models.TextChoices):
        PLANNING = "planning", "Planning"
        READINESS = "readiness", "Readiness"
        GO_NO_GO = "go_no_go", "Go/no-go"
        TECHNICAL_LIVE = "technical_live", "Technical go-live (dual running)"
        HYPERCARE = "hypercare", "Live: hypercare"
        STABILISED = "stabilised", "Stabilised"
        CLOSED = "closed", "Closed"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="go_lives")
    name = FreeCharField(max_length=200)
    approach = models.CharField(max_length=20, choices=Approach.choices, default=Approach.PHASED)
    technical_go_live_date = models.DateField(null=True, blank=True)
    # Old and new systems both in use (from the technical go-live, or from the user go-live
    # when there is no separate technical one) until this day.
    dual_running_ends_on = models.DateField("dual running ends on", null=True, blank=True)
    user_go_live_date = models.DateField()
    stabilisation_ends_on = models.DateField("end of stabilisation", null=True, blank=True)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.PLANNING)
    areas = models.ManyToManyField(Area, related_name="go_lives", blank=True)
    scope_note = FreeCharField(
        "patient cohort",
        max_length=200,
        blank=True,
        help_text="Who the go-live covers within its areas, e.g. 'adult inpatients only'.",
    )
    history = HistoricalRecords(m2m_fields=[areas])

    class Meta:
        ordering = ["user_go_live_date", "name"]
        verbose_name = "go-live"
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="golive_name_unique"),
            models.CheckConstraint(
                condition=Q(technical_go_live_date__isnull=True)
                | Q(technical_go_live_date__lte=models.F("user_go_live_date")),
                name="golive_technical_before_user",
                violation_error_message=(
                    "The technical go-live must be on or before the user go-live."
                ),
            ),
            models.CheckConstraint(
                condition=Q(stabilisation_ends_on__isnull=True)
                | Q(stabilisation_ends_on__gte=models.F("user_go_live_date")),
                name="golive_stabilisation_after_user",
                violation_error_message=("Stabilisation must end on or after the user go-live."),
            ),
            models.CheckConstraint(
                condition=Q(dual_running_ends_on__isnull=True)
                | Q(technical_go_live_date__isnull=True)
                | Q(dual_running_ends_on__gte=models.F("technical_go_live_date")),
                name="golive_dual_running_after_technical",
                violation_error_message=(
                    "Dual running must end on or after the technical go-live."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Release(models.Model):
    """A component going live with a go-live (several releases may ship together)."""

    go_live = models.ForeignKey(GoLive, on_delete=models.CASCADE, related_name="releases")
    name = FreeCharField(max_length=200)
    version = FreeCharField(max_length=50, blank=True)
    planned_date = models.DateField("planned date", null=True, blank=True)
    description = FreeTextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["planned_date", "name"]
        constraints = [
            models.UniqueConstraint(fields=["go_live", "name"], name="release_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}".strip()


class RoleGroup(models.TextChoices):
    NURSING = "nursing", "Nursing and midwifery"
    MEDICAL = "medical", "Medical and dental"
    AHP = "ahp", "Allied health professionals"
    PHARMACY = "pharmacy", "Pharmacy"
    SCIENTIFIC = "scientific", "Healthcare scientists"
    ADMIN = "admin", "Administrative and clerical"
    SUPPORT = "support", "Clinical support"
    OTHER = "other", "Other"


class StaffMember(models.Model):
    """Someone on the trust's staff list. Visible only to roles that need staff data."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="staff")
    staff_number = models.CharField(max_length=32, validators=[code_validator])
    full_name = FreeCharField(max_length=200)
    role_group = models.CharField(max_length=20, choices=RoleGroup.choices)
    job_title = FreeCharField(max_length=200, blank=True)
    areas = models.ManyToManyField(Area, related_name="staff", blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(
        null=True,
        blank=True,
        help_text="Left the trust (or the post) on this day: from then on they count in no "
        "training denominator, rota or nomination. History stays.",
    )
    epr_user_id = models.CharField(
        "EPR user id",
        max_length=64,
        blank=True,
        default="",
        help_text="The staff member's id in the EPR, used to join extracts.",
    )
    # The EPR user id as extracts are matched to it (ignoring case), kept by the database on
    # every write, so linking events to staff is an indexed equality join, never upper() of
    # every row against upper() of every staff member.
    epr_user_key = models.GeneratedField(
        expression=Upper("epr_user_id"),
        output_field=models.CharField(max_length=64),
        db_persist=True,
    )
    user = models.OneToOneField(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="staff_member"
    )
    history = HistoricalRecords(m2m_fields=[areas], excluded_fields=["epr_user_key"])

    class Meta:
        ordering = ["full_name"]
        verbose_name = "staff member"
        indexes = [
            models.Index(fields=["organisation", "epr_user_key"], name="staff_epr_user_key_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "staff_number"], name="staff_number_unique"
            ),
            models.UniqueConstraint(
                fields=["organisation", "epr_user_id"],
                condition=~Q(epr_user_id=""),
                name="staff_epr_user_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.staff_number})"

    @staticmethod
    def in_post(on: Any, prefix: str = "") -> Q:
        """Staff not yet left on ``on`` (a date, or an expression such as ``F("day")``):
        a leaver counts nowhere from their end date on. ``prefix`` reaches the staff member
        through a relation, e.g. ``"staff__"``."""
        return Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gt": on})


class Role(models.TextChoices):
    PROGRAMME_MANAGER = "programme_manager", "Programme manager"
    READINESS_CHAIR = "readiness_chair", "Readiness group chair"
    CLINICAL_SAFETY_OFFICER = "clinical_safety_officer", "Clinical safety officer"
    WARD_MANAGER = "ward_manager", "Ward manager"
    TRAINING_LEAD = "training_lead", "Training lead"
    SERVICE_DESK_AGENT = "service_desk_agent", "Service desk agent"
    CHAMPION = "champion", "Champion / super user"
    EXECUTIVE = "executive", "Executive (read only)"
    ADMINISTRATOR = "administrator", "Administrator"


class RoleGrantQuerySet(models.QuerySet["RoleGrant"]):
    def in_force(self, day: dt.date) -> RoleGrantQuerySet:
        """Grants that apply on ``day``: started (or no start) and not ended (or no end)."""
        return self.filter(Q(starts_on__isnull=True) | Q(starts_on__lte=day)).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=day)
        )


class RoleGrant(models.Model):
    """Grants a role to a user for a whole programme, for one site's areas (those added to
    the site later included), or only for the listed areas; between optional dates."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=40, choices=Role.choices)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="role_grants")
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_grants",
        help_text="Grant the role for every area of this site (leave areas empty).",
    )
    areas = models.ManyToManyField(
        Area,
        blank=True,
        related_name="role_grants",
        help_text="Leave empty (and no site) to grant the role across the whole programme.",
    )
    starts_on = models.DateField("starts on", null=True, blank=True)
    ends_on = models.DateField("ends on", null=True, blank=True)
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[areas])

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "programme"], name="role_grant_unique"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="role_grant_dates_in_order",
                violation_error_message="A grant must end on or after the day it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.programme}"


class WorkerHeartbeat(models.Model):
    """Written by a periodic task, read by ``/readyz`` to tell that a worker is alive."""

    name = models.CharField(max_length=100, unique=True)
    beat_at = models.DateTimeField()
    hostname = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class ApiToken(AbstractAuthToken):
    """A personal API token a user makes for a script (``golive.accounts.api_tokens``).

    knox keeps only a hash of the secret (``digest``) and its first characters
    (``token_key``) to find the row; the secret itself is shown once, when it is made. A
    token acts as its user, with the user's roles and scopes as they are at each request.
    Revoked tokens are kept (``revoked_at``), so the list and the history say what was
    revoked and when."""

    id = models.BigAutoField(primary_key=True)
    # knox makes the digest the primary key; here it is only unique, so pages and URLs name
    # a token by a number that says nothing about its secret.
    digest = models.CharField(max_length=KNOX.DIGEST_LENGTH, unique=True)
    expiry = models.DateTimeField()
    name = FreeCharField(max_length=100, help_text="What the token is for, in the user's words.")
    read_only = models.BooleanField(
        default=False, help_text="The token may only read (GET), whatever the user's role."
    )
    last_used = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["digest", "token_key", "last_used"])

    class Meta:
        ordering = ["-created"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @property
    def is_expired(self) -> bool:
        return self.expiry <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired
