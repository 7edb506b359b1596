"""Set-wise merge of validated, pseudonymised rows from a work file into the live tables.

PostgreSQL: ``COPY`` into a temporary staging table, then one ``INSERT ... SELECT ... ON
CONFLICT DO NOTHING``. SQLite (the embedded default): the same shape with ``executemany``.
Both run inside the caller's transaction, so a batch lands completely or not at all.

Before the insert, keys staged twice are looked at (only when there are any): a key whose
lines all agree is a duplicate (its later lines leave the stage), a key whose lines disagree
a conflict (every one of its lines leaves, the first too). After it, only if
fewer rows went in than were staged, the staged rows whose keys other batches hold are
compared with those rows: conflicts again, or in a correction, replacements.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import F
from django.utils import timezone

from adoption.models import ImportBatch
from golive.identifiers import mask
from golive.models import Area

DUPLICATE_REPORT_CAP = 1000
STAGE_COLUMNS = (
    "line",
    "event_key",
    "occurred_at",
    "local_date",
    "event_type",
    "order_type",
    "area_id",
    "epr_user_id",
    "staff_id",
    "role_group",
    "patient_pseudonym",
)
PG_STAGE = """
CREATE TEMPORARY TABLE golive_stage_events (
    line integer, event_key uuid, occurred_at timestamptz, local_date date, event_type text,
    order_type text, area_id bigint, epr_user_id text, staff_id bigint, role_group text,
    patient_pseudonym text
) ON COMMIT DROP
"""
SQLITE_STAGE = """
CREATE TEMPORARY TABLE golive_stage_events (
    line integer, event_key char(32), occurred_at text, local_date text, event_type text,
    order_type text, area_id integer, epr_user_id text, staff_id integer, role_group text,
    patient_pseudonym text
)
"""
# The content two rows with one event key must share to be the same record. ``staff_id`` is
# not content: it is the staff list as it was when each row was loaded.
CONTENT_COLUMNS = (
    "occurred_at",
    "event_type",
    "order_type",
    "area_id",
    "epr_user_id",
    "role_group",
    "patient_pseudonym",
)
# Staged blank (NULL), stored as "".
_BLANK_AS_EMPTY = frozenset({"order_type", "role_group", "patient_pseudonym"})
# The Golive field each content column holds (``fields.EVENT_FIELDS``), as reports name it.
GOLIVE_FIELDS = {
    "occurred_at": "occurred_at",
    "event_type": "event_type",
    "order_type": "order_type",
    "area_id": "area",
    "epr_user_id": "user_id",
    "role_group": "role",
    "patient_pseudonym": "patient_id",
}
_IDENTIFYING = frozenset({"epr_user_id", "patient_pseudonym"})


def _content(alias: str, *, stored: bool = False) -> list[str]:
    """The content columns of ``alias`` as comparable expressions."""
    return [
        f"coalesce({alias}.{column}, '')"
        if column in _BLANK_AS_EMPTY and not stored
        else f"{alias}.{column}"
        for column in CONTENT_COLUMNS
    ]


def _differs(this: str, other: str, *, other_stored: bool = False) -> str:
    pairs = zip(_content(this), _content(other, stored=other_stored), strict=True)
    return "(" + " OR ".join(f"{left} <> {right}" for left, right in pairs) + ")"


def _both(this: str, other: str, *, other_stored: bool = False) -> str:
    return ", ".join([*_content(this), *_content(other, stored=other_stored)])


# Keys staged more than once, with their first line: built only to look closer at them.
FIRSTS = """
CREATE TEMPORARY TABLE golive_stage_firsts AS
SELECT event_key, min(line) AS first_line
FROM golive_stage_events GROUP BY event_key HAVING count(*) > 1
"""
# Keys whose lines disagree: some later line differs from the first line of its key.
CONFLICTED = f"""
CREATE TEMPORARY TABLE golive_stage_conflicted AS
SELECT DISTINCT d.event_key
FROM golive_stage_firsts d
JOIN golive_stage_events f ON f.event_key = d.event_key AND f.line = d.first_line
JOIN golive_stage_events s ON s.event_key = d.event_key AND s.line > d.first_line
WHERE {_differs("s", "f")}
"""  # noqa: S608 - column names only
# Every line of such a key (identical repeats too: they are part of the contradiction), with
# the first line of its key that differs from it.
IN_FILE_CONFLICTS = f"""
CREATE TEMPORARY TABLE golive_stage_conflicts AS
SELECT s.line AS line, min(o.line) AS other_line
FROM golive_stage_conflicted k
JOIN golive_stage_events s ON s.event_key = k.event_key
JOIN golive_stage_events o ON o.event_key = k.event_key AND {_differs("s", "o")}
GROUP BY s.line
"""  # noqa: S608 - column names only
IN_FILE_DETAILS = f"""
SELECT c.line, c.other_line, {_both("s", "o")}
FROM golive_stage_conflicts c
JOIN golive_stage_events s ON s.line = c.line
JOIN golive_stage_events o ON o.line = c.other_line
ORDER BY c.line LIMIT %s
"""  # noqa: S608 - column names only
DROP_CONFLICTS = (
    "DELETE FROM golive_stage_events WHERE line IN (SELECT line FROM golive_stage_conflicts)"
)
DUPLICATE_GROUPS = """
SELECT d.event_key, count(*) AS n, d.first_line
FROM golive_stage_firsts d JOIN golive_stage_events s ON s.event_key = d.event_key
GROUP BY d.event_key, d.first_line HAVING count(*) > 1 ORDER BY d.first_line
"""
DROP_LATER_LINES = """
DELETE FROM golive_stage_events WHERE line IN (
    SELECT s.line FROM golive_stage_firsts d
    JOIN golive_stage_events s ON s.event_key = d.event_key AND s.line > d.first_line
)
"""
# Staged rows whose key another batch committed with different content.
CLASHES = f"""
CREATE TEMPORARY TABLE golive_stage_clashes AS
SELECT s.line AS line, e.id AS event_row, e.batch_id AS other_batch, e.local_date AS old_date
FROM golive_stage_events s JOIN adoption_event e ON e.event_key = s.event_key
WHERE e.batch_id <> %s AND {_differs("s", "e", other_stored=True)}
"""  # noqa: S608 - column names only
CLASH_DETAILS = f"""
SELECT c.line, c.other_batch, {_both("s", "e", other_stored=True)}
FROM golive_stage_clashes c
JOIN golive_stage_events s ON s.line = c.line
JOIN adoption_event e ON e.id = c.event_row
ORDER BY c.line LIMIT %s
"""  # noqa: S608 - column names only
# A correction: the committed rows take the staged content and move to the correcting batch.
SUPERSEDE = """
UPDATE adoption_event SET batch_id = %s, occurred_at = s.occurred_at,
    local_date = s.local_date, event_type = s.event_type,
    order_type = coalesce(s.order_type, ''), area_id = s.area_id, epr_user_id = s.epr_user_id,
    staff_id = s.staff_id, role_group = coalesce(s.role_group, ''),
    patient_pseudonym = coalesce(s.patient_pseudonym, '')
