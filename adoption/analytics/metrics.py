"""The metric catalogue at work: daily series for any metric over any set of areas, read
from the rollups only (never from raw events), and the built-in metrics every programme
starts with.

A day with no rollup rows anywhere in the trust has no data (``None``: no extract covered
it); a covered day with nothing in the chosen areas is a real zero.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.lookups import GreaterThan

from adoption.analytics import cache as analytics_cache
from adoption.analytics.builtins import BUILTINS
from adoption.models import (
    DailyAreaUsers,
    DailyRollup,
    DailyUserActivity,
    EventType,
    Metric,
    OrderType,
    type_bits,
)
from golive.access import Access, Capability
from golive.models import GoLive, Programme, RoleGroup, StaffMember, User
from golive.refusals import Conflict
from training.models import Completion

A = Metric.Aggregate
# Aggregates over people (users or staff): their event and order types choose who counts, by
# what they did that day (``DailyUserActivity.event_mask`` / ``order_mask``).
USER_AGGREGATES = frozenset({A.ACTIVE_USERS, A.STAFF_ACTIVE_SHARE, A.TRAINED_ACTIVE_SHARE})
# The event types that make someone active: a row of ``DailyUserActivity`` has at least one.
ACTIVE_EVENT_TYPES = frozenset(t.value for t in EventType if t != EventType.LOGIN_FAILED)
PERCENT_AGGREGATES = frozenset({A.STAFF_ACTIVE_SHARE, A.TRAINED_ACTIVE_SHARE})

DailyValues = list[tuple[dt.date, float | None]]


@dataclass(frozen=True)
class Scope:
    """Which areas and days a series covers, and an optional role-group filter on top of the
    metric's own."""

    area_ids: tuple[int, ...]
    start: dt.date
    end: dt.date
    role_groups: tuple[str, ...] = field(default=())

    def days(self) -> list[dt.date]:
        count = (self.end - self.start).days + 1
        return [self.start + dt.timedelta(days=n) for n in range(max(count, 0))]


# Definitions: what a metric may say.


def validate_definition(
    *,
    aggregate: str,
    event_types: list[str],
    order_types: list[str],
    role_groups: list[str],
    numerator: Metric | None,
    denominator: Metric | None,
    programme: Programme | None,
    this: Metric | None = None,
) -> None:
    """Raise a ``ValidationError`` (a dict of field messages) for a definition that cannot
    be computed. Shared by the form and the API serializer."""
    errors: dict[str, str] = {}
    _check_choices(errors, "event_types", event_types, EventType.values)
    _check_choices(errors, "order_types", order_types, OrderType.values)
    _check_choices(errors, "role_groups", role_groups, RoleGroup.values)
    # The activity rows know which order types a person placed, not which types of order
    # their other events (a result viewed) concerned.
    if aggregate in USER_AGGREGATES and order_types and set(event_types) - {"order_placed"}:
        errors.setdefault(
            "order_types",
            "For people, order types mean orders they placed: tick only "
            f"'{EventType.ORDER_PLACED.label}' as the event type, or no event type.",
        )
    if aggregate == A.RATIO and (event_types or order_types or role_groups):
        errors.setdefault(
            "event_types",
            "A ratio takes its event types, order types and role groups from its numerator "
            "and denominator: leave them empty here.",
        )
    if aggregate == A.RATIO:
        for name, part in (("numerator", numerator), ("denominator", denominator)):
            if part is None:
                errors[name] = f"A ratio needs a {name} metric."
            elif this is not None and part.pk == this.pk:
                errors[name] = "A ratio cannot use itself."
            elif programme is not None and part.programme_id != programme.pk:
                errors[name] = "Choose a metric of the same programme."
            elif part.aggregate == A.RATIO:
                errors[name] = "Choose a metric that is not itself a ratio."
    elif numerator is not None or denominator is not None:
        errors["numerator"] = "Only a ratio has a numerator and a denominator."
    if errors:
        raise ValidationError(errors)


def _check_choices(
    errors: dict[str, str], name: str, values: list[str], allowed: list[str]
) -> None:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        errors[name] = f"Unknown value(s): {', '.join(unknown)}."


# Series.


def _role_filter(metric_groups: list[str], scope: Scope) -> list[str] | None:
    """Role groups to keep, or None for all. An empty list means none match."""
    if metric_groups and scope.role_groups:
        return [g for g in metric_groups if g in scope.role_groups]
    if metric_groups:
        return list(metric_groups)
    return list(scope.role_groups) if scope.role_groups else None


