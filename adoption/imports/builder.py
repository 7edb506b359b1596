"""The mapping-profile builder's calculations: read a sample file's first rows, describe its
columns (a few masked samples, the date format, the distinct values of coded columns with
their row counts), propose which Golive field each column feeds, list the coded values the
mapping does not translate yet, and build the profile's spec. No database, no request.

An analysis is plain JSON (kept in the session between the builder's steps) and never holds
a raw identifier: values of identifier-looking columns, and any value holding an NHS number,
are masked, and only columns with few distinct values (codes, not ids) keep them."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import re
import zlib
from collections import Counter
from typing import IO, Any

from adoption.imports.fields import FIELDS_BY_KIND, Field, FieldType
from adoption.imports.files import (
    GZIP_MAGIC,
    FileRefused,
    LineCapped,
    LineReader,
    check_not_binary,
    human_size,
    max_line_bytes,
    records,
)
from adoption.imports.profiles import ISO, normalise_code
from adoption.imports.rows import IDENTIFIER_LIKE
from golive.identifiers import contains_nhs_number, mask, remove_nhs_numbers

SAMPLE_MAX_ROWS = 50_000
SAMPLE_MAX_BYTES = 20_000_000
SAMPLES_SHOWN = 3
MAX_CODES = 300  # a column with more distinct values in the sample holds ids, not codes
MAX_CODE_LENGTH = 100
MAX_COLUMNS = 1_000
CODED_TYPES = (FieldType.CODE, FieldType.AREA, FieldType.COURSE)

# Header names (upper case, words joined by "_") that usually feed each field, best first.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "event_id": ("EVENT_ID", "AUDIT_ID", "EVENT_KEY", "RECORD_ID", "ID"),
    "occurred_at": (
        "OCCURRED_AT",
        "EVENT_TIME",
        "EVENT_TIMESTAMP",
        "TIMESTAMP",
        "DATETIME",
        "DATE_TIME",
        "AUDIT_TS",
        "EVENT_TS",
        "EVENT_DATE",
        "TIME",
    ),
    "event_type": ("EVENT_TYPE", "ACTION", "ACTION_CD", "ACTION_CODE", "EVENT", "ACTIVITY"),
    "order_type": ("ORDER_TYPE", "ORDER_CAT", "ORDER_CATEGORY", "ORDER_CLASS"),
    "user_id": ("USER_ID", "USERNAME", "USER_NAME", "LOGIN", "LOGIN_ID", "USER"),
    "role": ("ROLE", "USER_ROLE", "JOB_ROLE", "STAFF_ROLE", "POSITION"),
    "area": ("AREA", "WARD", "WARD_CODE", "LOCATION", "DEPARTMENT", "UNIT", "DEPT"),
    "patient_id": ("PATIENT_ID", "NHS_NUMBER", "NHS_NO", "NHSNUMBER", "MRN", "PATIENT"),
    "staff_number": (
        "STAFF_NUMBER",
        "EMPLOYEE_NUMBER",
        "ASSIGNMENT_NUMBER",
        "PERSON_NUMBER",
        "STAFF_ID",
        "EMPLOYEE_ID",
    ),
    "full_name": ("FULL_NAME", "NAME", "EMPLOYEE_NAME", "STAFF_NAME"),
    "role_group": ("ROLE_GROUP", "STAFF_GROUP", "ROLE", "STAFF_ROLE"),
    "job_title": ("JOB_TITLE", "POSITION_TITLE", "TITLE"),
    "start_date": ("START_DATE", "HIRE_DATE", "ASSIGNMENT_START_DATE", "DATE_STARTED"),
    "epr_user_id": ("EPR_USER_ID", "USER_ID", "USERNAME", "LOGIN"),
    "course": ("COURSE", "COURSE_CODE", "COMPETENCE", "COMPETENCY", "MODULE", "COURSE_ID"),
    "completed_on": ("COMPLETED_ON", "COMPLETION_DATE", "DATE_COMPLETED", "COMPLETED"),
    "starts_at": ("STARTS_AT", "SHIFT_START", "START_TIME", "START"),
    "ends_at": ("ENDS_AT", "SHIFT_END", "END_TIME", "END"),
}
# Header words of columns whose values are identifiers even when mapped to nothing.
IDENTIFIER_WORDS = re.compile(r"NHS|MRN|PATIENT|PAT_ID|HOSPITAL_N|DOB|BIRTH|POSTCODE|PAS_ID")
# Common ways extracts write dates, day first before month first (a UK trust's extracts).
DATE_FORMATS = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%d.%m.%Y %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
)
DATES_CHECKED = 200


def header_key(name: str) -> str:
    """``User Name`` -> ``USER_NAME``."""
    return re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")


def read_sample(stream: IO[bytes]) -> tuple[list[str], list[list[str]], bool]:
    """The header and up to ``SAMPLE_MAX_ROWS`` rows (``SAMPLE_MAX_BYTES`` uncompressed) of a
    CSV or .csv.gz, and whether the file went on. File-level problems raise ``FileRefused``
    as uploads do (a line over ``IMPORT_MAX_LINE_KB`` among them), and so does a header the
    import would refuse (``check_header``); nothing is written anywhere."""
    head = stream.read(2)
    stream.seek(0)
    # At most the limit is decompressed, so a compressed bomb costs no more than a sample.
    source: IO[bytes] | gzip.GzipFile = (
        gzip.GzipFile(fileobj=stream) if head == GZIP_MAGIC else stream
    )
    # Reading stops at the first over-long line, as the import's own reads do.
    capped = io.BufferedReader(LineCapped(source, max_line_bytes()))  # type: ignore[arg-type]
    try:
        data = capped.read(SAMPLE_MAX_BYTES + 1)
        more = len(data) > SAMPLE_MAX_BYTES
    except (OSError, EOFError, zlib.error):
        raise FileRefused(
            "FILE_NOT_TEXT_CSV", "The .gz file is damaged and cannot be opened."
        ) from None
    if more:
        data = data[: data.rfind(b"\n", 0, SAMPLE_MAX_BYTES) + 1]
    check_not_binary(data[: 64 * 1024])
    found = records(LineReader(io.BytesIO(data)))
    header_record = next(found, None)
    if header_record is None:
        raise FileRefused("NO_DATA_ROWS", "The file is empty: it has no header and no rows.")
    header = [cell.strip() for cell in header_record.cells]
    check_header(header)
    rows: list[list[str]] = []
    for record in found:
        if len(rows) >= SAMPLE_MAX_ROWS:
            return header, rows, True
        rows.append(record.cells)
    if not rows:
        raise FileRefused("NO_DATA_ROWS", "The file has a header but no data rows.")
    return header, rows, more


def _looks_like_data(cell: str) -> bool:
    return bool(IDENTIFIER_LIKE.search(cell)) or contains_nhs_number(cell)


def check_header(header: list[str]) -> None:
    """Refuse a header the builder cannot offer: too many columns, a first line that is data
    (an NHS or hospital number in a "column name", which would be shown, kept in the session
    and saved in the spec; quoted back masked), or names repeated (the import refuses them)."""
    if len(header) > MAX_COLUMNS:
        raise FileRefused(
            "HEADER_MISMATCH",
            f"The first line has {len(header):,} columns; the builder reads at most "
            f"{MAX_COLUMNS:,}. Check that this is the right file, exported as CSV.",
            line=1,
        )
    data_like = [cell for cell in header if _looks_like_data(cell)]
    if data_like:
        raise FileRefused(
            "HEADER_MISMATCH",
            f"The first line looks like data, not column names: {mask(data_like[0][:40])} "
            "looks like an identifier. Export the report with its header line (the column "
            "names) first.",
            line=1,
        )
    duplicates = sorted(name for name, n in Counter(header).items() if name and n > 1)
    if duplicates:
        raise FileRefused(
            "HEADER_MISMATCH",
            f"The header repeats column names: {', '.join(name[:40] for name in duplicates)}. "
            "Each column needs a unique name.",
            line=1,
        )


def sample_limits() -> str:
    return f"the first {SAMPLE_MAX_ROWS:,} rows ({human_size(SAMPLE_MAX_BYTES)})"


def detect_date_format(values: list[str]) -> str | None:
    """``iso`` or the first of ``DATE_FORMATS`` that reads every value; None if none does."""
    values = [value.strip() for value in values if value.strip()][:DATES_CHECKED]
    if not values:
        return None
    try:
        for value in values:
            dt.datetime.fromisoformat(value)
    except ValueError:
        pass
    else:
        return ISO
    for date_format in DATE_FORMATS:
        try:
            for value in values:
                dt.datetime.strptime(value, date_format)  # noqa: DTZ007 - a format check
        except ValueError:
            continue
        return date_format
    return None


def propose_columns(kind: str, header: list[str]) -> dict[str, str]:
    """Golive field -> the column that most likely feeds it: the field's own name, then its
    synonyms in order; each column feeds at most one field."""
    keys = {header_key(name): name for name in reversed(header) if name}
    proposed: dict[str, str] = {}
    for spec in FIELDS_BY_KIND[kind]:
        for candidate in (header_key(spec.name), *SYNONYMS.get(spec.name, ())):
            column = keys.get(candidate)
            if column is not None and column not in proposed.values():
                proposed[spec.name] = column
                break
    return proposed


def _identifier_fields(kind: str) -> set[str]:
    return {spec.name for spec in FIELDS_BY_KIND[kind] if spec.is_identifier}


def code_key(value: str) -> str:
    """A short name for a code that stays the same whatever else the list offers, and says
    nothing of the code: the first 10 hex digits of the SHA-1 of its normalised form."""
    return hashlib.sha1(normalise_code(value).encode()).hexdigest()[:10]  # noqa: S324


def group_codes(counts: Counter[str]) -> list[list[Any]]:
    """``[value, rows]`` per code, codes differing only by case or surrounding spaces taken
    as one (as value maps read them): rows summed, written as most rows write it; most rows
    first."""
    totals: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for value, n in counts.items():
        key = normalise_code(value)
        totals[key] += n
        spellings.setdefault(key, Counter())[value] += n
    return [[spellings[key].most_common(1)[0][0], n] for key, n in totals.most_common()]


def _coded_columns(kind: str, columns: dict[str, str]) -> set[str]:
    coded = {spec.name for spec in coded_fields(kind)}
    return {column for name, column in columns.items() if name in coded}


def analyse(
    kind: str,
    header: list[str],
    rows: list[list[str]],
    *,
    source: str,
    truncated: bool,
    columns: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The sample as the builder keeps it: per column its name, masked sample values, the
    date format its values are written in, and, for columns that feed a coded field
    (``columns``: field -> column, the proposed ones by default), its distinct values with
    row counts, most rows first; other columns' values are not kept, so the session stays
    small."""
    proposed = propose_columns(kind, header)
    mapping = proposed if columns is None else columns
    identifiers = _identifier_fields(kind)
    identifier_columns = {
        column
        for chosen in (proposed, mapping)
        for name, column in chosen.items()
        if name in identifiers
    }
    feeds_codes = _coded_columns(kind, mapping)
    described: list[dict[str, Any]] = []
    for position, name in enumerate(header):
        if not name:
            continue
        values = [row[position].strip() for row in rows if position < len(row)]
        counts: Counter[str] = Counter()
        for value in values:
            if value:
                counts[value] += 1
                if len(counts) > MAX_CODES:
                    break
        masked = (
            name in identifier_columns
            or bool(IDENTIFIER_WORDS.search(header_key(name)))
            or any(contains_nhs_number(value) for value in counts)
        )
        coded = (
            name in feeds_codes
            and not masked
            and len(counts) <= MAX_CODES
            and all(len(value) <= MAX_CODE_LENGTH for value in counts)
        )
        shown = [value for value in dict.fromkeys(values) if value][:SAMPLES_SHOWN]
        described.append(
            {
                "name": name,
                "samples": [mask(value) if masked else value for value in shown],
                "masked": masked,
                "date_format": None if masked else detect_date_format(values),
                "distinct": group_codes(counts) if coded else None,
            }
        )
    return {
        "source": remove_nhs_numbers(source)[:200],
        "rows": len(rows),
        "truncated": truncated,
        "columns": described,
    }