FROM golive_stage_clashes c, golive_stage_events s
WHERE adoption_event.id = c.event_row AND s.line = c.line
"""
# The stage holds one row per key by now. ON CONFLICT, not INSERT OR IGNORE: the latter would
# also swallow NOT NULL violations (and SQLite's upsert needs the WHERE).
MERGE = """
INSERT INTO adoption_event (event_key, batch_id, occurred_at, local_date, event_type,
    order_type, area_id, epr_user_id, staff_id, role_group, patient_pseudonym)
SELECT event_key, %s, occurred_at, local_date, event_type,
    coalesce(order_type, ''), area_id, epr_user_id, staff_id, coalesce(role_group, ''),
    coalesce(patient_pseudonym, '')
FROM golive_stage_events WHERE 1 = 1
ON CONFLICT (event_key) DO NOTHING
"""
TEMPORARY_TABLES = (
    "golive_stage_clashes",
    "golive_stage_conflicts",
    "golive_stage_conflicted",
    "golive_stage_firsts",
    "golive_stage_events",
)


@dataclass(frozen=True)
class Duplicate:
    first_line: int
    lines: list[int]


@dataclass(frozen=True)
class ConflictFound:
    """A row whose natural key matches another with different content: never merged.
    ``other_line`` is set for a clash inside the file, ``other_batch`` for a clash with a
    row another batch committed. ``values`` holds (this row's, the other's) value of each
    differing field, masked where identifying."""

    line: int
    fields: tuple[str, ...]
    values: tuple[tuple[str, str], ...]
    other_line: int | None = None
    other_batch: int | None = None


@dataclass(frozen=True)
class MergeResult:
    """What a merger did. Mergers write every valid row except conflicting ones, which they
    report (``conflicts``, capped; ``conflict_rows``, all of them); the pipeline decides
    whether to keep the transaction (see ``pipeline``)."""

    staged: int
    inserted: int
    unchanged: int
    duplicate_rows: int
    duplicates: list[Duplicate]
    updated: int = 0
    notices: tuple[str, ...] = ()
    duplicate_groups: int | None = None  # all of them; ``duplicates`` lists at most a cap
    local_dates: tuple[str, ...] = ()  # events: the local days the staged rows fall on
    conflicts: tuple[ConflictFound, ...] = ()
    conflict_rows: int = 0
    # A correction: earlier batch id -> how many of its rows this batch replaced.
    superseded: dict[int, int] = field(default_factory=dict)
    leavers: int = 0  # staff lists marked as full: staff missing from the list, now leavers

    @property
    def duplicate_count(self) -> int:
        return len(self.duplicates) if self.duplicate_groups is None else self.duplicate_groups


def _work_rows(path: Path) -> Iterator[list[str | None]]:
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            yield [cell if cell != "" else None for cell in row]


def _chunks(rows: Iterator[list[str | None]], size: int) -> Iterator[list[list[str | None]]]:
    """Rows in lists of ``size``; event keys lose their dashes (Django's SQLite UUID form)."""
    chunk: list[list[str | None]] = []
    for row in rows:
        row[1] = (row[1] or "").replace("-", "")
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


MISSING_REFERENCES = """
SELECT count(*) FROM golive_stage_events s
WHERE NOT EXISTS (SELECT 1 FROM golive_area a WHERE a.id = s.area_id)
   OR (s.staff_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM golive_staffmember m WHERE m.id = s.staff_id))
"""


def _check_references(cursor: Any) -> None:
    """The events table has no database keys (they cost more than the load): one set-wise
    check that every area and staff member still exists stands in for them."""
    cursor.execute(MISSING_REFERENCES)
    (missing,) = cursor.fetchone()
    if missing:
        raise MissingReferenceError(f"{missing} staged rows refer to deleted areas or staff")


class MissingReferenceError(RuntimeError):
    """An area or staff member was deleted while the batch was being validated."""


@dataclass
class _Found:
    """What the look at staged keys found, for the result."""

    duplicate_rows: int = 0
    duplicate_groups: int = 0
    duplicates: list[Duplicate] = field(default_factory=list)
    conflicts: list[ConflictFound] = field(default_factory=list)
    conflict_rows: int = 0
    batch_conflict_rows: int = 0  # of them, against other batches' rows
    superseded: dict[int, int] = field(default_factory=dict)
    old_dates: list[str] = field(default_factory=list)


def _duplicates(cursor: Any, found: _Found) -> None:
    """Keys staged more than once. Where a key's lines disagree, every line of it is a
    conflict (reported against the first line of the key that differs from it): which one is
    right cannot be known, so none is written, not even the first. Otherwise the later lines
    are plain duplicates (counted, reported with their lines, capped). Both leave the stage,
    so it holds one row per key. One aggregate when no key repeats (most extracts), and the
    closer look only at the keys that do."""
    cursor.execute(FIRSTS)
    cursor.execute("SELECT count(*) FROM golive_stage_firsts")
    (repeated,) = cursor.fetchone()
    if not repeated:
        return
    cursor.execute(CONFLICTED)
    cursor.execute("SELECT count(*) FROM golive_stage_conflicted")
    (conflicted,) = cursor.fetchone()
    if conflicted:
        cursor.execute(IN_FILE_CONFLICTS)
        cursor.execute("SELECT count(*) FROM golive_stage_conflicts")
        (conflicting,) = cursor.fetchone()
        found.conflict_rows += conflicting
        cursor.execute(IN_FILE_DETAILS, [DUPLICATE_REPORT_CAP])
        found.conflicts.extend(_conflicts(cursor.fetchall(), lambda row: {"other_line": row[1]}))
        cursor.execute(DROP_CONFLICTS)
    cursor.execute(DUPLICATE_GROUPS)
    groups = cursor.fetchall()
    found.duplicate_rows = sum(n - 1 for _, n, _ in groups)
    found.duplicate_groups = len(groups)
    shown = groups[:DUPLICATE_REPORT_CAP]
    if shown:
        lines: dict[Any, list[int]] = {key: [] for key, _, _ in shown}
        cursor.execute(
            "SELECT s.event_key, s.line FROM golive_stage_firsts d "
            "JOIN golive_stage_events s ON s.event_key = d.event_key "
            "WHERE d.first_line <= %s ORDER BY s.line",
            [shown[-1][2]],
        )
        for key, line in cursor.fetchall():
            if key in lines and len(lines[key]) < 20:
                lines[key].append(line)
        found.duplicates.extend(Duplicate(first, lines[key]) for key, _, first in shown)
    cursor.execute(DROP_LATER_LINES)


def _clashes(cursor: Any, batch_id: int, found: _Found, *, correction: bool) -> int:
    """Staged rows whose key another batch committed with different content: conflicts, or
    in a correction, replacements of those rows (returns how many were replaced)."""
    cursor.execute(CLASHES, [batch_id])
    cursor.execute("SELECT count(*) FROM golive_stage_clashes")
    (clashing,) = cursor.fetchone()
    if not clashing:
        return 0
    if not correction:
        found.conflict_rows += clashing
        found.batch_conflict_rows = clashing
        room = max(DUPLICATE_REPORT_CAP - len(found.conflicts), 0)
        cursor.execute(CLASH_DETAILS, [room])
        found.conflicts.extend(
            _conflicts(cursor.fetchall(), lambda row: {"other_batch": int(row[1])})
        )
        return 0
    cursor.execute(
        "SELECT other_batch, count(*) FROM golive_stage_clashes GROUP BY other_batch "
        "ORDER BY other_batch"
    )
    found.superseded = {int(batch): count for batch, count in cursor.fetchall()}
    cursor.execute("SELECT DISTINCT old_date FROM golive_stage_clashes")
    found.old_dates = [str(day) for (day,) in cursor.fetchall()]
    cursor.execute(SUPERSEDE, [batch_id])
    for earlier, count in found.superseded.items():
        ImportBatch.objects.filter(pk=earlier).update(rows_superseded=F("rows_superseded") + count)
    return clashing


def _conflicts(
    rows: list[tuple[Any, ...]], other: Callable[[tuple[Any, ...]], dict[str, int]]
) -> list[ConflictFound]:
    """Conflicts from rows of (line, the other line or batch, this row's content, the
    other's content), contents in ``CONTENT_COLUMNS`` order."""
    width = len(CONTENT_COLUMNS)
    area_at = 2 + CONTENT_COLUMNS.index("area_id")
    area_ids = {int(row[at]) for row in rows for at in (area_at, area_at + width)}
    areas = {
        pk: f"{site}/{code}"
        for pk, site, code in Area.objects.filter(pk__in=area_ids).values_list(
            "pk", "site__code", "code"
        )
    }
    found = []
    for row in rows:
        names, shown = [], []
        for column, this, that in zip(
            CONTENT_COLUMNS, row[2 : 2 + width], row[2 + width :], strict=True
        ):
            if _comparable(this) != _comparable(that):
                names.append(GOLIVE_FIELDS[column])
                shown.append((_shown(column, this, areas), _shown(column, that, areas)))
        found.append(
            ConflictFound(line=row[0], fields=tuple(names), values=tuple(shown), **other(row))
        )
    return found


def _comparable(value: Any) -> str:
    return "" if value is None else str(value)


def _shown(column: str, value: Any, areas: dict[int, str]) -> str:
    """A value as a report shows it: local times, area codes, identifiers masked."""
    text = _comparable(value)
    if not text:
        return ""
    if column in _IDENTIFYING:
        return mask(text)
    if column == "area_id":
        return areas.get(int(text), text)
    if column == "occurred_at":
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(text)
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=dt.UTC)
        return f"{timezone.localtime(moment):%Y-%m-%d %H:%M:%S}"
    return text


