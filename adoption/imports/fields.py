"""What each import kind reads: Golive's fields, their types and limits. This is also the
reference file format (the column names of Golive's own format are the field names)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FieldType(StrEnum):
    TEXT = "text"
    DATE = "date"
    DATETIME = "datetime"
    CODE = "code"  # mapped through a value map to one of ``choices``
    AREA = "area"  # a ward/department code, resolved to an Area
    STAFF_ID = "staff_id"  # a staff identifier; masked in reports
    PATIENT_ID = "patient_id"  # pseudonymised; never stored or shown raw
    STAFF_REF = "staff_ref"  # a staff number Golive must already know; masked in reports
    COURSE = "course"  # a course code of the programme


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    required: bool
    max_length: int = 200
    choices: tuple[str, ...] = ()
    help: str = ""
    allow_future: bool = False  # dates and times: e.g. a new starter's start, a rostered shift

    @property
    def is_identifier(self) -> bool:
        return self.type in {FieldType.STAFF_ID, FieldType.PATIENT_ID, FieldType.STAFF_REF}


EVENT_TYPES = (
    "login",
    "login_failed",
    "order_placed",
    "result_viewed",
    "note_signed",
    "documentation",
    "medication_administered",
    "procedure_recorded",
)
ORDER_TYPES = ("pathology", "radiology", "pharmacy", "microbiology", "other")
ROLE_GROUPS = ("nursing", "medical", "ahp", "pharmacy", "scientific", "admin", "support", "other")

EVENT_FIELDS: tuple[Field, ...] = (
    Field(
        "event_id",
        FieldType.TEXT,
        required=False,
        max_length=64,
        help="the EPR's own id for the event, if the extract has one",
    ),
    Field("occurred_at", FieldType.DATETIME, required=True, help="when it happened"),
    Field("event_type", FieldType.CODE, required=True, choices=EVENT_TYPES),
    Field("order_type", FieldType.CODE, required=False, choices=ORDER_TYPES),
    Field(
        "user_id",
        FieldType.STAFF_ID,
        required=True,
        max_length=64,
        help="the EPR user id, joined to staff members",
    ),
    Field("role", FieldType.CODE, required=False, choices=ROLE_GROUPS),
    Field("area", FieldType.AREA, required=True, max_length=65),
    Field("patient_id", FieldType.PATIENT_ID, required=False, max_length=64),
)

STAFF_FIELDS: tuple[Field, ...] = (
    Field("staff_number", FieldType.STAFF_ID, required=True, max_length=32),
    Field("full_name", FieldType.TEXT, required=True, max_length=200),
    Field("role_group", FieldType.CODE, required=True, choices=ROLE_GROUPS),
    Field("job_title", FieldType.TEXT, required=False, max_length=200),
    Field("area", FieldType.AREA, required=True, max_length=65),
    Field("start_date", FieldType.DATE, required=False, allow_future=True),
    Field("epr_user_id", FieldType.STAFF_ID, required=False, max_length=64),
    Field(
        "end_date",
        FieldType.DATE,
        required=False,
        allow_future=True,
        help="the day they leave (or left): from then on they count in no denominator",
    ),
)

COMPLETED = "completed"
NOT_COMPLETED = "not_completed"

TRAINING_FIELDS: tuple[Field, ...] = (
    Field("staff_number", FieldType.STAFF_REF, required=True, max_length=32),
    # A course code, or (through the profile's value map or the course's name) a learning
    # system's course title, which is longer than a code.
    Field("course", FieldType.COURSE, required=True, max_length=200),
    Field("completed_on", FieldType.DATE, required=True),
    Field(
        "status",
        FieldType.CODE,
        required=False,
        choices=(COMPLETED, NOT_COMPLETED),
        help="learning systems list enrolments too: only completed rows are completions",
    ),
)

ROSTER_FIELDS: tuple[Field, ...] = (
    Field("staff_number", FieldType.STAFF_REF, required=True, max_length=32),
    Field("area", FieldType.AREA, required=True, max_length=65),
    Field("starts_at", FieldType.DATETIME, required=True, allow_future=True, help="shift start"),
    Field("ends_at", FieldType.DATETIME, required=True, allow_future=True, help="shift end"),
)

FIELDS_BY_KIND: dict[str, tuple[Field, ...]] = {
    "events": EVENT_FIELDS,
    "staff": STAFF_FIELDS,
    "training": TRAINING_FIELDS,
    "roster": ROSTER_FIELDS,
}
