"""Row validation and transformation. Errors are collected, never thrown: every row gets a
verdict and processing continues to the end of the file."""

from __future__ import annotations

import collections
import datetime as dt
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from adoption.imports.fields import FIELDS_BY_KIND, NOT_COMPLETED, Field, FieldType
from adoption.imports.files import FileRefused, Record
from adoption.imports.keys import event_key
from adoption.imports.profiles import (
    SURNAME_FIRST,
    Profile,
    expected_format,
    normalise_code,
    parse_date,
    parse_datetime_noting_clock_changes,
)
from golive.identifiers import contains_nhs_number, mask, pseudonymise, pseudonymise_nhs_number


@dataclass(frozen=True)
class Issue:
    line: int | None
    column: str
    code: str
    message: str
    value: str = ""
    expected: str = ""


@dataclass(frozen=True)
class Layout:
    """Where each mapped field sits in the file's header. A field made of several columns
    (``Profile.composite_columns``) sits in a virtual column after the file's own ones,
    filled by ``with_composites``."""

    positions: dict[str, int]  # Golive field -> column index (virtual ones >= width)
    width: int
    notices: list[str]
    # Per virtual column: the separator and the source columns whose values make it ("|"
    # for ids and text; a space for dates and times, so "01/12/2026" and "07:30" read as
    # "%d/%m/%Y %H:%M", e.g. an e-roster's shift date and start time).
    composites: tuple[tuple[str, tuple[int, ...]], ...] = ()

    def plan(self, profile: Profile) -> list[tuple[Field, int, str, str]]:
        """Per field: its spec, column index (-1: not in the file; ``COMPOSITE``: several
        columns), column name and default; worked out once per file rather than per row."""
        return [
            (
                spec,
                self.positions.get(spec.name, -1),
                column_name(profile, spec.name),
                profile.defaults.get(spec.name, ""),
            )
            for spec in FIELDS_BY_KIND[profile.kind]
        ]

    def with_composites(self, cells: list[str]) -> list[str]:
        """The row's cells and, after them, each composite field's value: its source cells
        joined (blank when they all are)."""
        if not self.composites:
            return cells
        joined = []
        for separator, sources in self.composites:
            parts = [cells[position].strip() for position in sources]
            joined.append(separator.join(parts) if any(parts) else "")
        return [*cells, *joined]


def column_name(profile: Profile, name: str) -> str:
    """The source column(s) a field is read from, as a report names them."""
    if name in profile.composite_columns:
        return "+".join(profile.composite_columns[name])
    return profile.columns.get(name, name)


IDENTIFIER_LIKE = re.compile(r"\d{6,}")


def _shown_header_cell(cell: str) -> str:
    """A header cell as quoted back to the user. If the file has no header row, its first
    line is data: never echo anything that could be an identifier."""
    if IDENTIFIER_LIKE.search(cell):
        return "(a value that looks like an identifier)"
    return cell[:40]


def read_header(record: Record, profile: Profile) -> Layout:
    """Match the file's header to the profile, refusing the file before any row is read."""
    header = [cell.strip() for cell in record.cells]
    duplicates = sorted({name for name in header if header.count(name) > 1 and name})
    if duplicates:
        shown = ", ".join(_shown_header_cell(name) for name in duplicates)
        raise FileRefused(
            "HEADER_MISMATCH",
            f"The header repeats column names: {shown}. Each column needs a unique name.",
            line=1,
        )
    fields = {f.name: f for f in FIELDS_BY_KIND[profile.kind]}
    positions: dict[str, int] = {}
    missing: list[str] = []
    notices: list[str] = []
    for name, source in profile.columns.items():
        if source in header:
            positions[name] = header.index(source)
        elif fields[name].required:
            missing.append(source)
        else:
            notices.append(f"Column '{source}' (for {name}) is not in the file; left blank.")
    composites: list[tuple[str, tuple[int, ...]]] = []
    for name, sources in profile.composite_columns.items():
        absent = [source for source in sources if source not in header]
        separator = " " if fields[name].type in {FieldType.DATE, FieldType.DATETIME} else "|"
        if absent and (fields[name].required or separator == "|"):
            missing.extend(absent)  # every part of an id is needed, or the ids would collide
            continue
        if absent:
            shown = ", ".join(f"'{source}'" for source in absent)
            notices.append(f"Columns {shown} (for {name}) are not in the file; left blank.")
            continue
        positions[name] = len(header) + len(composites)
        composites.append((separator, tuple(header.index(source) for source in sources)))
    expected = _source_columns(profile)
    if missing:
        raise FileRefused(
            "HEADER_MISMATCH",
            f"Required columns are missing: {', '.join(missing)}. Expected the columns "
            f"{', '.join(expected)}; found "
            f"{', '.join(_shown_header_cell(cell) for cell in header) or 'nothing'}. "
            f"Check that the mapping profile '{profile.name}' matches this report.",
            line=1,
        )
    used = set(expected)
    notices.extend(
        f"Column '{name}' is not needed and was not stored." for name in header if name not in used
    )
    return Layout(
        positions=positions, width=len(header), notices=notices, composites=tuple(composites)
    )