def analysis_of_spec(spec: dict[str, Any], unknown_values: dict[str, Any]) -> dict[str, Any]:
    """An analysis without a sample: the profile's own columns, plus a batch's distinct
    unknown values (``ImportBatch.unknown_values``) for the columns they came from."""
    names = list(dict.fromkeys(spec.get("columns", {}).values()))
    for columns in spec.get("composite_columns", {}).values():
        names += [name for name in columns if name not in names]
    distinct: dict[str, list[list[Any]]] = {}
    for entry in unknown_values.values():
        if isinstance(entry, dict) and isinstance(entry.get("column"), str):
            pairs = [pair for pair in entry.get("values", []) if len(pair) == 2]
            counts: Counter[str] = Counter()
            for value, n in pairs[:MAX_CODES]:
                counts[str(value)] += int(n)
            distinct[entry["column"]] = group_codes(counts)
            if entry["column"] not in names:
                names.append(entry["column"])
    return {
        "source": "",
        "rows": 0,
        "truncated": False,
        "columns": [
            {
                "name": name,
                "samples": [],
                "masked": False,
                "date_format": None,
                "distinct": distinct.get(name),
            }
            for name in names
        ],
    }


def coded_fields(kind: str) -> list[Field]:
    return [spec for spec in FIELDS_BY_KIND[kind] if spec.type in CODED_TYPES]


