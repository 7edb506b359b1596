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
from django.db.models import TextChoices

from adoption.analytics import cache as analytics_cache
from adoption.models import (
    DailyRollup,
    DailyUserActivity,
    EventType,
    ImportBatch,
    ImportKind,
    OrderType,
    type_bits,
)
from golive.models import Area, StaffMember

# A year of days per statement keeps the placeholder list well inside SQLite's limits.
DAYS_PER_STATEMENT = 366
# Days rolled up per transaction. On SQLite, about a second of holding its one writer lock
# at most (a demo day takes ~35 ms), so a sign-in never waits long behind a rollup.
DAYS_PER_TRANSACTION = {"sqlite": 10, "postgresql": DAYS_PER_STATEMENT}

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

# Failed log-ins are not use: someone who only failed to log in was not active (no row). The
# window counts each user's areas that day (days are always recomputed across every area).
# Each row records what the user did there (``event_mask``, ``order_mask``: a failed log-in
# is in the mask when they also did something else), and is linked to the staff member of
# the area's trust with the user's EPR id (ignoring case, through the stored keys and
# ``staff_epr_user_key_idx``): the staff list as it is now, so a list imported after the
# events counts at once, and recomputing a day never undoes a relink. The masks are sums of
# per-type maxima rather than ``bit_or``, which SQLite lacks; they hash-aggregate with the
# rest. The outer WHERE is SQLite's: an upsert's SELECT with a join must have one.
ACTIVITY_SQL = """
INSERT INTO adoption_dailyuseractivity
    (local_date, area_id, epr_user_id, staff_id, role_group, events, in_several_areas,
     event_mask, order_mask)
SELECT u.local_date, u.area_id, u.epr_user_id,
    (SELECT min(s.id) FROM golive_staffmember s
        WHERE s.organisation_id = si.organisation_id AND s.epr_user_key = u.epr_user_key
            AND s.epr_user_id <> ''),
    u.role_group, u.events, u.in_several_areas, u.event_mask, u.order_mask
FROM (
    SELECT local_date, area_id, epr_user_id, max(epr_user_key) AS epr_user_key,
        max(CASE WHEN event_type <> %s THEN role_group END) AS role_group,
        sum(CASE WHEN event_type <> %s THEN 1 ELSE 0 END) AS events,
        count(*) OVER (PARTITION BY local_date, epr_user_id) > 1 AS in_several_areas,
        {event_mask} AS event_mask, {order_mask} AS order_mask
    FROM adoption_event
    WHERE {where}
    GROUP BY local_date, area_id, epr_user_id
    HAVING sum(CASE WHEN event_type <> %s THEN 1 ELSE 0 END) > 0
) u
LEFT JOIN golive_area a ON a.id = u.area_id
LEFT JOIN golive_site si ON si.id = a.site_id
WHERE 1 = 1
ON CONFLICT (local_date, area_id, epr_user_id)
DO UPDATE SET staff_id = excluded.staff_id, role_group = excluded.role_group,
    events = excluded.events, in_several_areas = excluded.in_several_areas,
    event_mask = excluded.event_mask, order_mask = excluded.order_mask
"""


def _mask_sql(choices: type[TextChoices], condition: str) -> str:
    """A mask of ``type_bits`` over a group's events: one bit per type of ``choices`` that
    some event of the group has (``{value}`` in ``condition`` is the type). The values are
    the code's own choices, checked to be plain words, so they are written into the SQL."""
    terms = []
    for value in choices.values:
        if not value.replace("_", "").isalnum():
            raise ValueError(f"{value!r} cannot be written into SQL.")
        bit = type_bits(choices, [value])
        terms.append(f"max(CASE WHEN {condition.format(value=value)} THEN {bit} ELSE 0 END)")
    return " + ".join(terms)


def _activity_params(where_params: list[int | dt.date]) -> list[int | dt.date | str]:
    """``ACTIVITY_SQL``'s parameters in order: failed log-ins twice (the select list), the
    WHERE clause's, failed log-ins again (HAVING)."""
    failed = EventType.LOGIN_FAILED.value
    return [failed, failed, *where_params, failed]