def _source_columns(profile: Profile) -> list[str]:
    named = list(profile.columns.values())
    for sources in profile.composite_columns.values():
        named.extend(source for source in sources if source not in named)
    return named


# Types whose cells are never checked for NHS numbers: the patient column (pseudonymised)
# and dates and times (never stored as text; a wrong one is a row error, its value scrubbed).
_NOT_CHECKED_FOR_IDENTIFIERS = frozenset({FieldType.PATIENT_ID, FieldType.DATE, FieldType.DATETIME})


def checked_for_identifiers(spec: Field) -> bool:
    """Whether an NHS number in this field means the profile maps the wrong column. The
    EPR's event id is only hashed into the event key, never stored, and numeric ids pass the
    check digit by chance one time in eleven, so it is not checked."""
    return spec.type not in _NOT_CHECKED_FOR_IDENTIFIERS and spec.name != "event_id"


def identifier_in_wrong_column(
    line: int, column: str, spec: Field, raw: str, profile: Profile
) -> FileRefused:
    return FileRefused(
        "IDENTIFIER_IN_WRONG_COLUMN",
        f"Column '{column}' (read as {spec.name}) holds an NHS number on line {line} "
        f"({mask(raw)}). NHS numbers may only be in the patient identifier column, so nothing "
        f"was imported: check that the mapping profile '{profile.name}' maps the right "
        "source columns.",
        line=line,
        column=column,
        value=mask(raw),
    )


def check_identifiers_in_place(
    record: Record, plan: list[tuple[Field, int, str, str]], profile: Profile
) -> None:
    """Refuse the file if a cell other than the patient identifier holds an NHS number: one
    is enough, since it means a column is mapped wrongly, and its values would be stored
    (an EPR user id, a staff number) or echoed in the error report."""
    cells = record.cells
    for spec, position, column, _ in plan:
        if 0 <= position < len(cells) and checked_for_identifiers(spec):
            raw = cells[position].strip()
            if raw and contains_nhs_number(raw):
                raise identifier_in_wrong_column(record.line, column, spec, raw, profile)


@dataclass
class Lookups:
    """Reference data a row is checked against, loaded once per batch."""

    organisation_id: int
    areas: dict[str, int]  # "SITE/CODE" and unambiguous bare "CODE" (upper case) -> area id
    allowed_area_ids: set[int] | None  # None: the uploader may load any area
    staff_by_epr_id: dict[str, int]
    pseudonym_key: str
    now: dt.datetime
    earliest: dt.date = dt.date(2000, 1, 1)
    # Staff lists: who holds each EPR user id (database, then this file as it is read).
    epr_owners: dict[str, str] = field(default_factory=dict)
    epr_owners_in_file: dict[str, str] = field(default_factory=dict)
    # Training completions: staff number -> (staff id, their area ids); course code -> id.
    staff_by_number: dict[str, tuple[int, frozenset[int]]] = field(default_factory=dict)
    courses: dict[str, int] = field(default_factory=dict)
    pseudonyms: dict[str, str] = field(default_factory=dict)  # raw -> pseudonym ("" = invalid)
    unlinked_users: set[str] = field(default_factory=set)  # EPR user ids not on the staff list
    # Local times in a clock change, by kind (profiles.REPEATED_HOUR / SKIPPED_HOUR).
    clock_changes: collections.Counter[str] = field(default_factory=collections.Counter)
    trust_tz: zoneinfo.ZoneInfo = field(default_factory=lambda: zoneinfo.ZoneInfo("UTC"))


@dataclass
class RowResult:
    values: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


@dataclass(slots=True)
class Cell:
    """One cell being converted: where it is, what it holds, and what it should become."""

    line: int
    column: str
    raw: str
    spec: Field

    def issue(self, code: str, message: str, expected: str = "", *, masked: bool = False) -> Issue:
        shown = mask(self.raw) if masked or self.spec.is_identifier else self.raw[:200]
        return Issue(self.line, self.column, code, message, shown, expected)


