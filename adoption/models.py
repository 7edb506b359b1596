"""Adoption: extract imports (batches, mapping profiles, reported problems) and the
pseudonymised EPR events they load."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from simple_history.models import HistoricalRecords

from golive.fields import FreeCharField, FreeTextField
from golive.models import Area, GoLive, Programme, RoleGroup, StaffMember


class ImportKind(models.TextChoices):
    EVENTS = "events", "EPR event extract"
    STAFF = "staff", "Staff list"
    TRAINING = "training", "Training completions"
    ROSTER = "roster", "E-roster (who works which shift)"


class MappingProfile(models.Model):
    """How one vendor report's columns, codes and dates map onto a Golive import kind.

    ``spec`` is validated by ``adoption.imports.profiles.parse_spec``; built-in profiles for
    Golive's own reference formats live in code, not in this table.
    """

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="mapping_profiles"
    )
    name = FreeCharField(max_length=100)
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    description = FreeTextField(blank=True)
    spec = models.JSONField()
    version = models.PositiveIntegerField(
        default=1, help_text="Counts every saved change; each batch records the one it used."
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"], name="mapping_profile_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    """One uploaded file and everything that happened to it. The row, not the broker, is the
    record of the work: a task claims it by moving it out of ``queued``."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        VALIDATING = "validating", "Validating"
        LOADING = "loading", "Loading"
        COMMITTED = "committed", "Committed"
        REJECTED = "rejected", "Rejected"
        FAILED = "failed", "Failed"
        CHECKED = "checked", "Dry run finished"
        WITHDRAWING = "withdrawing", "Being withdrawn"
        WITHDRAWN = "withdrawn", "Withdrawn"

    ACTIVE = (Status.QUEUED, Status.VALIDATING, Status.LOADING)
    FINAL = (Status.COMMITTED, Status.REJECTED, Status.FAILED, Status.CHECKED, Status.WITHDRAWN)
    # Statuses whose file may be uploaded again: nothing of it is (or stays) in Golive.
    REPEATABLE = (Status.REJECTED, Status.FAILED, Status.CHECKED, Status.WITHDRAWN)
    # A confirmed "commit valid rows only" run numbers its attempts from here on, so that no
    # attempt of the first run can ever record its outcome over it (``attempts`` only grows);
    # people see the run's attempts counted from 1 (``attempts_in_run``).
    PARTIAL_RUN_ATTEMPTS_FROM = 100

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="imports")
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    profile_name = FreeCharField(max_length=100)
    profile_spec = models.JSONField(help_text="The mapping as it was when the batch ran.")
    profile_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The saved profile's version; empty for built-in ones."
    )
    dry_run = models.BooleanField(
        default=False, help_text="Validate and report only: nothing is written but the report."
    )
    correction = models.BooleanField(
        default=False,
        help_text="Correct earlier imports: rows whose natural keys exist with different "
        "content replace them (chosen by a programme manager).",
    )
    mark_leavers = models.BooleanField(
        default=False,
        help_text="Staff lists: the file is the full list, so staff missing from it are "
        "marked as leavers.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_batches"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    file_name = FreeCharField(max_length=255)
    file_size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_path = models.CharField(max_length=500)
    file_deleted_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the uploaded file (which holds raw identifiers) was deleted.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    partial_allowed = models.BooleanField(
        default=False, help_text="Commit valid rows only (confirmed after seeing the errors)."
    )
    partial_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    partial_confirmed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The worker's last sign of life (every few seconds while it works), or when "
        "a queued batch was last sent to the queue.",
    )
    awaiting_broker = models.BooleanField(
        default=False,
        help_text="Saved, but the queue could not be reached: the sweeper sends it when the "
        "queue is back.",
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_read = models.BigIntegerField(default=0)
    rows_inserted = models.BigIntegerField(default=0)
    rows_updated = models.BigIntegerField(default=0)
    rows_unchanged = models.BigIntegerField(default=0)
    rows_rejected = models.BigIntegerField(default=0)
    rows_duplicate = models.BigIntegerField(default=0)
    rows_superseded = models.BigIntegerField(
        default=0, help_text="Rows of this batch later replaced by a correction."
    )
    rows_leavers = models.BigIntegerField(
        default=0, help_text="Staff lists: staff marked (or, in a dry run, to be marked) leavers."
    )
    issues_total = models.BigIntegerField(default=0)
    issue_counts = models.JSONField(
        default=dict, blank=True, help_text="Problems by reason code, all of them (not capped)."
    )
    unknown_values = models.JSONField(
        default=dict,
        blank=True,
        help_text='Distinct unknown values of coded columns: {field: {"column": source column, '
        '"values": [[value, rows], ...] (most rows first, capped), "distinct": n}}.',
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawal_reason = FreeTextField(blank=True)
    bytes_processed = models.BigIntegerField(default=0)
    bytes_total = models.BigIntegerField(default=0, help_text="Uncompressed size.")
    message = FreeTextField(blank=True)
    notices = models.JSONField(default=list, blank=True)
    local_dates = models.JSONField(
        default=list,
        blank=True,
        help_text="The local days (ISO dates) an events batch's rows fall on: what rollups "
        "recompute, without scanning the events table for the batch's rows.",
    )
    # The audit trail keeps what a person did to a batch (uploaded it, confirmed a partial
    # commit) and its outcome, not the pipeline's progress counters.
    history = HistoricalRecords(
        excluded_fields=[
            "heartbeat_at",
            "awaiting_broker",
            "bytes_processed",
            "bytes_total",
            "local_dates",
            "notices",
            "profile_spec",
            "issue_counts",
            "unknown_values",
        ]
    )

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="import_batch_sweep_idx")]
        constraints = [
            # One committed batch per file content: the "already imported" rule, enforced.
            models.UniqueConstraint(
                fields=["programme", "kind", "sha256"],
                # A dry run imports nothing: it never stands in the way of a real upload.
                condition=~Q(status__in=["rejected", "failed", "checked", "withdrawn"])
                & Q(dry_run=False),
                name="import_batch_file_once",
            ),
        ]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"Batch {self.pk}: {self.file_name}"

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL

    @staticmethod
    def run_attempt(attempts: int) -> int:
        """An attempt number as people count it: within its run (the import, or the partial
        run a programme manager confirmed)."""
        base = ImportBatch.PARTIAL_RUN_ATTEMPTS_FROM
        return attempts - base if attempts >= base else attempts

    @property
    def attempts_in_run(self) -> int:
        return self.run_attempt(self.attempts)

    @property
    def committed_with_rejections(self) -> bool:
        return self.status == self.Status.COMMITTED and self.rows_rejected > 0

    @property
    def status_label(self) -> str:
        if self.committed_with_rejections:
            return f"Committed with {self.rows_rejected:,} rows rejected"
        return self.get_status_display()