# A loose index scan: one probe of the rollup key (which starts with the day) per day with
# data, instead of reading every rollup row of the range (a year of a trust's rollups is
# over a million rows; measured in bench/README.md).
COVERED_DAYS_SQL = """
WITH RECURSIVE covered (day) AS (
    (SELECT local_date FROM adoption_dailyrollup
     WHERE local_date >= %s AND local_date <= %s ORDER BY local_date LIMIT 1)
    UNION ALL
    SELECT (SELECT r.local_date FROM adoption_dailyrollup r
            WHERE r.local_date > covered.day AND r.local_date <= %s
            ORDER BY r.local_date LIMIT 1)
    FROM covered WHERE covered.day IS NOT NULL
)
SELECT day FROM covered WHERE day IS NOT NULL
"""


def covered_days(start: dt.date, end: dt.date) -> set[dt.date]:
    """Days some extract covered: any rollup row in any area."""
    return analytics_cache.remember("covered", (start, end), lambda: _covered_days(start, end))


def _covered_days(start: dt.date, end: dt.date) -> set[dt.date]:
    if connection.vendor != "postgresql":
        rows = DailyRollup.objects.filter(local_date__range=(start, end))
        return set(rows.values_list("local_date", flat=True).distinct())
    with connection.cursor() as cursor:
        cursor.execute(COVERED_DAYS_SQL, [start, end, end])
        return {row[0] for row in cursor.fetchall()}


def _fill(scope: Scope, values: dict[dt.date, float], covered: set[dt.date]) -> DailyValues:
    return [(day, float(values.get(day, 0)) if day in covered else None) for day in scope.days()]


def _counts(metric: Metric, scope: Scope) -> dict[dt.date, float]:
    rows = DailyRollup.objects.filter(
        area_id__in=scope.area_ids, local_date__range=(scope.start, scope.end)
    )
    if metric.event_types:
        rows = rows.filter(event_type__in=metric.event_types)
    if metric.order_types:
        rows = rows.filter(order_type__in=metric.order_types)
    groups = _role_filter(metric.role_groups, scope)
    if groups is not None:
        rows = rows.filter(role_group__in=groups)
    totals = rows.values("local_date").annotate(n=Sum("events")).values_list("local_date", "n")
    return {day: float(n) for day, n in totals}


def activity_filter(event_types: Iterable[str], order_types: Iterable[str]) -> Q | None:
    """The activity rows of people who did one of ``event_types`` (placed an order of one of
    ``order_types``), by a bitwise AND on the rows' masks; None when every row qualifies (no
    filter, or every type that makes someone active), so callers keep their fast path."""
    events, orders = set(event_types), set(order_types)
    if orders:
        return Q(GreaterThan(F("order_mask").bitand(type_bits(OrderType, orders)), 0))
    if not events or events >= ACTIVE_EVENT_TYPES:
        return None
    return Q(GreaterThan(F("event_mask").bitand(type_bits(EventType, events)), 0))


def _active_users(metric: Metric, scope: Scope, *, filtered: bool) -> dict[dt.date, float]:
    """Active users of the metric's role groups; of its event and order types if
    ``filtered`` (a per-active-user metric's types are what it counts, not who)."""
    return active_users_per_day(
        scope.area_ids,
        scope.start,
        scope.end,
        _role_filter(metric.role_groups, scope),
        event_types=metric.event_types if filtered else (),
        order_types=metric.order_types if filtered else (),
    )