Converted = tuple[Any, Issue | None]
PSEUDONYM_MEMO_SIZE = 500_000  # bounded: about 60 MB at most


def _to_datetime(cell: Cell, profile: Profile, lookups: Lookups) -> Converted:
    try:
        value, clock_change = parse_datetime_noting_clock_changes(cell.raw, profile)
    except (ValueError, OverflowError):
        message = f"'{cell.raw}' is not a valid date and time."
        return None, cell.issue("INVALID_DATE", message, expected_format(cell.spec.type, profile))
    too_late = value > lookups.now + dt.timedelta(minutes=5) and not cell.spec.allow_future
    if not profile.dates_are_shifted and (too_late or value.date() < lookups.earliest):
        message = f"'{cell.raw}' is in the future or before {lookups.earliest:%Y}."
        return None, cell.issue("DATE_OUT_OF_RANGE", message, "a date between 2000 and now")
    if clock_change:
        lookups.clock_changes[clock_change] += 1
    return value, None


def _to_date(cell: Cell, profile: Profile, lookups: Lookups) -> Converted:
    try:
        value = parse_date(cell.raw, profile)
    except (ValueError, OverflowError):
        message = f"'{cell.raw}' is not a valid date."
        return None, cell.issue("INVALID_DATE", message, expected_format(cell.spec.type, profile))
    today = lookups.now.astimezone(profile.tz).date()
    too_late = value > today and not cell.spec.allow_future
    if not profile.dates_are_shifted and (too_late or value < lookups.earliest):
        message = f"'{cell.raw}' is in the future or before {lookups.earliest:%Y}."
        return None, cell.issue("DATE_OUT_OF_RANGE", message, "a date between 2000 and today")
    return value, None


def _to_staff(cell: Cell, profile: Profile, lookups: Lookups) -> Converted:
    found = lookups.staff_by_number.get(cell.raw.upper())
    if found is None:
        message = "Golive has no staff member with this staff number. Import the staff list first."
        return None, cell.issue("UNKNOWN_STAFF", message, "a staff number from the staff list")
    staff_id, area_ids = found
    if lookups.allowed_area_ids is not None and not area_ids & lookups.allowed_area_ids:
        message = "This staff member does not work in any of your areas."
        return None, cell.issue("NOT_YOUR_AREA", message)
    return staff_id, None


def _to_course(cell: Cell, profile: Profile, lookups: Lookups) -> Converted:
    mapped = profile.mapped_code("course", cell.raw)
    course_id = lookups.courses.get(normalise_code(mapped))
    if course_id is None:
        message = f"'{cell.raw}' is not a course of this programme. Add the course or map it."
        return None, cell.issue("UNKNOWN_COURSE", message, "a course code")
    return course_id, None


def _to_code(cell: Cell, profile: Profile, lookups: Lookups) -> Converted:
    name = cell.spec.name
    mapped = profile.mapped_code(name, cell.raw)
    normalised = mapped.strip().lower()
    if normalised in cell.spec.choices:
        return normalised, None
    if name in profile.unmapped_codes:
        return profile.unmapped_codes[name], None
    message = (
        f"'{cell.raw}' is not a known {name.replace('_', ' ')}. Add it to the profile's value "
        f"map for {name}."
    )
    return None, cell.issue("UNKNOWN_CODE", message, ", ".join(cell.spec.choices))


def _to_area(cell: Cell, profile: Profile, lookups: Lookups) -> Converted:
    mapped = normalise_code(profile.mapped_code("area", cell.raw))
    area_id = lookups.areas.get(mapped)
    if area_id is None:
        message = (
            f"'{cell.raw}' is not an area Golive knows. Add it to the profile's area value map "
            "or create the area."
        )
        return None, cell.issue("UNKNOWN_AREA", message, "SITE/AREA code, e.g. NGH/W7B")
    if lookups.allowed_area_ids is not None and area_id not in lookups.allowed_area_ids:
        message = f"'{cell.raw}' is not one of your areas, so you cannot load rows for it."
        return None, cell.issue("NOT_YOUR_AREA", message)
    return area_id, None


def _to_patient(cell: Cell, profile: Profile, lookups: Lookups) -> Converted:
    # Extracts name the same patients thousands of times: remember each answer for the
    # batch (the memo lives in ``lookups`` and goes when the batch ends).
    known = lookups.pseudonyms.get(cell.raw)
    if known is None:
        # Only an NHS number column is read as NHS numbers: a hospital number that happens to
        # pass the check digit keeps the pseudonym it always had.
        if profile.patient_id_type == "nhs_number":
            known = pseudonymise_nhs_number(cell.raw, key=lookups.pseudonym_key) or ""
        else:
            known = pseudonymise(cell.raw, key=lookups.pseudonym_key)
        if len(lookups.pseudonyms) < PSEUDONYM_MEMO_SIZE:
            lookups.pseudonyms[cell.raw] = known
    if not known:
        message = "Not a valid NHS number (10 digits with a correct check digit)."
        return None, cell.issue("INVALID_IDENTIFIER", message, "10-digit NHS number")
    return known, None


