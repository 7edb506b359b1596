"""Daily rollups of imported events: what every adoption figure is read from.

After an events batch commits, only the local days (Europe/London, already fixed on each
event at import) that the batch touched are recomputed, set-wise in SQL, with upserts on the
rollups' natural keys: running it twice gives the same rows, and rollups of overlapping
batches run one at a time (an advisory lock on PostgreSQL), so they give the same rows too.
``rebuild_all`` recomputes everything in one statement per table.

Three tables are written: ``DailyRollup`` (events), ``DailyUserActivity`` (one row per user,
area and day) and ``DailyAreaUsers`` (active users per area, day and role group, counted
from the activity rows, so that year-long series add counts instead of counting distinct
users).

The SQL is the same on PostgreSQL and SQLite (both support ``INSERT ... SELECT ... ON
CONFLICT DO UPDATE``); day lists are bound as ``IN (...)`` placeholders, which PostgreSQL
turns into one index scan per area and day through ``event_rollup_idx``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from adoption.analytics import cache as analytics_cache
from adoption.models import DailyRollup, DailyUserActivity, EventType, ImportBatch, ImportKind
from golive.models import Area

# A year of days per statement keeps the placeholder list well inside SQLite's limits.
DAYS_PER_STATEMENT = 366

ROLLUP_SQL = """
INSERT INTO adoption_dailyrollup
    (local_date, area_id, event_type, order_type, role_group, events, users)
SELECT local_date, area_id, event_type, order_type, role_group,
    count(*), count(DISTINCT epr_user_id)
FROM adoption_event
WHERE {where}
GROUP BY local_date, area_id, event_type, order_type, role_group
ON CONFLICT (local_date, area_id, event_type, order_type, role_group)
DO UPDATE SET events = excluded.events, users = excluded.users
"""

# Failed log-ins are not use: someone who only failed to log in was not active. The window
# counts each user's areas that day (days are always recomputed across every area).
ACTIVITY_SQL = """
INSERT INTO adoption_dailyuseractivity
    (local_date, area_id, epr_user_id, staff_id, role_group, events, in_several_areas)
SELECT local_date, area_id, epr_user_id, max(staff_id), max(role_group), count(*),
    count(*) OVER (PARTITION BY local_date, epr_user_id) > 1
FROM adoption_event
WHERE {where} AND event_type <> %s
GROUP BY local_date, area_id, epr_user_id
ON CONFLICT (local_date, area_id, epr_user_id)
DO UPDATE SET staff_id = excluded.staff_id, role_group = excluded.role_group,
    events = excluded.events, in_several_areas = excluded.in_several_areas
"""

# Active users per area, day and role group: one activity row is one user in that area.
AREA_USERS_SQL = """
INSERT INTO adoption_dailyareausers (local_date, area_id, role_group, users)
SELECT local_date, area_id, role_group, count(*)
FROM adoption_dailyuseractivity
WHERE {where}
GROUP BY local_date, area_id, role_group
ON CONFLICT (local_date, area_id, role_group)
DO UPDATE SET users = excluded.users
"""

# Any fixed number: the key of the PostgreSQL advisory lock that runs rollups one at a time.
ROLLUP_LOCK = 74_201_126


# Events keep the staff link they had when imported; a staff list imported later (or a
# corrected EPR id) links the activity rows here, as the import matches ids: ignoring case.
RELINK_SQL = """
UPDATE adoption_dailyuseractivity SET staff_id = s.id
FROM golive_staffmember s, golive_area a, golive_site si
WHERE a.id = adoption_dailyuseractivity.area_id AND si.id = a.site_id
    AND s.organisation_id = si.organisation_id AND s.epr_user_id <> ''
    AND upper(s.epr_user_id) = upper(adoption_dailyuseractivity.epr_user_id)
    AND (adoption_dailyuseractivity.staff_id IS NULL
        OR adoption_dailyuseractivity.staff_id <> s.id)
"""


@dataclass(frozen=True)
class RollupResult:
    days: int
    rollup_rows: int
    activity_rows: int


def _rollups_changed() -> None:
    """Cached figures read the rollups: they are stale (``analytics_cache.figures_changed``)."""
    analytics_cache.figures_changed()


def _one_at_a_time() -> None:
    """Wait for any other rollup to commit, then hold them off until this transaction ends.
    Two rollups of overlapping days at once would each write rows from what the events
    were when its statements began: the second to finish could undo the first's flags of
    people active in two areas, and count them twice (a lost update). With the lock, every
    statement after it sees all that earlier rollups committed. SQLite has one writer
    anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUP_LOCK])


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


