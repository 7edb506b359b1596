"""Mapping profiles: which source column feeds each Golive field, how codes translate, how
dates are written. A profile is data (JSON), validated here; the built-in ones read Golive's
own reference formats."""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from adoption.imports.fields import FIELDS_BY_KIND, Field, FieldType
from adoption.imports.presets import PRESETS

ISO = "iso"
PATIENT_ID_TYPES = ("nhs_number", "mrn", "other")
AS_WRITTEN = "as_written"
SURNAME_FIRST = "surname_first"  # "Smith, Jane" (ESR's Full Name) is stored as "Jane Smith"
NAME_ORDERS = (AS_WRITTEN, SURNAME_FIRST)


class ProfileError(ValueError):
    """The profile itself is wrong; the message says how to fix it."""


@dataclass(frozen=True)
class Profile:
    name: str
    kind: str
    columns: dict[str, str]  # Golive field -> source column
    # Field -> {vendor value as the analyst wrote it -> Golive value}; ``mapped_code`` reads it.
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)  # a fixed value for a blank field
    unmapped_codes: dict[str, str] = field(default_factory=dict)  # fallback for unknown codes
    date_format: str = ISO
    time_zone: str = "Europe/London"
    patient_id_type: str = "nhs_number"
    dates_are_shifted: bool = False  # research extracts (e.g. MIMIC) move dates into the future
    max_rejected_share: float = 0.005
    # Golive field -> several source columns whose values, joined with "|", make the field
    # (e.g. an event id unique only with its source table).
    composite_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Staff lists: the file is the whole list (staff missing from it are leavers).
    full_extract: bool = False
    # Staff lists: how the full name is written (``SURNAME_FIRST``: "Surname, Forename").
    name_order: str = AS_WRITTEN

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @functools.cached_property
    def code_lookup(self) -> dict[str, dict[str, str]]:
        """The value maps keyed by ``normalise_code`` of each key, as rows are matched."""
        return {
            name: {normalise_code(key): value for key, value in mapping.items()}
            for name, mapping in self.value_maps.items()
        }

    def mapped_code(self, name: str, raw: str) -> str:
        """What the value map of field ``name`` makes of a cell (the cell if it has no entry);
        compared trimmed and case-insensitively."""
        return self.code_lookup.get(name, {}).get(normalise_code(raw), raw)

    def to_spec(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "columns": dict(self.columns),
            "value_maps": {name: dict(mapping) for name, mapping in self.value_maps.items()},
            "defaults": dict(self.defaults),
            "unmapped_codes": dict(self.unmapped_codes),
            "date_format": self.date_format,
            "time_zone": self.time_zone,
            "patient_id_type": self.patient_id_type,
            "dates_are_shifted": self.dates_are_shifted,
            "max_rejected_share": self.max_rejected_share,
            "composite_columns": {
                name: list(columns) for name, columns in self.composite_columns.items()
            },
            "full_extract": self.full_extract,
            "name_order": self.name_order,
        }


def _text_map(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in raw.items()
    ):
        raise ProfileError(f"{where} must be an object of text to text.")
    return dict(raw)


def normalise_code(value: str) -> str:
    """Value-map keys and cells are compared trimmed and case-insensitively ('rn' = 'RN')."""
    return value.strip().upper()


def _parse_columns(spec: dict[str, Any], fields: dict[str, Field]) -> dict[str, str]:
    columns = _text_map(spec.get("columns", {}), "columns")
    unknown = sorted(set(columns) - set(fields))
    if unknown:
        raise ProfileError(f"columns names unknown Golive fields: {', '.join(unknown)}.")
    return columns


def _check_targets(values: dict[str, str], target: Field, where: str) -> None:
    allowed = set(target.choices)
    bad = sorted(set(values.values()) - allowed) if allowed else []
    if bad:
        raise ProfileError(
            f"{where} maps to unknown values: {', '.join(bad)} "
            f"(allowed: {', '.join(target.choices)})."
        )


def _parse_value_maps(spec: dict[str, Any], fields: dict[str, Field]) -> dict[str, dict[str, str]]:
    raw = spec.get("value_maps", {})
    if not isinstance(raw, dict):
        raise ProfileError("value_maps must be an object.")
    value_maps: dict[str, dict[str, str]] = {}
    for target, mapping in raw.items():
        field_spec = fields.get(target)
        if field_spec is None or field_spec.type not in {
            FieldType.CODE,
            FieldType.AREA,
            FieldType.COURSE,
        }:
            raise ProfileError(f"value_maps.{target}: only code and area fields take a value map.")
        entries = _text_map(mapping, f"value_maps.{target}")
        _check_targets(entries, field_spec, f"value_maps.{target}")
        seen: dict[str, str] = {}
        for key in entries:
            if normalise_code(key) in seen:
                raise ProfileError(
                    f"value_maps.{target} has both {seen[normalise_code(key)]!r} and {key!r}: "
                    "codes are matched ignoring case and spaces, so keep one of them."
                )
            seen[normalise_code(key)] = key
        # Kept as written, so exports show the vendor's spelling; rows use ``code_lookup``.
        value_maps[target] = dict(entries)
    return value_maps