def _as_text(cell: Cell, profile: Profile, lookups: Lookups) -> Converted:
    return cell.raw, None


CONVERTERS: dict[FieldType, Callable[[Cell, Profile, Lookups], Converted]] = {
    FieldType.DATETIME: _to_datetime,
    FieldType.DATE: _to_date,
    FieldType.CODE: _to_code,
    FieldType.AREA: _to_area,
    FieldType.PATIENT_ID: _to_patient,
    FieldType.TEXT: _as_text,
    FieldType.STAFF_ID: _as_text,
    FieldType.STAFF_REF: _to_staff,
    FieldType.COURSE: _to_course,
}


def check_record(
    record: Record,
    layout: Layout,
    profile: Profile,
    lookups: Lookups,
    plan: list[tuple[Field, int, str, str]] | None = None,
) -> RowResult:
    """Check and convert one row; ``plan`` (from ``layout.plan``) saves recomputing it."""
    result = RowResult()
    if len(record.cells) != layout.width:
        message = f"This row has {len(record.cells)} cells; the header has {layout.width}."
        result.issues.append(
            Issue(record.line, "", "COLUMN_COUNT", message, expected=f"{layout.width} cells")
        )
        return result
    plan = plan or layout.plan(profile)
    if layout.composites:
        record = Record(record.line, layout.with_composites(record.cells))
    check_identifiers_in_place(record, plan, profile)
    cells, values, issues = record.cells, result.values, result.issues
    for spec, position, column, default in plan:
        raw = (cells[position].strip() if position >= 0 else "") or default
        values[spec.name] = None
        if not raw:
            if spec.required:
                issues.append(Issue(record.line, column, "MISSING_VALUE", f"{column} is required."))
            continue
        cell = Cell(record.line, column, raw, spec)
        if len(raw) > spec.max_length:
            message = f"{len(raw)} characters; at most {spec.max_length} fit."
            issues.append(
                cell.issue("FIELD_TOO_LONG", message, f"at most {spec.max_length} characters")
            )
            continue
        value, issue = CONVERTERS[spec.type](cell, profile, lookups)
        if issue is not None:
            issues.append(issue)
        values[spec.name] = value
    if profile.kind == "training" and values.get("status") == NOT_COMPLETED:
        # An enrolment, not a completion: whatever else it lacks (usually a completion
        # date), it is skipped, and the merger counts it in a notice.
        result.issues.clear()
        return result
    extra_check = ROW_CHECKS.get(profile.kind)
    if extra_check is not None and not result.issues:
        result.issues.extend(extra_check(record.line, result.values, profile, lookups))
    return result


def check_staff_row(
    line: int, values: dict[str, Any], profile: Profile, lookups: Lookups
) -> list[Issue]:
    """An EPR user id belongs to one staff member: refuse a row that gives it to another."""
    number = values.get("staff_number")
    existing = lookups.staff_by_number.get((number or "").upper())
    restricted = lookups.allowed_area_ids is not None
    if (
        existing is not None
        and restricted
        and not existing[1] & (lookups.allowed_area_ids or set())
    ):
        column = profile.columns.get("staff_number", "staff_number")
        message = "This staff member works outside your areas, so you cannot change them."
        return [Issue(line, column, "NOT_YOUR_AREA", message, mask(number or ""))]
    epr = values.get("epr_user_id")
    if not epr or not number:
        return []
    key = epr.upper()
    owner = lookups.epr_owners.get(key) or lookups.epr_owners_in_file.setdefault(key, number)
    if owner == number:
        return []
    column = profile.columns.get("epr_user_id", "epr_user_id")
    message = f"This EPR user id already belongs to staff number {owner}."
    return [Issue(line, column, "DUPLICATE_IDENTIFIER", message, mask(epr), "a unique EPR user id")]


MAX_SHIFT = dt.timedelta(hours=24)


def _times_of_one_day(profile: Profile) -> bool:
    """Whether start and end are times read with the same date column (an e-roster's shift
    date): then an end at or before the start is on the next day."""
    starts = profile.composite_columns.get("starts_at", ())
    ends = profile.composite_columns.get("ends_at", ())
    return bool(starts) and bool(ends) and starts[0] == ends[0]