class ImportIssue(models.Model):
    """A problem found in a file: a row error, an in-file duplicate, or a file-level refusal.
    Values are stored masked when they are identifiers."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="issues")
    line = models.PositiveIntegerField(null=True, blank=True)
    # Whatever column a value came from (a profile may map the NHS number column as a role),
    # no NHS number is stored here: the free-text fields scrub every write (golive/fields.py).
    column = FreeCharField(max_length=200, blank=True)
    code = models.CharField(max_length=40)
    message = FreeTextField()
    value = FreeCharField(max_length=200, blank=True)
    expected = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["line", "pk"]

    def __str__(self) -> str:
        return f"{self.code} at line {self.line}" if self.line else self.code


class EventType(models.TextChoices):
    LOGIN = "login", "Login"
    LOGIN_FAILED = "login_failed", "Login failed"
    ORDER_PLACED = "order_placed", "Order placed"
    RESULT_VIEWED = "result_viewed", "Result viewed"
    NOTE_SIGNED = "note_signed", "Note signed"
    DOCUMENTATION = "documentation", "Documentation recorded"
    MEDICATION_ADMINISTERED = "medication_administered", "Medication administered"
    PROCEDURE_RECORDED = "procedure_recorded", "Procedure recorded"


class OrderType(models.TextChoices):
    PATHOLOGY = "pathology", "Pathology"
    RADIOLOGY = "radiology", "Radiology"
    PHARMACY = "pharmacy", "Pharmacy"
    MICROBIOLOGY = "microbiology", "Microbiology"
    OTHER = "other", "Other"


def type_bits(choices: type[models.TextChoices], values: Iterable[str]) -> int:
    """The bits of ``values`` in a mask of ``choices`` (``DailyUserActivity.event_mask`` and
    ``order_mask``): a type's bit is its position in the choices. New types are therefore
    appended to ``EventType`` and ``OrderType``, never inserted or reordered, or every stored
    mask would change meaning."""
    order = list(choices.values)
    return sum(1 << order.index(str(value)) for value in set(values))


class Event(models.Model):
    """One pseudonymised EPR event. ``event_key`` is the natural key that makes re-imports
    and overlapping extracts insert nothing twice.

    Millions of rows arrive per file, so the table carries only the indexes its readers need
    and no database-level foreign keys: the pipeline resolves every area and staff id before
    the merge, and PostgreSQL's deferred per-row key checks cost more than the load itself
    (measured: 14 s of a 60 s import of 1,000,000 rows; see bench/README.md). Deleting an
    area, staff member or batch is still guarded, by Django; the merge checks every staged
    id in one query."""

    event_key = models.UUIDField(unique=True)
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.PROTECT,  # enforced by Django, not by a database key
        related_name="events",
        db_constraint=False,
        db_index=False,
    )
    occurred_at = models.DateTimeField()
    local_date = models.DateField(help_text="The day in the trust's time zone.")
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    order_type = models.CharField(max_length=20, choices=OrderType.choices, blank=True)
    # Indexed through event_rollup_idx, which starts with the area.
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="events",
        db_constraint=False,
        db_index=False,
    )
    epr_user_id = models.CharField(max_length=64)
    # Matched to ``StaffMember.epr_user_key`` (the same expression): how the rollups link a
    # user's activity to the staff list as it is when they run (``rollups.ACTIVITY_SQL``).
    epr_user_key = models.GeneratedField(
        expression=Upper("epr_user_id"),
        output_field=models.CharField(max_length=64),
        db_persist=True,
    )
    # The staff member the import found for this EPR user id, as the file was loaded; not
    # updated by later staff lists (figures link through ``epr_user_key`` instead).
    staff = models.ForeignKey(
        StaffMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        db_constraint=False,
        db_index=False,
    )
    role_group = models.CharField(max_length=20, choices=RoleGroup.choices, blank=True)
    patient_pseudonym = models.CharField(max_length=32, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["area", "local_date", "event_type"], name="event_rollup_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_type_display()} at {self.occurred_at:%Y-%m-%d %H:%M}"


# Analytics: rollups of events, the metric catalogue and change markers.


class DailyRollup(models.Model):
    """Events per local day × area × event type × order type × role group. Derived from
    ``Event`` by ``adoption.analytics.rollups`` (upserts on this natural key); never edited by hand.

    ``users`` is distinct within the cell only: distinct users do not add across cells, so
    active-user figures come from ``DailyUserActivity`` instead."""

    local_date = models.DateField()
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    order_type = models.CharField(max_length=20, choices=OrderType.choices, blank=True)
    role_group = models.CharField(max_length=20, choices=RoleGroup.choices, blank=True)
    events = models.PositiveIntegerField()
    users = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["local_date", "area", "event_type", "order_type", "role_group"],
                name="daily_rollup_key",
            )
        ]
        indexes = [models.Index(fields=["area", "local_date"], name="daily_rollup_area_idx")]

    def __str__(self) -> str:
        return f"{self.local_date} {self.area_id} {self.event_type}: {self.events}"


class DailyUserActivity(models.Model):
    """One row per local day × area × EPR user who did anything but fail to log in: what
    exact active-user counts, staff-list joins and first use are computed from."""

    local_date = models.DateField()
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    epr_user_id = models.CharField(max_length=64)
    # Matched to ``StaffMember.epr_user_key`` (the same expression) to link staff.
    epr_user_key = models.GeneratedField(
        expression=Upper("epr_user_id"),
        output_field=models.CharField(max_length=64),
        db_persist=True,
    )
    staff = models.ForeignKey(
        StaffMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    role_group = models.CharField(max_length=20, choices=RoleGroup.choices, blank=True)
    events = models.PositiveIntegerField()
    # Active in another area the same day too: the only rows an exact distinct count over
    # several areas needs beyond ``DailyAreaUsers`` (see ``metrics.active_users_per_day``).
    in_several_areas = models.BooleanField(default=False)
    # What the user did here that day, as bits of ``type_bits``: which event types (a failed
    # log-in included, when they also did something else) and which order types they placed
    # orders of. Distinct-user metrics filter people by them with a bitwise AND, so they need
    # no event-level read; a mask per row rather than a row per type keeps this table one row
    # per person, area and day, which the exact distinct count across areas relies on.
    event_mask = models.PositiveIntegerField(default=0)
    order_mask = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "daily user activity"
        constraints = [
            models.UniqueConstraint(
                fields=["local_date", "area", "epr_user_id"], name="daily_user_activity_key"
            )
        ]
        indexes = [
            models.Index(fields=["area", "local_date"], name="daily_user_area_idx"),
            models.Index(fields=["staff", "local_date"], name="daily_user_staff_idx"),
            models.Index(
                fields=["local_date", "area"],
                condition=models.Q(in_several_areas=True),
                name="daily_user_several_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_date} {self.area_id} {self.epr_user_id}"


class DailyAreaUsers(models.Model):
    """Active users per local day × area × role group, counted from ``DailyUserActivity``
    by ``adoption.analytics.rollups``: what active-user series read, so that no request counts
    distinct users over a year of activity rows (bench/README.md)."""

    local_date = models.DateField()
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    role_group = models.CharField(max_length=20, choices=RoleGroup.choices, blank=True)
    users = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "daily area users"
        constraints = [
            models.UniqueConstraint(
                fields=["local_date", "area", "role_group"], name="daily_area_users_key"
            )
        ]
        indexes = [models.Index(fields=["area", "local_date"], name="daily_area_users_area_idx")]

    def __str__(self) -> str:
        return f"{self.local_date} {self.area_id} {self.role_group}: {self.users}"


class Metric(models.Model):
    """A named adoption measure, defined as data so programme managers can add their own."""

    class Aggregate(models.TextChoices):
        COUNT = "count", "Count of events per day"
        ACTIVE_USERS = "active_users", "Distinct active users per day"
        PER_ACTIVE_USER = "per_active_user", "Events per active user"
        RATIO = "ratio", "Ratio of two metrics"
        STAFF_ACTIVE_SHARE = "staff_active_share", "Share of in-scope staff active"
        TRAINED_ACTIVE_SHARE = "trained_active_share", "Share of trained staff active"

    class Unit(models.TextChoices):
        PER_DAY = "per_day", "per day"
        USERS = "users", "users"
        PER_USER = "per_user", "per active user"
        PERCENT = "percent", "%"
        RATIO = "ratio", "ratio"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="metrics")
    name = FreeCharField(max_length=120)
    description = FreeTextField(blank=True)
    aggregate = models.CharField(max_length=30, choices=Aggregate.choices)
    event_types = models.JSONField(
        default=list, blank=True, help_text="Event types counted; empty means all."
    )
    order_types = models.JSONField(
        default=list, blank=True, help_text="Order types counted; empty means all."
    )
    role_groups = models.JSONField(
        default=list, blank=True, help_text="Role groups counted; empty means all."
    )
    numerator = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    denominator = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.CharField(max_length=20, choices=Unit.choices)
    higher_is_better = models.BooleanField(default=True)
    is_headline = models.BooleanField(
        default=False, help_text="Shown as a chart on the adoption dashboard."
    )
    is_builtin = models.BooleanField(default=False, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="metric_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def unit_label(self) -> str:
        return str(self.get_unit_display())


class ChangeMarker(models.Model):
    """Something that happened on a date and may have changed how the EPR is used."""

    class Kind(models.TextChoices):
        GO_LIVE = "go_live", "Go-live"
        RELEASE = "release", "Release"
        CONFIGURATION = "configuration", "Configuration change"
        TRAINING = "training", "Training push"

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="change_markers"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    on = models.DateField("date")
    title = FreeCharField(max_length=120)
    description = FreeTextField(blank=True)
    areas = models.ManyToManyField(
        Area,
        blank=True,
        related_name="change_markers",
        help_text="The areas the change touched; leave empty for the whole programme.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[areas])

    class Meta:
        ordering = ["on", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.on:%d %b %Y})"


# Staff feedback: short surveys per go-live, answered without an account.


def _survey_token() -> str:
    return secrets.token_urlsafe(18)


class Survey(models.Model):
    """A short staff survey for one go-live, answered through a shareable link."""

    go_live = models.ForeignKey(GoLive, on_delete=models.CASCADE, related_name="surveys")
    title = FreeCharField(max_length=120)
    token = models.CharField(max_length=32, unique=True, default=_survey_token, editable=False)
    is_open = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class FeedbackTheme(models.Model):
    """A theme the team sees in free-text feedback, and what was done about it."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    name = FreeCharField(max_length=120)
    you_said = FreeTextField("You said", blank=True)
    we_did = FreeTextField("We did", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="feedback_theme_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Agreement(models.IntegerChoices):
    STRONGLY_DISAGREE = 1, "Strongly disagree"
    DISAGREE = 2, "Disagree"
    NEUTRAL = 3, "Neither agree nor disagree"
    AGREE = 4, "Agree"
    STRONGLY_AGREE = 5, "Strongly agree"


class SurveyResponse(models.Model):
    """One submitted answer sheet. ``submission`` comes from the form, so a double submit
    (or a resent request) is stored once.

    One response per respondent per survey per ``period`` (the ISO week, Monday to Sunday,
    in the trust's time zone) counts. ``respondent`` is a hash of a random id the survey
    page issued to the browser (never a person, never an address); a later response from
    the same respondent in the same period is stored with ``is_repeat`` set, and left out
    of scores, counts and comments (see ``adoption.feedback.services.record_response``).
    Responses from before respondents were recorded have an empty ``respondent``."""

    ITEMS = {
        "quality": "The EPR enables me to deliver quality care",
        "available": "The EPR is available when I need it",
        "fast": "The EPR is fast",
        "easy_to_learn": "The EPR was easy to learn",
        "training": "My training prepared me to use the EPR",
    }

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    submission = models.UUIDField(unique=True)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    role_group = models.CharField(max_length=20, choices=RoleGroup.choices, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    respondent = models.CharField(max_length=64, blank=True, editable=False)
    period = models.DateField(help_text="The Monday of the week the response counts for.")
    is_repeat = models.BooleanField(default=False, editable=False)
    quality = models.PositiveSmallIntegerField(choices=Agreement.choices)
    available = models.PositiveSmallIntegerField(choices=Agreement.choices)
    fast = models.PositiveSmallIntegerField(choices=Agreement.choices)
    easy_to_learn = models.PositiveSmallIntegerField(choices=Agreement.choices)
    training = models.PositiveSmallIntegerField(choices=Agreement.choices)
    comment = FreeTextField(blank=True, max_length=1000)
    theme = models.ForeignKey(
        FeedbackTheme, on_delete=models.SET_NULL, null=True, blank=True, related_name="responses"
    )

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["survey", "area"], name="survey_response_area_idx")]
        constraints = [
            # The database, not a check-then-insert, decides which of two racing responses
            # from one respondent counts: the loser is stored as a repeat.
            models.UniqueConstraint(
                fields=["survey", "respondent", "period"],
                condition=Q(is_repeat=False) & ~Q(respondent=""),
                name="survey_response_one_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.survey}"

    def answers(self) -> list[int]:
        return [getattr(self, name) for name in self.ITEMS]