def field_choices(kind: str) -> list[tuple[str, str]]:
    labels = {True: " (required)", False: ""}
    return [(spec.name, spec.name + labels[spec.required]) for spec in FIELDS_BY_KIND[kind]]


def _maps_already(spec_field: Field, value: str, lookup: dict[str, str], known: set[str]) -> bool:
    mapped = lookup.get(normalise_code(value), value)
    if spec_field.type == FieldType.CODE:
        return mapped.strip().lower() in spec_field.choices
    return normalise_code(mapped) in known


def unmapped_values(
    spec: dict[str, Any], analysis: dict[str, Any], known: dict[str, set[str]]
) -> dict[str, list[list[Any]]]:
    """Coded field -> the sample's distinct values the spec does not translate yet, as
    ``[value, rows]`` most rows first. ``known``: area and course codes (normalised) that
    match without a map."""
    by_column = {column["name"]: column for column in analysis["columns"]}
    found: dict[str, list[list[Any]]] = {}
    for spec_field in coded_fields(spec["kind"]):
        column = by_column.get(spec.get("columns", {}).get(spec_field.name, ""))
        if column is None or not column.get("distinct"):
            continue
        mapping = spec.get("value_maps", {}).get(spec_field.name, {})
        lookup = {normalise_code(key): value for key, value in mapping.items()}
        known_here = known.get(spec_field.name, set())
        found[spec_field.name] = [
            [value, rows]
            for value, rows in column["distinct"]
            if not _maps_already(spec_field, value, lookup, known_here)
        ]
    return found