def _parse_constants(
    spec: dict[str, Any], key: str, fields: dict[str, Field], *, codes_only: bool
) -> dict[str, str]:
    constants = _text_map(spec.get(key, {}), key)
    for name, value in constants.items():
        field_spec = fields.get(name)
        if field_spec is None or field_spec.is_identifier:
            raise ProfileError(f"{key}.{name}: not a field that can take a fixed value.")
        if codes_only and field_spec.type != FieldType.CODE:
            raise ProfileError(f"{key}.{name}: only code fields can fall back to a value.")
        _check_targets({name: value}, field_spec, f"{key}.{name}")
    return constants


# Fields whose value may be made of several source columns: ids and other plain text.
COMPOSITE_TYPES = frozenset(
    {FieldType.TEXT, FieldType.STAFF_ID, FieldType.DATE, FieldType.DATETIME}
)


def _parse_composite(
    spec: dict[str, Any], fields: dict[str, Field], columns: dict[str, str]
) -> dict[str, tuple[str, ...]]:
    raw = spec.get("composite_columns", {})
    if not isinstance(raw, dict):
        raise ProfileError("composite_columns must be an object of field to column names.")
    composite: dict[str, tuple[str, ...]] = {}
    for name, sources in raw.items():
        if name not in fields:
            raise ProfileError(f"composite_columns.{name}: not a Golive field of this kind.")
        if fields[name].type not in COMPOSITE_TYPES:
            raise ProfileError(
                f"composite_columns.{name}: only ids, text, dates and times can be made of "
                "several columns."
            )
        if name in columns:
            raise ProfileError(
                f"{name} is in both columns and composite_columns: map it in one of them."
            )
        if (
            not isinstance(sources, list)
            or len(sources) < 2
            or not all(isinstance(column, str) and column.strip() for column in sources)
        ):
            raise ProfileError(
                f"composite_columns.{name} must list two or more source column names."
            )
        composite[name] = tuple(sources)
    return composite


def _parse_options(spec: dict[str, Any]) -> dict[str, Any]:
    date_format = spec.get("date_format", ISO)
    if not isinstance(date_format, str) or (date_format != ISO and "%" not in date_format):
        raise ProfileError(
            "date_format must be 'iso' or a strftime pattern such as %d/%m/%Y %H:%M."
        )
    time_zone = spec.get("time_zone", "Europe/London")
    try:
        zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise ProfileError(f"time_zone {time_zone!r} is not a known time zone.") from None
    patient_id_type = spec.get("patient_id_type", "nhs_number")
    if patient_id_type not in PATIENT_ID_TYPES:
        raise ProfileError(f"patient_id_type must be one of {', '.join(PATIENT_ID_TYPES)}.")
    share = spec.get("max_rejected_share", 0.005)
    if not isinstance(share, int | float) or not 0 <= share <= 0.2:
        raise ProfileError("max_rejected_share must be a number from 0 to 0.2.")
    name_order = spec.get("name_order", AS_WRITTEN)
    if name_order not in NAME_ORDERS:
        raise ProfileError(f"name_order must be one of {', '.join(NAME_ORDERS)}.")
    return {
        "name_order": name_order,
        "date_format": date_format,
        "time_zone": time_zone,
        "patient_id_type": patient_id_type,
        "dates_are_shifted": bool(spec.get("dates_are_shifted", False)),
        "max_rejected_share": float(share),
        "full_extract": bool(spec.get("full_extract", False)),
    }


def parse_spec(name: str, spec: Any) -> Profile:
    """Validate a profile's JSON; raises ``ProfileError`` naming the first problem."""
    if not isinstance(spec, dict):
        raise ProfileError("A profile must be a JSON object.")
    kind = spec.get("kind")
    if kind not in FIELDS_BY_KIND:
        raise ProfileError(f"kind must be one of {', '.join(FIELDS_BY_KIND)}.")
    fields = {f.name: f for f in FIELDS_BY_KIND[kind]}
    columns = _parse_columns(spec, fields)
    defaults = _parse_constants(spec, "defaults", fields, codes_only=False)
    composite = _parse_composite(spec, fields, columns)
    missing = sorted(
        n
        for n, f in fields.items()
        if f.required and n not in columns and n not in defaults and n not in composite
    )
    if missing:
        raise ProfileError(
            f"columns must map the required fields (or defaults give them a value): "
            f"{', '.join(missing)}."
        )
    return Profile(
        name=name,
        kind=kind,
        columns=columns,
        value_maps=_parse_value_maps(spec, fields),
        defaults=defaults,
        unmapped_codes=_parse_constants(spec, "unmapped_codes", fields, codes_only=True),
        composite_columns=composite,
        **_parse_options(spec),
    )