def merge_events(
    *, batch_id: int, work_file: Path, present_fields: frozenset[str], correction: bool = False
) -> MergeResult:
    """Load the work file's events. Call inside ``transaction.atomic``.

    Rows whose key repeats with different content (in the file, or against another batch's
    committed row) are conflicts and are not written; in a ``correction`` a row differing
    from another batch's takes its place instead (``updated``; the earlier batch's
    ``rows_superseded`` grows), and ``local_dates`` includes the replaced rows' days."""
    found = _Found()
    with connection.cursor() as cursor:
        # Dropped explicitly too: inside an enclosing transaction ON COMMIT never comes.
        for table in TEMPORARY_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        staged = _stage(cursor, work_file)
        _check_references(cursor)
        _duplicates(cursor, found)
        distinct = staged - found.conflict_rows - found.duplicate_rows
        cursor.execute(MERGE, [batch_id])
        inserted = cursor.rowcount
        updated = 0
        if inserted < distinct:  # some keys are already there: same content, or not?
            updated = _clashes(cursor, batch_id, found, correction=correction)
        cursor.execute("SELECT DISTINCT local_date FROM golive_stage_events")
        days = {str(day) for (day,) in cursor.fetchall()} | set(found.old_dates)
        for table in TEMPORARY_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
    return MergeResult(
        staged=staged,
        inserted=inserted,
        updated=updated,
        unchanged=distinct - inserted - updated - found.batch_conflict_rows,
        duplicate_rows=found.duplicate_rows,
        duplicates=found.duplicates,
        duplicate_groups=found.duplicate_groups,
        local_dates=tuple(sorted(days)),
        conflicts=tuple(found.conflicts),
        conflict_rows=found.conflict_rows,
        superseded=found.superseded,
    )


def _stage(cursor: Any, work_file: Path) -> int:
    """Copy the work file into the staging table; returns the rows staged."""
    if connection.vendor == "postgresql":
        cursor.execute(PG_STAGE)
        raw = cursor.cursor  # psycopg 3 cursor, for its streaming COPY
        with (
            raw.copy(
                f"COPY golive_stage_events ({', '.join(STAGE_COLUMNS)}) FROM STDIN "
                "WITH (FORMAT csv)"
            ) as copy,
            work_file.open("rb") as handle,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        return int(raw.rowcount)  # COPY reports its row count: no second pass to count
    cursor.execute(SQLITE_STAGE)
    placeholders = ", ".join(["%s"] * len(STAGE_COLUMNS))
    insert = f"INSERT INTO golive_stage_events VALUES ({placeholders})"  # noqa: S608
    for rows in _chunks(_work_rows(work_file), 5000):
        cursor.executemany(insert, rows)
    cursor.execute("CREATE INDEX golive_stage_key ON golive_stage_events (event_key)")
    cursor.execute("SELECT count(*) FROM golive_stage_events")
    (staged,) = cursor.fetchone()
    return int(staged)
