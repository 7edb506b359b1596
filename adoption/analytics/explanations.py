"""Why a headline reads zero, in one sentence beside it, when the reason is in the data's
set-up rather than in how the EPR was used: the extract's codes map to no event of the
metric's types while other types arrive (a vendor's notes mapped to ``note_signed`` while
the metric counts ``documentation``), or the staff list cannot be joined to the activity
(no EPR user ids on it, or none matching). A ward that simply did nothing gets no sentence.

Each check is a handful of aggregate queries over the rollups of the chart's dates; none
reads events or loops over activity rows.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet, Sum

from adoption.analytics import wording
from adoption.analytics.metrics import DailyValues, Scope
from adoption.models import DailyRollup, DailyUserActivity, EventType, Metric
from golive.models import Area, Programme, StaffMember
from training.models import Completion

A = Metric.Aggregate
COUNTED_AGGREGATES = frozenset({A.COUNT, A.PER_ACTIVE_USER})
STAFF_AGGREGATES = frozenset({A.STAFF_ACTIVE_SHARE, A.TRAINED_ACTIVE_SHARE})


def reads_nothing(values: DailyValues) -> bool:
    """Every day of the series is zero or has no value (and the series has days)."""
    return bool(values) and all(not value for _, value in values)


def explain_empty(metric: Metric, scope: Scope, values: DailyValues) -> str | None:
    """One sentence saying why ``metric`` reads zero (or nothing) over ``scope`` when the
    cause is the mapping or the staff list; None when it does not read zero, or reads zero
    for no such reason. ``values`` is the series shown (``metrics.series``)."""
    if not reads_nothing(values):
        return None
    if metric.aggregate == A.RATIO:
        parts = [p for p in (metric.numerator, metric.denominator) if p is not None]
        return next((s for p in parts if (s := _unmapped_types(p, scope))), None)
    if metric.aggregate in STAFF_AGGREGATES:
        return _unlinked_staff(metric, scope) or _unmapped_types(metric, scope)
    return _unmapped_types(metric, scope)


def _unmapped_types(metric: Metric, scope: Scope) -> str | None:
    """The metric's event (and order) types have no rows anywhere in the programme over the
    dates, while other types do: nothing imported maps to them."""
    if not (metric.event_types or metric.order_types):
        return None
    rows = DailyRollup.objects.filter(
        area_id__in=Area.objects.filter(go_lives__programme=metric.programme).values("pk"),
        local_date__range=(scope.start, scope.end),
    )
    wanted = Q()
    if metric.event_types:
        wanted &= Q(event_type__in=metric.event_types)
    if metric.order_types:
        wanted &= Q(order_type__in=metric.order_types)
    if rows.filter(wanted).exists():
        return None
    others = list(
        rows.exclude(event_type=EventType.LOGIN_FAILED)
        .values("event_type")
        .annotate(n=Sum("events"))
        .order_by("-n", "event_type")
        .values_list("event_type", flat=True)[:2]
    )
    if not others:
        return None
    what = _wanted_words(metric)
    instead = wording.event_words([str(t) for t in others])
    return (
        f"Reads 0 because no imported event in this programme over these dates is {what}, "
        f"while events of other types are (most often {instead}): check how the extract's "
        "codes map to event types in its mapping profile."
    )


def _wanted_words(metric: Metric) -> str:
    types = wording.event_words(list(metric.event_types)) if metric.event_types else ""
    orders = wording.order_words(list(metric.order_types))
    if types and orders:
        return f"of type {types} with order type {orders}"
    return f"of type {types}" if types else f"of order type {orders}"


def _unlinked_staff(metric: Metric, scope: Scope) -> str | None:
    """The staff list of the areas cannot be joined to the activity: nobody on it, nobody
    with an EPR user id, or no active person matching one."""
    staff = StaffMember.objects.filter(areas__in=scope.area_ids).distinct()
    total = staff.count()
    if not total:
        return "Empty because no staff list covers these areas: import one to see this share."
    with_ids = staff.exclude(epr_user_id="").count()
    if not with_ids:
        return (
            f"Empty because none of the {total} staff on these areas' lists carries an EPR "
            "user id, so no activity can be matched to them: add the ids to the staff list."
        )
    activity = DailyUserActivity.objects.filter(
        area_id__in=scope.area_ids, local_date__range=(scope.start, scope.end)
    )
    if activity.exists() and not activity.filter(staff__isnull=False).exists():
        return (
            f"Reads 0 because no activity in these areas matches the EPR user id of any of "
            f"the {with_ids} staff who carry one: check the ids on the staff list against "
            "the extract's user ids."
        )
    if metric.aggregate == A.TRAINED_ACTIVE_SHARE and not _any_trained(metric.programme, staff):
        return (
            "Empty because no training completion of this programme is recorded for anyone "
            "on these areas' staff lists: import the completions to see this share."
        )
    return None


def _any_trained(programme: Programme, staff: QuerySet[StaffMember]) -> bool:
    return Completion.objects.filter(
        course__programme=programme, staff__in=staff.values("pk")
    ).exists()