def reference_profile(kind: str) -> Profile:
    """Golive's own format: column names are the field names, ISO dates, London time."""
    return Profile(
        name=f"golive-{kind}",
        kind=kind,
        columns={f.name: f.name for f in FIELDS_BY_KIND[kind]},
    )


# Built-in profiles by name -> the kind they read: Golive's reference formats, then the
# presets for common NHS sources (``presets``).
BUILTIN_NAMES = {
    **{f"golive-{kind}": kind for kind in FIELDS_BY_KIND},
    **{name: preset.spec["kind"] for name, preset in PRESETS.items()},
}


def builtin_profile(name: str) -> Profile:
    """The built-in profile called ``name`` (a name in ``BUILTIN_NAMES``); KeyError if none."""
    if name in PRESETS:
        return parse_spec(name, PRESETS[name].spec)
    return reference_profile(BUILTIN_NAMES[name])


def builtin_description(name: str) -> str:
    if name in PRESETS:
        return PRESETS[name].description
    return f"Golive's reference format for {BUILTIN_NAMES[name]} files."


# strptime re-reads its format on every call; extracts have millions of rows in one format,
# so the common numeric directives are compiled once into a regular expression.
_DIRECTIVES = {
    "d": r"(?P<day>\d{1,2})",
    "m": r"(?P<month>\d{1,2})",
    "Y": r"(?P<year>\d{4})",
    "H": r"(?P<hour>\d{1,2})",
    "M": r"(?P<minute>\d{1,2})",
    "S": r"(?P<second>\d{1,2})",
}


@functools.lru_cache(maxsize=32)
def _compiled(date_format: str) -> re.Pattern[str] | None:
    """A regex for ``date_format`` if it uses only %d %m %Y %H %M %S; else None (strptime)."""
    parts, position = [], 0
    for match in re.finditer(r"%(.)", date_format):
        if match.group(1) not in _DIRECTIVES:
            return None
        parts += [re.escape(date_format[position : match.start()]), _DIRECTIVES[match.group(1)]]
        position = match.end()
    parts.append(re.escape(date_format[position:]))
    return re.compile("".join(parts) + r"\Z")


def _parse_local(text: str, date_format: str) -> dt.datetime:
    pattern = _compiled(date_format)
    if pattern is None:
        return dt.datetime.strptime(text, date_format)  # noqa: DTZ007 - zone added by caller
    found = pattern.match(text)
    if found is None:
        raise ValueError(f"{text!r} does not match {date_format!r}")
    fields = {name: int(value) for name, value in found.groupdict().items()}
    return dt.datetime(  # noqa: DTZ001 - zone added by caller
        fields.get("year", 1900),
        fields.get("month", 1),
        fields.get("day", 1),
        fields.get("hour", 0),
        fields.get("minute", 0),
        fields.get("second", 0),
    )


REPEATED_HOUR = "repeated"  # local time in the hour the clocks go back: it happens twice
SKIPPED_HOUR = "skipped"  # local time in the hour the clocks go forward: it never happens


def parse_datetime_noting_clock_changes(text: str, profile: Profile) -> tuple[dt.datetime, str]:
    """A local or offset-carrying timestamp, returned in UTC, and whether a local time fell in
    a clock change ("", REPEATED_HOUR or SKIPPED_HOUR). Raises ValueError."""
    if profile.date_format == ISO:
        value = dt.datetime.fromisoformat(text)
    else:
        value = _parse_local(text, profile.date_format)
    if value.tzinfo is not None:
        return value.astimezone(dt.UTC), ""
    # fold=0: a repeated time is read as the first one (summer time), a skipped one with the
    # offset before the change; both are reported to the user as a notice.
    local = value.replace(tzinfo=profile.tz)
    note = ""
    if local.replace(fold=1).utcoffset() != local.utcoffset():
        round_trip = local.astimezone(dt.UTC).astimezone(profile.tz).replace(tzinfo=None)
        note = SKIPPED_HOUR if round_trip != value else REPEATED_HOUR
    return local.astimezone(dt.UTC), note


def parse_datetime(text: str, profile: Profile) -> dt.datetime:
    """A local or offset-carrying timestamp, returned in UTC. Raises ValueError."""
    return parse_datetime_noting_clock_changes(text, profile)[0]


def parse_date(text: str, profile: Profile) -> dt.date:
    if profile.date_format == ISO:
        return dt.date.fromisoformat(text)
    return _parse_local(text, profile.date_format.split(" ")[0]).date()


def expected_format(field_type: FieldType, profile: Profile) -> str:
    if field_type == FieldType.DATETIME:
        return "YYYY-MM-DD HH:MM:SS" if profile.date_format == ISO else profile.date_format
    if field_type == FieldType.DATE:
        return "YYYY-MM-DD" if profile.date_format == ISO else profile.date_format.split(" ")[0]
    return ""