def next_day(moment: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """The same local clock time a day later (23 or 25 hours on a clock-change night)."""
    local = moment.astimezone(tz).replace(tzinfo=None) + dt.timedelta(days=1)
    return local.replace(tzinfo=tz).astimezone(dt.UTC)


def check_roster_row(
    line: int, values: dict[str, Any], profile: Profile, lookups: Lookups
) -> list[Issue]:
    """A shift ends after it starts, and within a day of it. A night shift written as a
    date with start and end times ends the next day."""
    starts, ends = values["starts_at"], values["ends_at"]
    if ends <= starts and _times_of_one_day(profile):
        ends = values["ends_at"] = next_day(ends, profile.tz)
    if starts < ends <= starts + MAX_SHIFT:
        return []
    column = profile.columns.get("ends_at", "ends_at")
    message = "The shift must end after it starts, and within 24 hours of its start."
    return [Issue(line, column, "INVALID_SHIFT", message, expected="an end after the start")]


ROW_CHECKS: dict[str, Callable[[int, dict[str, Any], Profile, Lookups], list[Issue]]] = {
    "staff": check_staff_row,
    "roster": check_roster_row,
}


StagedRow = tuple[Any, ...]


def staff_for(user_id: str, lookups: Lookups) -> int | None:
    staff_id = lookups.staff_by_epr_id.get(user_id.upper())
    if staff_id is None:
        lookups.unlinked_users.add(user_id.upper())
    return staff_id


def stage_event(line: int, values: dict[str, Any], profile: Profile, lookups: Lookups) -> StagedRow:
    occurred: dt.datetime = values["occurred_at"]
    user_id: str = values["user_id"]
    return (
        line,
        event_key(
            lookups.organisation_id,
            values.get("event_id") or "",
            str(occurred),
            values["event_type"],
            values.get("order_type") or "",
            user_id,
            values["area"],
            values.get("patient_id") or "",
        ),
        # Naive UTC text, the form Django itself writes (and compares) on both databases.
        occurred.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" "),
        # Daily figures use the trust's local day, whatever zone the extract was written in.
        occurred.astimezone(lookups.trust_tz).date().isoformat(),
        values["event_type"],
        values.get("order_type") or "",
        values["area"],
        user_id,
        staff_for(user_id, lookups),
        values.get("role") or "",
        values.get("patient_id") or "",
    )


TITLES = frozenset({"MR", "MRS", "MISS", "MS", "MX", "DR", "PROF", "PROFESSOR", "SIR", "DAME"})


def forename_first(name: str) -> str:
    """ "Smith, Jane" (ESR's "Surname, Title Forenames") as "Jane Smith"; the title goes, since
    Golive shows names without one. A name without a comma is kept as it is."""
    surname, comma, rest = name.partition(",")
    if not comma:
        return name
    words = rest.split()
    if len(words) > 1 and words[0].rstrip(".").upper() in TITLES:
        words = words[1:]
    return " ".join([*words, surname.strip()]).strip()


def stage_staff(line: int, values: dict[str, Any], profile: Profile, lookups: Lookups) -> StagedRow:
    start: dt.date | None = values.get("start_date")
    end: dt.date | None = values.get("end_date")
    name: str = values["full_name"]
    return (
        line,
        values["staff_number"],
        forename_first(name) if profile.name_order == SURNAME_FIRST else name,
        values["role_group"],
        values.get("job_title") or "",
        values["area"],
        start.isoformat() if start else "",
        values.get("epr_user_id") or "",
        end.isoformat() if end else "",
    )


def stage_training(
    line: int, values: dict[str, Any], profile: Profile, lookups: Lookups
) -> StagedRow:
    """Rows that are not completions (``NOT_COMPLETED``) are written for the merger to count
    and skip."""
    if values.get("status") == NOT_COMPLETED:
        return (line, "", "", "", NOT_COMPLETED)
    completed: dt.date = values["completed_on"]
    return (line, values["staff_number"], values["course"], completed.isoformat(), "")


def stage_roster(
    line: int, values: dict[str, Any], profile: Profile, lookups: Lookups
) -> StagedRow:
    starts: dt.datetime = values["starts_at"]
    ends: dt.datetime = values["ends_at"]
    return (line, values["staff_number"], values["area"], starts.isoformat(), ends.isoformat())


STAGERS: dict[str, Callable[[int, dict[str, Any], Profile, Lookups], StagedRow]] = {
    "events": stage_event,
    "staff": stage_staff,
    "training": stage_training,
    "roster": stage_roster,
}
