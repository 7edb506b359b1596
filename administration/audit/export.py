"""The audit trail as CSV, as DCB0160 evidence: one line per changed field (an entry that
changed no field, such as a creation or a deletion, has one line with the field, before and
after empty). Cells a spreadsheet would run as formulas are neutralised."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator

from administration.audit.selectors import Entry
from golive.exports import escape_formula

HEADER = [
    "when (UTC ISO 8601)",
    "who",
    "action",
    "object type",
    "object id",
    "object",
    "field",
    "before",
    "after",
    "reason",
]
# Entries in one export at most; the page asks for narrower filters beyond it.
EXPORT_LIMIT = 50_000


class _Line:
    """A file-like object that hands back what the CSV writer writes."""

    def write(self, text: str) -> str:
        return text


def utc_iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def rows(entry: Entry) -> Iterator[list[str]]:
    start = [
        utc_iso(entry.when),
        entry.who,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.object,
    ]
    if not entry.changes:
        yield [*start, "", "", "", entry.reason]
    for change in entry.changes:
        yield [*start, change.field, change.before, change.after, entry.reason]


def csv_lines(entries: Iterable[Entry]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(HEADER)
    for entry in entries:
        for row in rows(entry):
            yield writer.writerow([escape_formula(cell) for cell in row])
