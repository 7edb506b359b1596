"""Distinct-user metrics by what people did: event-type, order-type and role filters, exact
across several areas, kept right by corrections and withdrawals."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from adoption.analytics import metrics, rollups
from adoption.analytics.metrics import Scope
from adoption.models import DailyUserActivity, Event, EventType, Metric, type_bits
from tests.conftest import Trust

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 6, 2)

# One day on Wards A and B. U1 signs a note on A and places a pathology order on B; U2 only
# logs in on A; U3 places a radiology order on B after a failed log-in; U4 only fails to log
# in; U5 signs a note on B.
ROWS = [
    "F1,2025-06-02 09:00:00,note_signed,,U1,nursing,N/WA,9990000026",
    "F2,2025-06-02 10:00:00,order_placed,pathology,U1,nursing,N/WB,9990000026",
    "F3,2025-06-02 09:00:00,login,,U2,nursing,N/WA,",
    "F4,2025-06-02 11:00:00,login_failed,,U3,medical,N/WB,",
    "F5,2025-06-02 11:05:00,order_placed,radiology,U3,medical,N/WB,9990000026",
    "F6,2025-06-02 12:00:00,login_failed,,U4,medical,N/WA,",
    "F7,2025-06-02 13:00:00,note_signed,,U5,medical,N/WB,9990000026",
]
NOTE_OR_ORDER = [EventType.NOTE_SIGNED.value, EventType.ORDER_PLACED.value]


@pytest.fixture
def day(trust: Trust, import_events: Any) -> Trust:
    rollups.rollup_batch(import_events(*ROWS).pk)
    return trust


def users(
    *areas: Any, events: tuple[str, ...] = (), orders: tuple[str, ...] = (), roles: Any = None
) -> float:
    found = metrics.active_users_per_day(
        [a.pk for a in areas], DAY, DAY, roles, event_types=events, order_types=orders
    )
    return found.get(DAY, 0.0)


def test_someone_active_in_two_areas_with_different_event_types_counts_once(day: Trust) -> None:
    both = (day.ward_a, day.ward_b)
    # Ward A: U1 (note); Ward B: U1 (order), U3 (order), U5 (note); together U1 once.
    assert users(day.ward_a, events=tuple(NOTE_OR_ORDER)) == 1
    assert users(day.ward_b, events=tuple(NOTE_OR_ORDER)) == 3
    assert users(*both, events=tuple(NOTE_OR_ORDER)) == 3


def test_an_order_type_filter_counts_people_who_placed_such_an_order(day: Trust) -> None:
    both = (day.ward_a, day.ward_b)
    assert users(*both, orders=("pathology",)) == 1
    assert users(*both, orders=("radiology",)) == 1
    assert users(*both, orders=("pathology", "radiology"), events=("order_placed",)) == 2
    assert users(day.ward_a, orders=("pathology",)) == 0


def test_a_role_filter_narrows_people_filtered_by_event_type(day: Trust) -> None:
    both = (day.ward_a, day.ward_b)
    assert users(*both, events=tuple(NOTE_OR_ORDER), roles=["medical"]) == 2  # U3, U5
    assert users(*both, events=tuple(NOTE_OR_ORDER), roles=["nursing"]) == 1  # U1


def test_someone_who_only_failed_to_log_in_never_counts_whatever_the_filter(day: Trust) -> None:
    both = (day.ward_a, day.ward_b)
    assert users(*both) == 4  # U1, U2, U3, U5
    # U3 failed and then got in; U4 never got in.
    assert users(*both, events=("login_failed",)) == 1


def test_every_type_that_makes_someone_active_reads_as_no_filter(day: Trust) -> None:
    every = tuple(t for t in EventType.values if t != "login_failed")
    both = (day.ward_a, day.ward_b)
    assert metrics.activity_filter(every, ()) is None
    assert users(*both, events=every) == users(*both)


def test_filtered_counts_equal_a_distinct_count_from_the_events_for_any_areas_and_filters(
    trust: Trust, import_events: Any
) -> None:
    # Recomputed from the raw events, independently of the rollups: a person counts on a
    # day when, in one of the areas, they did a chosen type and did something there that
    # was not a failed log-in.
    rng = random.Random(11)
    kinds = ["login", "login_failed", "note_signed", "documentation", "order_placed"]
    rows = []
    for n in range(400):
        kind = rng.choice(kinds)
        order = rng.choice(["pathology", "radiology"]) if kind == "order_placed" else ""
        rows.append(
            f"R{n},2025-06-0{rng.randint(1, 3)} {rng.randint(8, 20):02d}:00:00,{kind},{order},"
            f"U{rng.randint(1, 15)},{rng.choice(['nursing', 'medical'])},"
            f"{rng.choice(['N/WA', 'N/WB', 'S/WC'])},"
        )
    rollups.rollup_batch(import_events(*rows).pk)
    events = list(Event.objects.values_list("local_date", "area_id", "epr_user_id", "event_type"))
    orders = {
        (e.local_date, e.area_id, e.epr_user_id, e.order_type)
        for e in Event.objects.filter(event_type="order_placed")
    }
    active = {(d, a, u) for d, a, u, t in events if t != "login_failed"}
    wards = [trust.ward_a.pk, trust.ward_b.pk, trust.ward_c.pk]
    filters: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
        (("note_signed", "order_placed"), ()),
        (("login_failed",), ()),
        (("documentation",), ()),
        ((), ("pathology",)),
        (("order_placed",), ("radiology", "pathology")),
    ]
    for size in (1, 2, 3):
        for ids in itertools.combinations(wards, size):
            for chosen, order_types in filters:
                expected: dict[dt.date, set[str]] = {}
                for d, a, u, t in events:
                    did = (
                        any((d, a, u, o) in orders for o in order_types)
                        if order_types
                        else t in chosen
                    )
                    if a in ids and (d, a, u) in active and did:
                        expected.setdefault(d, set()).add(u)
                found = metrics.active_users_per_day(
                    ids,
                    dt.date(2025, 6, 1),
                    dt.date(2025, 6, 3),
                    event_types=chosen,
                    order_types=order_types,
                )
                want = {d: float(len(people)) for d, people in expected.items()}
                assert {d: n for d, n in found.items() if n} == want, (ids, chosen, order_types)


def _metric(trust: Trust, **fields: Any) -> Metric:
    return Metric.objects.create(programme=trust.programme, name="Clinical users", **fields)


def test_a_vendor_definition_of_active_users_is_a_metric_series(day: Trust) -> None:
    metric = _metric(
        day, aggregate=Metric.Aggregate.ACTIVE_USERS, unit="users", event_types=NOTE_OR_ORDER
    )
    scope = Scope((day.ward_a.pk, day.ward_b.pk), DAY, DAY)

    assert metrics.series(metric, scope) == [(DAY, 3.0)]


def test_a_share_of_staff_active_can_count_only_staff_who_did_a_chosen_type(
    known: Any,
) -> None:
    metric = _metric(
        known,
        aggregate=Metric.Aggregate.STAFF_ACTIVE_SHARE,
        unit="percent",
        event_types=["documentation"],
    )
    scope = Scope((known.ward_a.pk,), dt.date(2025, 3, 29), dt.date(2025, 3, 31))

    # Of Ward A's list (3, then 4 from the 30th), only U2 documented, on the 30th.
    assert metrics.rounded(metrics.series(metric, scope)) == [0, 25, 0]


def test_masks_record_every_type_a_person_did_and_the_orders_they_placed(day: Trust) -> None:
    row = DailyUserActivity.objects.get(epr_user_id="U3")

    assert row.event_mask == type_bits(EventType, ["login_failed", "order_placed"])
    assert row.order_mask == type_bits(metrics.OrderType, ["radiology"])
    assert not DailyUserActivity.objects.filter(epr_user_id="U4").exists()


def test_a_correction_changing_an_event_type_moves_the_person_between_filters(
    trust: Trust, import_events: Any, import_file: Any
) -> None:
    from tests.adoption.conftest import extract  # noqa: PLC0415

    rollups.rollup_batch(import_events(*ROWS).pk)
    # U5's note was really documentation: corrected, the day is recomputed.
    fixed = ROWS[-1].replace("note_signed", "documentation")
    batch = import_file(extract(fixed), file_name="fix.csv", correction=True)
    assert batch.status == "committed", batch.message
    rollups.rollup_batch(batch.pk)

    assert users(trust.ward_b, events=("note_signed",)) == 0
    assert users(trust.ward_b, events=("documentation",)) == 1
    incremental = set(DailyUserActivity.objects.values_list("epr_user_id", "event_mask"))
    rollups.rebuild_all()
    assert set(DailyUserActivity.objects.values_list("epr_user_id", "event_mask")) == (incremental)


def test_withdrawing_the_batch_of_someones_orders_clears_their_order_bits(
    trust: Trust, import_events: Any
) -> None:
    from adoption.imports import tasks, withdrawal  # noqa: PLC0415

    first = import_events(*ROWS[:2])  # U1: note on A, pathology order on B
    second = import_events("G1,2025-06-02 15:00:00,order_placed,pathology,U1,nursing,N/WA,")
    rollups.rollup_batch(first.pk)
    rollups.rollup_batch(second.pk)
    assert users(trust.ward_a, orders=("pathology",)) == 1

    withdrawal.request_withdrawal(batch=second, user=trust.programme_manager, reason="Wrong")
    tasks.withdraw_batch(second.pk)

    assert users(trust.ward_a, orders=("pathology",)) == 0
    assert users(trust.ward_a, trust.ward_b, orders=("pathology",)) == 1
    row = DailyUserActivity.objects.get(epr_user_id="U1", area=trust.ward_a)
    assert (row.event_mask, row.order_mask) == (type_bits(EventType, ["note_signed"]), 0)


# Validation: what can be asked of people.


def _check(**fields: Any) -> dict[str, list[str]]:
    base: dict[str, Any] = {
        "event_types": [],
        "order_types": [],
        "role_groups": [],
        "numerator": None,
        "denominator": None,
        "programme": None,
    }
    try:
        metrics.validate_definition(**{**base, **fields})
    except ValidationError as error:
        return error.message_dict
    return {}


def test_people_may_be_filtered_by_event_type_order_type_and_role() -> None:
    assert _check(aggregate="active_users", event_types=NOTE_OR_ORDER) == {}
    assert _check(aggregate="staff_active_share", order_types=["pathology"]) == {}
    assert (
        _check(
            aggregate="trained_active_share", event_types=["order_placed"], order_types=["pharmacy"]
        )
        == {}
    )


def test_an_order_type_with_another_event_type_for_people_is_refused_on_order_types() -> None:
    errors = _check(
        aggregate="active_users", event_types=["note_signed"], order_types=["pathology"]
    )
    assert list(errors) == ["order_types"]
    assert "orders they placed" in errors["order_types"][0]


def test_a_ratio_with_its_own_filters_is_refused() -> None:
    errors = _check(aggregate="ratio", event_types=["login"])
    assert "event_types" in errors