def with_columns(
    spec: dict[str, Any],
    *,
    columns: dict[str, str],
    composite: dict[str, list[str]],
    options: dict[str, Any],
) -> dict[str, Any]:
    """``spec`` with step 1's choices: which column feeds each field, composite columns and
    the date, time zone and patient id options. Value maps of fields no longer read from a
    column are dropped."""
    updated = {**spec, **options, "columns": dict(columns)}
    updated["composite_columns"] = {name: list(names) for name, names in composite.items()}
    for name in composite:
        updated["columns"].pop(name, None)
    read = set(updated["columns"])
    updated["value_maps"] = {
        name: dict(mapping)
        for name, mapping in spec.get("value_maps", {}).items()
        if name in read and mapping
    }
    return updated


def with_value_maps(
    spec: dict[str, Any], *, additions: dict[str, dict[str, str]], fallbacks: dict[str, str]
) -> dict[str, Any]:
    """``spec`` with step 2's choices: vendor value -> Golive value entries added (spelling
    as in the sample) and the fallback for unmapped codes set or cleared per field."""
    value_maps = {name: dict(mapping) for name, mapping in spec.get("value_maps", {}).items()}
    for name, entries in additions.items():
        if entries:
            value_maps.setdefault(name, {}).update(entries)
    unmapped = dict(spec.get("unmapped_codes", {}))
    for name, fallback in fallbacks.items():
        if fallback:
            unmapped[name] = fallback
        else:
            unmapped.pop(name, None)
    return {**spec, "value_maps": value_maps, "unmapped_codes": unmapped}
