"""The metric catalogue states each metric's definition in words, written from its settings;
built-ins as shipped read theirs (and their names) from the definitions registry."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.db import connection

from adoption.analytics import builtins, rollups, wording
from adoption.models import DailyUserActivity, Metric
from tests.adoption.analytics.test_pages import client_for
from tests.definitions_support import missing_wording, registry_markers

D = dt.date
BUILTIN_KEYS = [builtins.builtin_key(spec["name"]) for spec in builtins.BUILTINS]


@pytest.fixture
def live(known: Any) -> Any:
    known.wave_1.user_go_live_date = D(2025, 3, 30)
    known.wave_1.save()
    return known


def _vendor_metric(programme: Any, **fields: Any) -> Metric:
    defaults: dict[str, Any] = {
        "name": "Clinical users per day",
        "aggregate": Metric.Aggregate.ACTIVE_USERS,
        "event_types": ["note_signed", "order_placed"],
        "unit": Metric.Unit.USERS,
    }
    return Metric.objects.create(programme=programme, **{**defaults, **fields})


# Words from settings (no database).


def test_a_distinct_user_metric_says_who_counts_and_that_they_count_once() -> None:
    text = wording.describe(
        wording.Settings(
            aggregate="active_users",
            unit="users",
            event_types=("note_signed", "order_placed"),
            role_groups=("medical",),
        )
    )

    assert text == (
        "Distinct people in role group Medical and dental who had an EPR event of type Order "
        "placed or Note signed that day in the areas shown: someone active in two of the "
        "areas counts once, so the figure for several areas is not the sum of their figures. "
        "A failed log-in on its own never makes someone active. Shown as a number of people."
    )


def test_most_types_are_named_by_what_is_left_out() -> None:
    every_but_failed = tuple(t for t in wording.EventType.values if t != "login_failed")

    assert wording.event_words(every_but_failed) == "every type except Login failed"
    assert wording.event_words(()) == "every type"


def test_an_order_type_filter_on_people_reads_as_orders_they_placed() -> None:
    settings = wording.Settings(aggregate="active_users", unit="users", order_types=("pharmacy",))

    assert "who placed a Pharmacy order that day" in wording.describe(settings)


def test_a_ratio_names_its_parts_and_its_scale() -> None:
    settings = wording.Settings(
        aggregate="ratio", unit="percent", numerator="Failed", denominator="Attempts"
    )

    assert wording.describe(settings).startswith("Failed divided by Attempts each day times 100")


# The catalogue page and the API.


@pytest.mark.django_db
def test_the_catalogue_reads_every_built_ins_name_and_definition_from_the_registry(
    live: Any,
) -> None:
    client = client_for(live.executive, live.wave_1)

    with registry_markers():
        page = client.get("/adoption/metrics/").content.decode()

    assert missing_wording(page, BUILTIN_KEYS) == []


@pytest.mark.django_db
def test_the_catalogue_states_a_programmes_own_metric_in_words_from_its_settings(
    live: Any,
) -> None:
    _vendor_metric(live.programme)

    page = client_for(live.executive, live.wave_1).get("/adoption/metrics/").content.decode()

    assert "Distinct people who had an EPR event of type Order placed or Note signed" in page


@pytest.mark.django_db
def test_an_edited_built_in_is_described_from_its_new_settings(live: Any) -> None:
    metric = live.metrics["Active users per day"]
    metric.role_groups = ["nursing"]
    metric.save()

    with registry_markers():
        page = client_for(live.executive, live.wave_1).get("/adoption/metrics/").content.decode()

    assert "Built-in, edited" in page
    assert "Distinct people in role group Nursing and midwifery who did anything" in page
    assert "[definition of adoption.active_users]" not in page


@pytest.mark.django_db
def test_the_api_gives_each_metric_its_definition_and_a_built_ins_registry_key(
    live: Any,
) -> None:
    _vendor_metric(live.programme)
    client = client_for(live.executive, live.wave_1)

    with registry_markers():
        body = client.get("/api/v1/metrics/").json()
        rows = {row["name"]: row for row in body["results"]}

    active = rows["Active users per day"]
    assert active["definition_key"] == "adoption.active_users"
    assert active["definition"] == "[definition of adoption.active_users]"
    assert rows["Clinical users per day"]["definition_key"] is None
    assert "Order placed or Note signed" in rows["Clinical users per day"]["definition"]


@pytest.mark.django_db
def test_the_api_accepts_event_types_for_people_and_refuses_impossible_order_types(
    live: Any,
) -> None:
    client = client_for(live.programme_manager, live.wave_1)
    good = {
        "programme": live.programme.pk,
        "name": "Clinical users per day",
        "aggregate": "active_users",
        "event_types": ["note_signed", "order_placed"],
        "unit": "users",
    }
    bad = {**good, "name": "Odd", "order_types": ["pathology"]}

    created = client.post("/api/v1/metrics/", good, content_type="application/json")
    refused = client.post("/api/v1/metrics/", bad, content_type="application/json")

    assert created.status_code == 201
    assert refused.status_code == 400
    assert {e["field"] for e in refused.json()["field_errors"]} == {"order_types"}


@pytest.mark.django_db
def test_the_form_accepts_event_types_for_people_and_explains_impossible_order_types(
    live: Any,
) -> None:
    client = client_for(live.programme_manager, live.wave_1)
    fields = {
        "name": "Clinical users per day",
        "aggregate": "active_users",
        "event_types": ["note_signed", "order_placed"],
        "unit": "users",
    }

    refused = client.post("/adoption/metrics/new/", {**fields, "order_types": ["pathology"]})
    saved = client.post("/adoption/metrics/new/", fields)

    assert refused.status_code == 200
    assert "For people, order types mean orders they placed" in refused.content.decode()
    assert saved.status_code == 302
    assert Metric.objects.get(name="Clinical users per day").event_types == [
        "note_signed",
        "order_placed",
    ]


# The migration that added the masks fills existing rows as the rollups would.


@pytest.mark.django_db
def test_the_migrations_backfill_gives_the_masks_a_rollup_gives(known: Any) -> None:
    migration = importlib.import_module("adoption.migrations.0012_user_activity_event_types")
    rolled = set(DailyUserActivity.objects.values_list("pk", "event_mask", "order_mask"))
    DailyUserActivity.objects.update(event_mask=0, order_mask=0)

    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL)

    assert set(DailyUserActivity.objects.values_list("pk", "event_mask", "order_mask")) == rolled
    assert any(mask for _, mask, _ in rolled)
    rollups.rebuild_all()  # and a rebuild agrees
    assert {m for _, m, _ in rolled} == set(
        DailyUserActivity.objects.values_list("event_mask", flat=True)
    )