def days_touched_by(batch_id: int) -> list[dt.date]:
    """The local days ``batch_id``'s events fall on: recorded by the merge; for batches
    merged before that was recorded, one scan of the events table for the batch's rows."""
    recorded = ImportBatch.objects.filter(pk=batch_id).values_list("local_dates", flat=True)
    days = recorded.first()
    if days:
        return [dt.date.fromisoformat(day) for day in days]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT local_date FROM adoption_event WHERE batch_id = %s "
            "ORDER BY local_date",
            [batch_id],
        )
        return [_as_date(row[0]) for row in cursor.fetchall()]


def _as_date(value: object) -> dt.date:
    # SQLite hands dates back as text from raw SQL.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


@transaction.atomic
def recompute_days(days: list[dt.date]) -> RollupResult:
    """Upsert the rollups of ``days`` (every area) from the events. Idempotent."""
    if not days:
        return RollupResult(0, 0, 0)
    _one_at_a_time()
    area_ids = list(Area.objects.values_list("pk", flat=True))
    if not area_ids:
        return RollupResult(len(days), 0, 0)
    rollup_rows = activity_rows = 0
    with connection.cursor() as cursor:
        for start in range(0, len(days), DAYS_PER_STATEMENT):
            chunk = days[start : start + DAYS_PER_STATEMENT]
            # The area list lets PostgreSQL use the (area, local_date) event index.
            where = (
                f"area_id IN ({_placeholders(len(area_ids))}) "
                f"AND local_date IN ({_placeholders(len(chunk))})"
            )
            params: list[int | dt.date] = [*area_ids, *chunk]
            cursor.execute(ROLLUP_SQL.format(where=where), params)
            rollup_rows += max(cursor.rowcount, 0)
            cursor.execute(ACTIVITY_SQL.format(where=where), [*params, EventType.LOGIN_FAILED])
            activity_rows += max(cursor.rowcount, 0)
            _count_area_users(cursor, chunk)
    _rollups_changed()
    return RollupResult(len(days), rollup_rows, activity_rows)


def _count_area_users(cursor: CursorWrapper, days: list[dt.date] | None) -> None:
    """Recount ``DailyAreaUsers`` for ``days`` (None: every day) from the activity rows.
    Deleted first: a user whose role group changed must leave their old group's count."""
    if days is None:
        cursor.execute("DELETE FROM adoption_dailyareausers")
        cursor.execute(AREA_USERS_SQL.format(where="1 = 1"))
        return
    in_days = f"local_date IN ({_placeholders(len(days))})"
    cursor.execute(f"DELETE FROM adoption_dailyareausers WHERE {in_days}", days)  # noqa: S608 - placeholders only
    cursor.execute(AREA_USERS_SQL.format(where=in_days), days)


@transaction.atomic
def relink_staff() -> int:
    """Point activity rows at the staff member with their EPR user id; returns rows changed.
    Idempotent: rows already linked right are not touched."""
    _one_at_a_time()
    with connection.cursor() as cursor:
        cursor.execute(RELINK_SQL)
        changed = max(cursor.rowcount, 0)
    _rollups_changed()
    return changed


def rollup_batch(batch_id: int) -> RollupResult | None:
    """After a committed batch: recompute the days an events batch touched, or relink
    activity to staff after a staff list. Returns None (and does nothing) when the batch is
    gone, not committed, or of another kind. Safe to run repeatedly."""
    kind = (
        ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.COMMITTED)
        .values_list("kind", flat=True)
        .first()
    )
    if kind == ImportKind.STAFF:
        relinked = relink_staff()
        return RollupResult(0, 0, relinked)
    if kind != ImportKind.EVENTS:
        return None
    return recompute_days(days_touched_by(batch_id))


@transaction.atomic
def rebuild_all() -> RollupResult:
    """Recompute every rollup from every event (seeding, repairs, after a bulk delete).
    Readers in other transactions see the old rows until this commits."""
    _one_at_a_time()
    DailyRollup.objects.all().delete()
    DailyUserActivity.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(ROLLUP_SQL.format(where="1 = 1"))
        rollup_rows = max(cursor.rowcount, 0)
        cursor.execute(ACTIVITY_SQL.format(where="1 = 1"), [EventType.LOGIN_FAILED])
        activity_rows = max(cursor.rowcount, 0)
        cursor.execute(RELINK_SQL)
        _count_area_users(cursor, None)
        if connection.vendor == "postgresql":
            # Fresh statistics, or the planner guesses a handful of rows and sorts on disk.
            cursor.execute(
                "ANALYZE adoption_dailyrollup, adoption_dailyuseractivity, adoption_dailyareausers"
            )
    _rollups_changed()
    days = DailyRollup.objects.values("local_date").distinct().count()
    return RollupResult(days, rollup_rows, activity_rows)