def _activity_sql(where: str) -> str:
    # The order mask holds the order types of orders placed: an order type on another event
    # (a result viewed) is not an order the user placed.
    placed = EventType.ORDER_PLACED.value
    return ACTIVITY_SQL.format(
        where=where,
        event_mask=_mask_sql(EventType, "event_type = '{value}'"),
        order_mask=_mask_sql(OrderType, f"event_type = '{placed}' AND order_type = '{{value}}'"),
    )


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

# Rows of the recomputed days whose group has no events left; the rest are upserted in place.
STALE_ROLLUPS = """
DELETE FROM adoption_dailyrollup
WHERE {where} AND NOT EXISTS (
    SELECT 1 FROM adoption_event e
    WHERE e.area_id = adoption_dailyrollup.area_id
        AND e.local_date = adoption_dailyrollup.local_date
        AND e.event_type = adoption_dailyrollup.event_type
        AND e.order_type = adoption_dailyrollup.order_type
        AND e.role_group = adoption_dailyrollup.role_group
)
"""
STALE_ACTIVITY = """
DELETE FROM adoption_dailyuseractivity
WHERE {where} AND NOT EXISTS (
    SELECT 1 FROM adoption_event e
    WHERE e.area_id = adoption_dailyuseractivity.area_id
        AND e.local_date = adoption_dailyuseractivity.local_date
        AND e.epr_user_id = adoption_dailyuseractivity.epr_user_id
        AND e.event_type <> %s
)
"""

# Any fixed number: the key of the PostgreSQL advisory lock that runs rollups one at a time.
ROLLUP_LOCK = 74_201_126


# Relinking activity to staff after a staff list (or a corrected EPR id), by the stored keys.
# Events are not relinked: figures take their staff link from the activity rows, which join
# the staff list as it is (``ACTIVITY_SQL``), so no staff list rewrites the largest table.
# Activity rows are taken a window of ids at a time, each window its own short transaction
# that finds each row's staff member through ``staff_epr_user_key_idx``: the work grows with
# the rows, never rows × staff, and on SQLite the one writer lock is held a fraction of a
# second at a time, so sign-ins and page views carry on in between. The organisation's
# areas are bound as a list: PostgreSQL then plans from the tables' own statistics.
# Portable SQL (``UPDATE ... FROM``: PostgreSQL, and SQLite 3.33 and newer).
ROWS_PER_LINK_WINDOW = {"postgresql": 50_000, "sqlite": 5_000}

NEXT_ACTIVITY = """
SELECT max(id) FROM (
    SELECT id FROM adoption_dailyuseractivity WHERE id > %s ORDER BY id LIMIT %s
) w
"""

LINK_ACTIVITY_SQL = """
UPDATE adoption_dailyuseractivity SET staff_id = s.id
FROM golive_staffmember s
WHERE adoption_dailyuseractivity.id > %s AND adoption_dailyuseractivity.id <= %s
    AND adoption_dailyuseractivity.area_id IN ({areas})
    AND s.organisation_id = %s AND s.epr_user_id <> ''
    AND s.epr_user_key = adoption_dailyuseractivity.epr_user_key
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


def recompute_days(days: list[dt.date]) -> RollupResult:
    """Upsert the rollups of ``days`` (every area) from the events. Idempotent. Commits a
    group of days at a time (``DAYS_PER_TRANSACTION``; savepoints inside a caller's
    transaction): days are independent of each other, and on SQLite a short transaction
    per group keeps the one writer lock free for sign-ins between groups."""
    if not days:
        return RollupResult(0, 0, 0)
    area_ids = list(Area.objects.values_list("pk", flat=True))
    if not area_ids:
        return RollupResult(len(days), 0, 0)
    per_transaction = DAYS_PER_TRANSACTION.get(connection.vendor, DAYS_PER_STATEMENT)
    rollup_rows = activity_rows = 0
    for start in range(0, len(days), per_transaction):
        rows = _recompute_group(days[start : start + per_transaction], area_ids)
        rollup_rows += rows.rollup_rows
        activity_rows += rows.activity_rows
    _rollups_changed()
    return RollupResult(len(days), rollup_rows, activity_rows)


@transaction.atomic
def rebuild_days(days: list[dt.date]) -> RollupResult:
    """Recompute the rollups of ``days`` (every area) exactly as ``rebuild_all`` would:
    their rows are deleted first, so a cell or user whose events are all gone (a withdrawn
    batch) leaves no row behind, which upserts alone would. One transaction, holding the
    rollups' lock throughout, so no reader sees the days half rebuilt."""
    if not days:
        return RollupResult(0, 0, 0)
    _one_at_a_time()
    for start in range(0, len(days), DAYS_PER_STATEMENT):
        chunk = days[start : start + DAYS_PER_STATEMENT]
        DailyRollup.objects.filter(local_date__in=chunk).delete()
        DailyUserActivity.objects.filter(local_date__in=chunk).delete()
    return recompute_days(days)


