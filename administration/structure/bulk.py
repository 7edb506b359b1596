"""Areas created and updated in bulk from a CSV, under the import contract
(/work/shared/IMPORT_CONTRACT.md): file-level problems refused before any row is read, every
line checked and its problems collected (line as an editor shows it, column, value, code,
message), a plan of what each line would do, and all of it written in one transaction or
nothing.

Columns: site_code, code, name, type, specialty (header names in any case; specialty may be
left out; type is a choice's value or its label). The file itself is never kept: between the
preview and the confirmation the parsed lines are (in the session for pages), and the
confirmation checks them again against the database as it is then."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction

from administration.structure.selectors import require_manages_organisation
from golive.access import Access
from golive.identifiers import remove_nhs_numbers
from golive.models import Area, Organisation, Site, code_validator

MAX_BYTES = 1_000_000
MAX_ROWS = 5_000
MAX_ERRORS = 1_000
REQUIRED = ("site_code", "code", "name", "type")
OPTIONAL = ("specialty",)
TYPE_BY_WORD = {
    **{value.lower(): value for value, _ in Area.AreaType.choices},
    **{str(label).lower(): value for value, label in Area.AreaType.choices},
}
EXPECTED_TYPES = ", ".join(f"{value} ({label})" for value, label in Area.AreaType.choices)

Action = Literal["create", "update", "unchanged"]


def refused(code: str, message: str) -> ValidationError:
    return ValidationError(message, code=code)


@dataclass(frozen=True)
class Record:
    """One data line of the file: its line number (header = 1) and cells by column."""

    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class ParsedFile:
    records: tuple[Record, ...]
    sha256: str
    columns: tuple[str, ...]
    notices: tuple[str, ...] = ()

    def to_session(self) -> dict[str, Any]:
        return {
            "records": [[r.line, r.values] for r in self.records],
            "sha256": self.sha256,
            "columns": list(self.columns),
            "notices": list(self.notices),
        }

    @classmethod
    def from_session(cls, data: dict[str, Any]) -> ParsedFile:
        return cls(
            records=tuple(Record(int(line), dict(values)) for line, values in data["records"]),
            sha256=str(data["sha256"]),
            columns=tuple(data["columns"]),
            notices=tuple(data["notices"]),
        )


@dataclass(frozen=True)
class LineError:
    line: int
    column: str
    value: str
    code: str
    message: str


@dataclass(frozen=True)
class PlannedRow:
    line: int
    action: Action
    site_code: str
    code: str
    name: str
    area_type: str
    specialty: str | None  # None: the column was left out (kept as it is)
    changes: tuple[str, ...] = ()
    retired: bool = False


@dataclass(frozen=True)
class Plan:
    rows: tuple[PlannedRow, ...]
    errors: tuple[LineError, ...]
    error_count: int
    sha256: str
    notices: tuple[str, ...] = field(default=())

    @property
    def is_valid(self) -> bool:
        return self.error_count == 0

    def count(self, action: Action) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def as_data(self) -> dict[str, Any]:
        return {
            "valid": self.is_valid,
            "sha256": self.sha256,
            "counts": {a: self.count(a) for a in ("create", "update", "unchanged")},
            "error_count": self.error_count,
            "line_errors": [asdict(e) for e in self.errors],
            "rows": [asdict(r) | {"changes": list(r.changes)} for r in self.rows],
            "notices": list(self.notices),
        }


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise refused(
            "ENCODING",
            f"The file is not UTF-8 (line {line}, byte {error.start}). Save or export it as "
            "'CSV UTF-8 (comma delimited)' and upload that.",
        ) from None


def read_file(content: bytes) -> ParsedFile:
    """Check the file as a whole and read its lines. Refuses (``ValidationError`` with the
    contract's code) a file too large, not text, not UTF-8, empty, with too many rows or
    without a required column; unknown columns are dropped with a notice."""
    if len(content) > MAX_BYTES:
        raise refused(
            "FILE_TOO_LARGE",
            f"The file is {len(content):,} bytes; the limit is {MAX_BYTES:,}. Split it by site.",
        )
    if content.startswith(b"PK\x03\x04") or b"\x00" in content:
        raise refused(
            "FILE_NOT_TEXT_CSV",
            "This is not a text CSV (a spreadsheet or archive?). Export it as CSV and upload that.",
        )
    reader = csv.reader(io.StringIO(_decode(content), newline=""))
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise refused("EMPTY_FILE", "The file is empty: it needs a header line and areas.")
        names = [cell.strip().lower().replace(" ", "_") for cell in header]
        missing = [column for column in REQUIRED if column not in names]
        if missing:
            raise refused(
                "HEADER_MISMATCH",
                f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}. "
                f"Expected {', '.join(REQUIRED + OPTIONAL)}; found {', '.join(header)}.",
            )
        wanted = set(REQUIRED + OPTIONAL)
        notices = tuple(
            f"Column '{header[i].strip()}' is not needed and was not stored."
            for i, name in enumerate(names)
            if name not in wanted
        )
        records: list[Record] = []
        start = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                if len(records) >= MAX_ROWS:
                    raise refused(
                        "TOO_MANY_ROWS", f"The file has more than {MAX_ROWS:,} areas; split it."
                    )
                values = {
                    name: cells[i].strip() if i < len(cells) else ""
                    for i, name in enumerate(names)
                    if name in wanted
                }
                if len(cells) != len(header):
                    values["__cells__"] = f"{len(cells)} cells where {len(header)} are expected."
                records.append(Record(start, values))
            start = reader.line_num + 1
    except csv.Error as error:
        raise refused(
            "FILE_NOT_TEXT_CSV", f"The CSV cannot be read (line {reader.line_num}): {error}."
        ) from None
    if not records:
        raise refused("NO_DATA_ROWS", "The file has a header but no areas.")
    columns = tuple(name for name in names if name in wanted)
    return ParsedFile(tuple(records), hashlib.sha256(content).hexdigest(), columns, notices)


def _check_cells(record: Record, sites: dict[str, Site]) -> list[LineError]:
    values, line, errors = record.values, record.line, []

    def error(column: str, code: str, message: str) -> None:
        errors.append(LineError(line, column, values.get(column, "")[:60], code, message))

    if "__cells__" in values:
        error("", "COLUMN_COUNT", values["__cells__"])
    if values["site_code"].upper() not in sites:
        error("site_code", "UNKNOWN_SITE", "No site of this trust has this code.")
    try:
        code_validator(values["code"])
    except ValidationError as invalid:
        error("code", "INVALID_CODE", " ".join(invalid.messages) or "Enter a code.")
    if not values["name"]:
        error("name", "REQUIRED", "Enter the area's name.")
    elif len(values["name"]) > 200:
        error("name", "FIELD_TOO_LONG", "At most 200 characters.")
    if values["type"].lower() not in TYPE_BY_WORD:
        error("type", "INVALID_CHOICE", f"Use one of: {EXPECTED_TYPES}.")
    if len(values.get("specialty", "")) > 100:
        error("specialty", "FIELD_TOO_LONG", "At most 100 characters.")
    return errors


def plan_import(*, organisation: Organisation, parsed: ParsedFile) -> Plan:
    """What each line would do against the organisation's areas as they are now, and every
    line's problems (all of them, up to ``MAX_ERRORS`` listed)."""
    sites = {site.code.upper(): site for site in Site.objects.filter(organisation=organisation)}
    existing = {
        (area.site_id, area.code.upper()): area
        for area in Area.objects.filter(site__organisation=organisation)
    }
    has_specialty = "specialty" in parsed.columns
    first_line: dict[tuple[str, str], int] = {}
    rows: list[PlannedRow] = []
    errors: list[LineError] = []
    for record in parsed.records:
        found = _check_cells(record, sites)
        values = record.values
        key = (values["site_code"].upper(), values["code"].upper())
        if key in first_line:
            found.append(
                LineError(
                    record.line, "code", values["code"], "DUPLICATE_IN_FILE",
                    f"Line {first_line[key]} already has this site and code.",
                )
            )  # fmt: skip
        first_line.setdefault(key, record.line)
        if found:
            errors.extend(found)
            continue
        site = sites[key[0]]
        area_type = TYPE_BY_WORD[values["type"].lower()]
        specialty = remove_nhs_numbers(values["specialty"]) if has_specialty else None
        name = remove_nhs_numbers(values["name"])
        current = existing.get((site.pk, key[1]))
        if current is None:
            rows.append(
                PlannedRow(
                    record.line, "create", site.code, values["code"], name, area_type, specialty
                )
            )
            continue
        changes = tuple(
            label
            for label, old, new in (
                ("name", current.name, name),
                ("type", current.area_type, area_type),
                (
                    "specialty",
                    current.specialty,
                    current.specialty if specialty is None else specialty,
                ),
            )
            if old != new
        )
        rows.append(
            PlannedRow(
                record.line, "update" if changes else "unchanged", site.code, current.code,
                name, area_type, specialty, changes, retired=not current.is_active,
            )
        )  # fmt: skip
    return Plan(tuple(rows), tuple(errors[:MAX_ERRORS]), len(errors), parsed.sha256, parsed.notices)


@transaction.atomic
def import_areas(
    *,
    access: Access,
    organisation: Organisation,
    parsed: ParsedFile,
    previewed: list[str] | None = None,
) -> Plan:
    """Create and update every line's area in one transaction, or nothing: a plan with any
    error is refused (code ``invalid_rows``), the caller shows its errors. Unchanged lines
    write nothing, so running the same file again writes nothing. ``previewed``: each line's
    action as the preview showed it; a plan that now differs (someone added an area the file
    would have created) is refused (code ``plan_changed``). Returns the plan applied."""
    require_manages_organisation(access, organisation.pk)
    # Lock the organisation's sites: two imports (or an import and an edit) do not interleave.
    sites = {
        site.code.upper(): site
        for site in Site.objects.select_for_update().filter(organisation=organisation)
    }
    plan = plan_import(organisation=organisation, parsed=parsed)
    if not plan.is_valid:
        raise ValidationError(
            f"{plan.error_count} line problem{'s' if plan.error_count != 1 else ''}; nothing was "
            "written.",
            code="invalid_rows",
        )
    if previewed is not None and [row.action for row in plan.rows] != previewed:
        raise ValidationError(
            "The areas changed since the preview: check the new preview before confirming.",
            code="plan_changed",
        )
    existing = {
        (area.site_id, area.code.upper()): area
        for area in Area.objects.select_for_update().filter(site__organisation=organisation)
    }
    for row in plan.rows:
        if row.action == "unchanged":
            continue
        site = sites[row.site_code.upper()]
        area = existing.get((site.pk, row.code.upper())) or Area(site=site, code=row.code)
        area.name, area.area_type = row.name, row.area_type
        if row.specialty is not None:
            area.specialty = row.specialty
        area._change_reason = f"Bulk import {plan.sha256[:12]}"  # type: ignore[attr-defined]
        area.save()
    return plan