def active_users_per_day(
    area_ids: Iterable[int],
    start: dt.date,
    end: dt.date,
    role_groups: list[str] | None = None,
    *,
    event_types: Iterable[str] = (),
    order_types: Iterable[str] = (),
) -> dict[dt.date, float]:
    """Distinct people active each day in any of the areas (in ``role_groups``, None for
    all; who did one of ``event_types`` or placed an order of ``order_types``, empty for
    anything): someone active on two wards is one active user. The per-area counts are
    added, then each person active in several of the areas that day has their extra rows
    taken off, so no read counts distinct users over every activity row. Unfiltered, the
    per-area counts come from ``DailyAreaUsers``; filtered, from the matching activity rows
    (one grouped count), and the correction only from matching rows, so the count stays
    exact: a row without the flag is its person's only row that day."""
    ids = list(area_ids)
    match = activity_filter(event_types, order_types)
    rows = DailyUserActivity.objects.filter(area_id__in=ids, local_date__range=(start, end))
    if match is not None:
        rows = rows.filter(match)
    several = rows.filter(in_several_areas=True)
    if role_groups is not None:
        rows = rows.filter(role_group__in=role_groups)
        several = several.filter(role_group__in=role_groups)
    totals: Iterable[tuple[dt.date, float]]
    if match is None:
        counts = DailyAreaUsers.objects.filter(area_id__in=ids, local_date__range=(start, end))
        if role_groups is not None:
            counts = counts.filter(role_group__in=role_groups)
        totals = counts.values("local_date").annotate(n=Sum("users")).values_list("local_date", "n")
    else:
        totals = rows.values("local_date").annotate(n=Count("pk")).values_list("local_date", "n")
    per_day = {day: float(n) for day, n in totals}
    if len(ids) > 1:
        extra = several.values("local_date").annotate(
            n=Count("pk") - Count("epr_user_id", distinct=True)
        )
        for day, n in extra.values_list("local_date", "n"):
            if n:
                per_day[day] = per_day.get(day, 0.0) - n
    return per_day


def _divide(
    top: dict[dt.date, float], bottom: dict[dt.date, float], scale: float
) -> dict[dt.date, float]:
    return {day: scale * top.get(day, 0.0) / n for day, n in bottom.items() if n}


def _in_scope_staff(metric: Metric, scope: Scope) -> QuerySet[StaffMember]:
    """The staff list of the scope's areas (in the metric's and the scope's role groups)."""
    staff = StaffMember.objects.filter(
        pk__in=StaffMember.objects.filter(areas__in=scope.area_ids).values("pk")
    )
    groups = _role_filter(metric.role_groups, scope)
    if groups is not None:
        staff = staff.filter(role_group__in=groups)
    return staff


def _staff_share(metric: Metric, scope: Scope, *, trained_only: bool) -> dict[dt.date, float]:
    """Percent of eligible staff active each day. Eligible: on the staff list of the areas
    and in post that day, started and not yet left (and, for ``trained_only``, with a course
    of the programme completed by then). The active count is one grouped query; the eligible
    count per day comes from the sorted dates people became eligible and left."""
    staff = _in_scope_staff(metric, scope)
    dates = list(staff.values_list("pk", "start_date", "end_date"))
    since = {pk: start or dt.date.min for pk, start, _ in dates}
    active = DailyUserActivity.objects.filter(
        area_id__in=scope.area_ids,
        local_date__range=(scope.start, scope.end),
        staff_id__in=staff.values("pk"),
    )
    match = activity_filter(metric.event_types, metric.order_types)
    if match is not None:
        active = active.filter(match)
    active = active.filter(
        Q(staff__start_date__isnull=True) | Q(staff__start_date__lte=F("local_date")),
        StaffMember.in_post(F("local_date"), "staff__"),
    )
    if trained_only:
        completions = Completion.objects.filter(course__programme=metric.programme)
        first = completions.filter(staff_id__in=since).values("staff_id")
        trained = dict(first.annotate(first=Min("completed_on")).values_list("staff_id", "first"))
        since = {pk: max(day, trained[pk]) for pk, day in since.items() if pk in trained}
        active = active.filter(
            Exists(
                completions.filter(
                    staff_id=OuterRef("staff_id"), completed_on__lte=OuterRef("local_date")
                )
            )
        )
    counts = dict(
        active.values("local_date")
        .annotate(n=Count("staff_id", distinct=True))
        .values_list("local_date", "n")
    )
    # Leavers are eligible from their start until their end date; one who left before
    # becoming eligible (e.g. before training) never is.
    left: dict[int, dt.date] = {pk: end for pk, _, end in dates if end is not None}
    since = {pk: day for pk, day in since.items() if pk not in left or left[pk] > day}
    starts = sorted(since.values())
    ends = sorted(left[pk] for pk in since if pk in left)
    values: dict[dt.date, float] = {}
    for day in scope.days():
        eligible = bisect.bisect_right(starts, day) - bisect.bisect_right(ends, day)
        if eligible:
            values[day] = 100.0 * counts.get(day, 0) / eligible
    return values


