"""Set-wise merge of validated, pseudonymised rows from a work file into the live tables.

PostgreSQL: ``COPY`` into a temporary staging table, then one ``INSERT ... SELECT ... ON
CONFLICT DO NOTHING``. SQLite (the embedded default): the same shape with ``executemany``.
Both run inside the caller's transaction, so a batch lands completely or not at all.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

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
DUPLICATES = """
SELECT event_key, count(*) AS n, min(line) AS first_line
FROM golive_stage_events GROUP BY event_key HAVING count(*) > 1 ORDER BY min(line)
"""
PG_MERGE = """
INSERT INTO adoption_event (event_key, batch_id, occurred_at, local_date, event_type,
    order_type, area_id, epr_user_id, staff_id, role_group, patient_pseudonym)
SELECT {distinct} event_key, %s, occurred_at, local_date, event_type,
    coalesce(order_type, ''), area_id, epr_user_id, staff_id, coalesce(role_group, ''),
    coalesce(patient_pseudonym, '')
FROM golive_stage_events {order}
ON CONFLICT (event_key) DO NOTHING
"""


def pg_merge_sql(*, has_duplicates: bool) -> str:
    """Sorting a million staged rows to drop duplicates is the slowest step of a merge, so it
    happens only when the file has duplicates (most extracts have none)."""
    if has_duplicates:
        return PG_MERGE.format(distinct="DISTINCT ON (event_key)", order="ORDER BY event_key, line")
    return PG_MERGE.format(distinct="", order="")


# ON CONFLICT, not INSERT OR IGNORE: the latter would also swallow NOT NULL violations.
SQLITE_MERGE = """
INSERT INTO adoption_event (event_key, batch_id, occurred_at, local_date,
    event_type, order_type, area_id, epr_user_id, staff_id, role_group, patient_pseudonym)
SELECT event_key, %s, occurred_at, local_date, event_type, coalesce(order_type, ''), area_id,
    epr_user_id, staff_id, coalesce(role_group, ''), coalesce(patient_pseudonym, '')
FROM golive_stage_events s
WHERE line = (SELECT min(line) FROM golive_stage_events t WHERE t.event_key = s.event_key)
ON CONFLICT (event_key) DO NOTHING
"""


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


def _check_references(cursor: object) -> None:
    """The events table has no database keys (they cost more than the load): one set-wise
    check that every area and staff member still exists stands in for them."""
    cursor.execute(MISSING_REFERENCES)  # type: ignore[attr-defined]
    (missing,) = cursor.fetchone()  # type: ignore[attr-defined]
    if missing:
        raise MissingReferenceError(f"{missing} staged rows refer to deleted areas or staff")


class MissingReferenceError(RuntimeError):
    """An area or staff member was deleted while the batch was being validated."""


def _duplicates(cursor: object) -> tuple[int, int, list[Duplicate]]:
    """Extra rows, duplicate groups, and the first groups with their lines (capped)."""
    cursor.execute(DUPLICATES)  # type: ignore[attr-defined]
    rows = cursor.fetchall()  # type: ignore[attr-defined]
    extra = sum(n - 1 for _, n, _ in rows)
    found = []
    for key, _, first in rows[:DUPLICATE_REPORT_CAP]:
        cursor.execute(  # type: ignore[attr-defined]
            "SELECT line FROM golive_stage_events WHERE event_key = %s ORDER BY line LIMIT 20",
            [key],
        )
        found.append(Duplicate(first, [line for (line,) in cursor.fetchall()]))  # type: ignore[attr-defined]
    return extra, len(rows), found


def merge_events(*, batch_id: int, work_file: Path, present_fields: frozenset[str]) -> MergeResult:
    """Load the work file's events. Call inside ``transaction.atomic``."""
    with connection.cursor() as cursor:
        # Dropped explicitly too: inside an enclosing transaction ON COMMIT never comes.
        cursor.execute("DROP TABLE IF EXISTS golive_stage_events")
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
            staged = raw.rowcount  # COPY reports its row count: no second pass to count
            merge_sql = ""
        else:
            cursor.execute(SQLITE_STAGE)
            placeholders = ", ".join(["%s"] * len(STAGE_COLUMNS))
            insert = f"INSERT INTO golive_stage_events VALUES ({placeholders})"  # noqa: S608
            for rows in _chunks(_work_rows(work_file), 5000):
                cursor.executemany(insert, rows)
            cursor.execute("CREATE INDEX golive_stage_key ON golive_stage_events (event_key)")
            merge_sql = SQLITE_MERGE
            cursor.execute("SELECT count(*) FROM golive_stage_events")
            (staged,) = cursor.fetchone()
        _check_references(cursor)
        duplicate_rows, duplicate_groups, duplicates = _duplicates(cursor)
        cursor.execute("SELECT DISTINCT local_date FROM golive_stage_events ORDER BY 1")
        local_dates = tuple(str(day) for (day,) in cursor.fetchall())
        merge_sql = merge_sql or pg_merge_sql(has_duplicates=duplicate_rows > 0)
        cursor.execute(merge_sql, [batch_id])
        inserted = cursor.rowcount
        cursor.execute("DROP TABLE golive_stage_events")
    distinct = staged - duplicate_rows
    return MergeResult(
        staged=staged,
        inserted=inserted,
        unchanged=distinct - inserted,
        duplicate_rows=duplicate_rows,
        duplicates=duplicates,
        duplicate_groups=duplicate_groups,
        local_dates=local_dates,
    )