@transaction.atomic
def _recompute_group(days: list[dt.date], area_ids: list[int]) -> RollupResult:
    _one_at_a_time()
    # The area list lets PostgreSQL use the (area, local_date) event index.
    where = (
        f"area_id IN ({_placeholders(len(area_ids))}) "
        f"AND local_date IN ({_placeholders(len(days))})"
    )
    params: list[int | dt.date] = [*area_ids, *days]
    with connection.cursor() as cursor:
        # Rows of groups that have no events left (a correction moved them to another area
        # or role group, a withdrawal removed them) must go: the upserts only reach groups
        # that still have events.
        cursor.execute(STALE_ROLLUPS.format(where=where), params)
        cursor.execute(STALE_ACTIVITY.format(where=where), [*params, EventType.LOGIN_FAILED])
        cursor.execute(ROLLUP_SQL.format(where=where), params)
        rollup_rows = max(cursor.rowcount, 0)
        cursor.execute(_activity_sql(where), _activity_params(params))
        activity_rows = max(cursor.rowcount, 0)
        _count_area_users(cursor, days)
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


def relink_staff(organisation_id: int | None = None) -> int:
    """Link activity rows to the staff member with their EPR user id (``organisation_id``'s
    staff, or every organisation's); returns the rows changed. Commits a window of rows at a
    time (savepoints inside a caller's transaction), each waiting its turn with rollups.
    Idempotent: rows already linked right are not touched."""
    staff = StaffMember.objects.exclude(epr_user_id="")
    if organisation_id is not None:
        staff = staff.filter(organisation_id=organisation_id)
    organisations = staff.order_by("organisation_id").values_list("organisation_id", flat=True)
    changed = 0
    for organisation in organisations.distinct():
        areas = list(
            Area.objects.filter(site__organisation_id=organisation).values_list("pk", flat=True)
        )
        if areas:
            changed += _link_activity(organisation, areas)
    if changed:
        _rollups_changed()
    return changed


def _link_activity(organisation_id: int, areas: list[int]) -> int:
    """Link the activity rows of ``areas`` to ``organisation_id``'s staff, one window of ids
    per transaction until no rows are left; returns the rows changed."""
    size = ROWS_PER_LINK_WINDOW.get(connection.vendor, 5_000)
    statement = LINK_ACTIVITY_SQL.format(areas=_placeholders(len(areas)))
    changed = 0
    after = 0
    while True:
        with transaction.atomic():
            _one_at_a_time()
            with connection.cursor() as cursor:
                cursor.execute(NEXT_ACTIVITY, [after, size])
                row = cursor.fetchone()
                last = row[0] if row else None
                if last is None:
                    return changed
                cursor.execute(statement, [after, last, *areas, organisation_id])
                changed += max(cursor.rowcount, 0)
        after = int(last)


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
        organisation_id = (
            ImportBatch.objects.filter(pk=batch_id)
            .values_list("programme__organisation_id", flat=True)
            .get()
        )
        relinked = relink_staff(organisation_id)
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
        cursor.execute(_activity_sql("1 = 1"), _activity_params([]))
        activity_rows = max(cursor.rowcount, 0)
        _count_area_users(cursor, None)
        if connection.vendor == "postgresql":
            # Fresh statistics, or the planner guesses a handful of rows and sorts on disk.
            cursor.execute(
                "ANALYZE adoption_dailyrollup, adoption_dailyuseractivity, adoption_dailyareausers"
            )
    _rollups_changed()
    days = DailyRollup.objects.values("local_date").distinct().count()
    return RollupResult(days, rollup_rows, activity_rows)