def staff_share_per_day(
    area_ids: Iterable[int], start: dt.date, end: dt.date, role_groups: Iterable[str] = ()
) -> dict[dt.date, float]:
    """The registered "share of in-scope staff active" (``adoption.share_active``, the
    built-in's aggregate with no filters) each day over several areas at once: someone on
    two of the areas' lists is one person, in the eligible count and the active count.
    Days with nobody eligible have no value. Two queries."""
    metric = Metric(aggregate=A.STAFF_ACTIVE_SHARE, unit=Metric.Unit.PERCENT)
    scope = Scope(tuple(area_ids), start, end, tuple(role_groups))
    return _staff_share(metric, scope, trained_only=False)


def definition(metric: Metric) -> tuple[object, ...]:
    """Everything a metric's values depend on, for cache keys (a ratio's parts included)."""
    parts = (metric.numerator, metric.denominator)
    # str(): a metric made in code may hold choice enums where a loaded one holds strings.
    return (
        metric.pk,
        metric.programme_id,
        str(metric.aggregate),
        tuple(str(v) for v in metric.event_types),
        tuple(str(v) for v in metric.order_types),
        tuple(str(v) for v in metric.role_groups),
        str(metric.unit),
        tuple(definition(part) if part is not None else None for part in parts),
    )


def series(metric: Metric, scope: Scope) -> DailyValues:
    """The metric's value on each day of the scope, ``None`` where there is no data. Cached
    until the rollups change (``adoption.analytics.cache``)."""
    areas = tuple(sorted(scope.area_ids))  # the same areas in any order are the same series
    key = (definition(metric), areas, scope.start, scope.end, tuple(sorted(scope.role_groups)))
    return analytics_cache.remember("series", key, lambda: _series(metric, scope))


def _series(metric: Metric, scope: Scope) -> DailyValues:
    covered = covered_days(scope.start, scope.end)
    values = _values(metric, scope)
    if metric.aggregate in (A.PER_ACTIVE_USER, A.RATIO) or metric.aggregate in PERCENT_AGGREGATES:
        # A quotient with a zero denominator has no value, not a value of zero.
        return [(day, values.get(day) if day in covered else None) for day in scope.days()]
    return _fill(scope, values, covered)


def _values(metric: Metric, scope: Scope) -> dict[dt.date, float]:
    aggregate = metric.aggregate
    if aggregate == A.COUNT:
        return _counts(metric, scope)
    if aggregate == A.ACTIVE_USERS:
        return _active_users(metric, scope, filtered=True)
    if aggregate == A.PER_ACTIVE_USER:
        active = _active_users(metric, scope, filtered=False)
        return _divide(_counts(metric, scope), active, 1.0)
    if aggregate == A.RATIO:
        if metric.numerator is None or metric.denominator is None:
            return {}  # validation refuses this; a half-deleted ratio has no values
        scale = 100.0 if metric.unit == Metric.Unit.PERCENT else 1.0
        return _divide(_values(metric.numerator, scope), _values(metric.denominator, scope), scale)
    return _staff_share(metric, scope, trained_only=aggregate == A.TRAINED_ACTIVE_SHARE)


def rounded(values: DailyValues, places: int = 2) -> list[float | None]:
    return [None if v is None else round(v, places) for _, v in values]


# Time from go-live to first use.


@dataclass(frozen=True)
class FirstUse:
    staff_in_scope: int
    used: int
    median_days: float | None
    within_day_1: int
    within_week_1: int
    within_week_4: int

    @property
    def never_used(self) -> int:
        return self.staff_in_scope - self.used


def first_use(go_live: GoLive, area_ids: Iterable[int]) -> FirstUse:
    """Days from the user go-live to each in-scope staff member's first EPR use in these
    areas (staff in post by go-live), summarised: staff names are not shown here."""
    ids = sorted(area_ids)
    key = (go_live.pk, go_live.user_go_live_date, tuple(ids))
    return analytics_cache.remember("first_use", key, lambda: _first_use(go_live, ids))


