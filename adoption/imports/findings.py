"""What validating a file finds: row problems (a capped list, exact counts by reason) and the
distinct unknown values of its coded columns, so a profile can be fixed in one go."""

from __future__ import annotations

import collections
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from adoption.imports.fields import Field, FieldType
from adoption.imports.profiles import REPEATED_HOUR, SKIPPED_HOUR, Profile
from adoption.imports.rows import Issue, Lookups
from golive.identifiers import contains_nhs_number

# Reasons whose value is a code a profile's value map (or Golive's reference data) could
# translate. UNKNOWN_STAFF is not among them: its value is an identifier and is never kept.
UNKNOWN_VALUE_CODES = frozenset({"UNKNOWN_CODE", "UNKNOWN_AREA", "UNKNOWN_COURSE"})
CODED_TYPES = frozenset({FieldType.CODE, FieldType.AREA, FieldType.COURSE})
UNKNOWN_VALUES_KEPT = 500  # per field, most rows first
UNKNOWN_VALUES_TRACKED = 20_000  # per field, while reading (bounds memory on a wild column)


def coded_columns(plan: Iterable[tuple[Field, int, str, str]]) -> dict[str, str]:
    """Source column -> Golive field, for the columns whose unknown values are collected."""
    return {
        column: spec.name
        for spec, _, column, _ in plan
        if spec.type in CODED_TYPES and not spec.is_identifier
    }


@dataclass
class Collected:
    """Row problems found so far: a capped list and the full counts."""

    cap: int
    issues: list[Issue] = field(default_factory=list)
    total: int = 0
    rows_rejected: int = 0
    counts: collections.Counter[str] = field(default_factory=collections.Counter)
    coded: dict[str, str] = field(default_factory=dict)  # see ``coded_columns``
    unknown: dict[str, collections.Counter[str]] = field(default_factory=dict)
    unknown_overflow: dict[str, int] = field(default_factory=dict)

    def add_row(self, issues: list[Issue]) -> None:
        self.rows_rejected += 1
        self.total += len(issues)
        room = self.cap - len(self.issues)
        if room > 0:
            self.issues.extend(issues[:room])
        for issue in issues:
            self.counts[issue.code] += 1
            if issue.code in UNKNOWN_VALUE_CODES:
                self._note_unknown(issue)

    def _note_unknown(self, issue: Issue) -> None:
        name = self.coded.get(issue.column)
        value = issue.value.strip()
        if name is None or not value or contains_nhs_number(value):
            return
        seen = self.unknown.setdefault(name, collections.Counter())
        if value in seen or len(seen) < UNKNOWN_VALUES_TRACKED:
            seen[value] += 1
        else:
            self.unknown_overflow[name] = self.unknown_overflow.get(name, 0) + 1

    def unknown_values(self) -> dict[str, Any]:
        """``ImportBatch.unknown_values``: per field, its source column, the values with their
        row counts (most rows first, capped) and how many distinct values there were."""
        by_column = {name: column for column, name in self.coded.items()}
        found: dict[str, Any] = {}
        for name, seen in sorted(self.unknown.items()):
            ranked = sorted(seen.items(), key=lambda item: (-item[1], item[0]))
            found[name] = {
                "column": by_column.get(name, name),
                "values": [[value, rows] for value, rows in ranked[:UNKNOWN_VALUES_KEPT]],
                "distinct": len(seen),
            }
            if name in self.unknown_overflow:
                found[name]["rows_not_listed"] = self.unknown_overflow[name]
        return found


def unknown_value_rows(unknown_values: dict[str, Any]) -> list[tuple[str, str, str, int]]:
    """The unknown values as report rows: field, column, value, rows."""
    return [
        (name, entry.get("column", name), value, rows)
        for name, entry in unknown_values.items()
        for value, rows in entry.get("values", [])
    ]


UNKNOWN_VALUES_ON_PAGE = 50


def unknown_value_tables(unknown_values: dict[str, Any]) -> list[dict[str, Any]]:
    """The unknown values as a page shows them: one table per column, its first values."""
    return [
        {
            "field": name,
            "column": entry.get("column", name),
            "distinct": entry.get("distinct", len(entry.get("values", []))),
            "values": entry.get("values", [])[:UNKNOWN_VALUES_ON_PAGE],
        }
        for name, entry in unknown_values.items()
    ]


def clock_change_notices(lookups: Lookups, profile: Profile) -> list[str]:
    """Local times in a clock change were read one way; say which, so a trust whose EPR
    writes UTC (or offsets) knows to change the profile."""
    notices = []
    repeated = lookups.clock_changes[REPEATED_HOUR]
    if repeated:
        rows = "1 row has a local time" if repeated == 1 else f"{repeated:,} rows have local times"
        notices.append(
            f"{rows} in the hour the clocks go back, which happens twice; read as the first "
            f"(summer time) in {profile.time_zone}. If the EPR writes UTC, set the mapping "
            "profile's time zone to UTC."
        )
    skipped = lookups.clock_changes[SKIPPED_HOUR]
    if skipped:
        rows = "1 row has a local time" if skipped == 1 else f"{skipped:,} rows have local times"
        notices.append(
            f"{rows} in the hour the clocks go forward, which never happens; read with the "
            f"offset before the change in {profile.time_zone}. If the EPR writes UTC, set the "
            "mapping profile's time zone to UTC."
        )
    return notices