def _first_use(go_live: GoLive, ids: list[int]) -> FirstUse:
    day0 = go_live.user_go_live_date
    staff = StaffMember.objects.filter(
        pk__in=StaffMember.objects.filter(areas__in=ids).values("pk")
    ).filter(Q(start_date__isnull=True) | Q(start_date__lte=day0), StaffMember.in_post(day0))
    firsts = (
        DailyUserActivity.objects.filter(
            area_id__in=ids, local_date__gte=day0, staff_id__in=staff.values("pk")
        )
        .values("staff_id")
        .annotate(first=Min("local_date"))
    )
    delays = sorted((row["first"] - day0).days for row in firsts)
    median: float | None = None
    if delays:
        mid = len(delays) // 2
        median = float(delays[mid]) if len(delays) % 2 else (delays[mid - 1] + delays[mid]) / 2
    return FirstUse(
        staff_in_scope=staff.count(),
        used=len(delays),
        median_days=median,
        within_day_1=sum(1 for d in delays if d < 1),
        within_week_1=sum(1 for d in delays if d < 7),
        within_week_4=sum(1 for d in delays if d < 28),
    )


def staff_not_yet_using(
    go_live: GoLive, area_ids: Iterable[int], staff: QuerySet[StaffMember]
) -> QuerySet[StaffMember]:
    """Of ``staff`` (already scoped to what the viewer may see), those on the areas' lists
    and in post by go-live who have not used the EPR in these areas since: the people to
    find and support."""
    ids = list(area_ids)
    day0 = go_live.user_go_live_date
    used = DailyUserActivity.objects.filter(
        area_id__in=ids, local_date__gte=day0, staff_id__isnull=False
    ).values("staff_id")
    return (
        staff.filter(pk__in=StaffMember.objects.filter(areas__in=ids).values("pk"))
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=day0))
        .exclude(pk__in=used)
        .order_by("full_name", "staff_number")
    )


# Built-ins (``adoption.analytics.builtins``).


def ensure_builtin_metrics(programme: Programme) -> list[Metric]:
    """Create the built-in metrics a programme lacks (by name); leave edited ones alone."""
    made: dict[str, Metric] = {}
    for spec in BUILTINS:
        values = dict(spec)
        name = values.pop("name")
        for part in ("numerator", "denominator"):
            if part in values:
                values[part] = made[values[part]]
        metric, _ = Metric.objects.get_or_create(
            programme=programme, name=name, defaults={**values, "is_builtin": True}
        )
        made[name] = metric
    return list(made.values())


# Writing: the catalogue is edited by programme managers.


def can_edit_metrics(access: Access, programme: Programme) -> bool:
    return access.has(Capability.MANAGE_ADOPTION, programme=programme)


@transaction.atomic
def save_metric(*, access: Access, user: User, metric: Metric) -> Metric:
    """Validate and save a new or edited metric (history kept). Needs MANAGE_ADOPTION on
    its programme; raises ``ValidationError`` for a definition that cannot be computed."""
    if not can_edit_metrics(access, metric.programme):
        raise PermissionDenied("You may not change this programme's metrics.")
    validate_definition(
        aggregate=metric.aggregate,
        event_types=list(metric.event_types),
        order_types=list(metric.order_types),
        role_groups=list(metric.role_groups),
        numerator=metric.numerator,
        denominator=metric.denominator,
        programme=metric.programme,
        this=metric if metric.pk else None,
    )
    metric.updated_by = user
    metric.full_clean()
    metric.save()
    return metric


def metric_in_use_by(metric: Metric) -> list[str]:
    """Names of the ratio metrics built on ``metric``: it cannot go while they use it."""
    return list(
        Metric.objects.filter(Q(numerator=metric) | Q(denominator=metric))
        .order_by("name")
        .values_list("name", flat=True)
    )


@transaction.atomic
def delete_metric(*, access: Access, user: User, metric: Metric) -> None:
    """Delete a metric the programme added (its history is kept, recording who deleted it).
    Needs MANAGE_ADOPTION on its programme. Built-in metrics are refused (they can be edited,
    or taken off the dashboard), and so is a metric a ratio is built on; both raise
    ``ValidationError`` with a code."""
    if not can_edit_metrics(access, metric.programme):
        raise PermissionDenied("You may not change this programme's metrics.")
    if metric.is_builtin:
        raise ValidationError(
            "Built-in metrics cannot be deleted: edit it, or take it off the dashboard.",
            code="builtin_metric",
        )
    users = metric_in_use_by(metric)
    if users:
        raise Conflict(
            f"Ratio metrics are built on this one: {', '.join(users)}. Change or delete "
            "them first.",
            code="metric_in_use",
        )
    metric._history_user = user  # type: ignore[attr-defined]  # simple_history reads this
    metric.delete()
