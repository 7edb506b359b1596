from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from adoption.models import ChangeMarker, Metric

D = dt.date


@pytest.fixture
def live(known: Any) -> Any:
    known.wave_1.user_go_live_date = D(2025, 3, 30)
    known.wave_1.save()
    return known


def api(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def series_url(metric: Metric, **params: Any) -> str:
    query = "&".join(
        f"{k}={v}" for k, v in {"start": "2025-03-29", "end": "2025-03-31", **params}.items()
    )
    return f"/api/v1/metrics/{metric.pk}/series/?{query}"


@pytest.mark.django_db
def test_series_gives_known_daily_values_and_the_go_live_marker(live: Any) -> None:
    metric = live.metrics["Active users per day"]
    body = api(live.executive).get(series_url(metric, go_live=live.wave_1.pk)).json()

    assert [p["value"] for p in body["points"]] == [1.0, 3.0, 1.0]
    assert body["area_ids"] == sorted([live.ward_a.pk, live.ward_b.pk])
    assert [m["key"] for m in body["markers"]] == [f"u{live.wave_1.pk}"]


@pytest.mark.django_db
def test_ward_manager_series_covers_only_their_areas(live: Any) -> None:
    metric = live.metrics["Active users per day"]
    body = api(live.ward_manager).get(series_url(metric)).json()

    assert body["area_ids"] == [live.ward_a.pk]
    assert [p["value"] for p in body["points"]] == [1.0, 2.0, 1.0]


@pytest.mark.django_db
def test_ward_manager_asking_for_another_wards_series_gets_a_structured_error(live: Any) -> None:
    metric = live.metrics["Active users per day"]
    response = api(live.ward_manager).get(series_url(metric, area=live.ward_b.pk))

    assert response.status_code == 400
    assert response.json()["field_errors"][0]["field"] == "area"


@pytest.mark.django_db
def test_a_backwards_date_range_is_refused(live: Any) -> None:
    metric = live.metrics["Active users per day"]
    response = api(live.executive).get(series_url(metric, start="2025-04-01"))

    assert response.status_code == 400
    assert response.json()["field_errors"][0]["field"] == "end"


@pytest.mark.django_db
def test_outsiders_see_no_metrics(live: Any) -> None:
    client = api(live.outsider)

    assert client.get("/api/v1/metrics/").status_code == 403
    assert client.get(series_url(live.metrics["Active users per day"])).status_code == 403


@pytest.mark.django_db
def test_programme_manager_creates_a_metric_and_bad_ones_get_field_errors(live: Any) -> None:
    client = api(live.programme_manager)
    good = {
        "programme": live.programme.pk,
        "name": "Medication rounds per day",
        "aggregate": "count",
        "event_types": ["medication_administered"],
        "unit": "per_day",
    }
    bad = {**good, "name": "Odd", "aggregate": "active_users", "event_types": ["teleport"]}

    created = client.post("/api/v1/metrics/", good, content_type="application/json")
    refused = client.post("/api/v1/metrics/", bad, content_type="application/json")

    assert created.status_code == 201
    assert Metric.objects.get(pk=created.json()["id"]).updated_by == live.programme_manager
    assert refused.status_code == 400
    assert {e["field"] for e in refused.json()["field_errors"]} == {"event_types"}


@pytest.mark.django_db
def test_executives_may_not_create_metrics_over_the_api(live: Any) -> None:
    response = api(live.executive).post(
        "/api/v1/metrics/",
        {"programme": live.programme.pk, "name": "X", "aggregate": "count", "unit": "per_day"},
        content_type="application/json",
    )

    assert response.status_code == 403


@pytest.mark.django_db
def test_change_markers_are_recorded_and_scoped(live: Any) -> None:
    created = api(live.programme_manager).post(
        "/api/v1/change-markers/",
        {
            "programme": live.programme.pk,
            "kind": "configuration",
            "on": "2025-03-30",
            "title": "Ward B order set",
            "areas": [live.ward_b.pk],
        },
        content_type="application/json",
    )

    assert created.status_code == 201
    assert api(live.executive).get("/api/v1/change-markers/").json()["count"] == 1
    assert api(live.ward_manager).get("/api/v1/change-markers/").json()["count"] == 0


@pytest.mark.django_db
def test_a_change_marker_with_an_unknown_kind_is_refused(live: Any) -> None:
    response = api(live.programme_manager).post(
        "/api/v1/change-markers/",
        {"programme": live.programme.pk, "kind": "party", "on": "2025-03-30", "title": "x"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["field_errors"][0]["field"] == "kind"
    assert not ChangeMarker.objects.exists()


@pytest.mark.django_db
def test_comparison_compares_treated_areas_with_untouched_controls(live: Any) -> None:
    marker = ChangeMarker.objects.create(
        programme=live.programme, kind="configuration", on=D(2025, 3, 30), title="Ward A change"
    )
    marker.areas.set([live.ward_a])
    metric = live.metrics["Active users per day"]
    url = (
        f"/api/v1/comparisons/?metric={metric.pk}&marker=m{marker.pk}&go_live={live.wave_1.pk}"
        "&days_before=3&days_after=3&settling_days=0"
    )

    body = api(live.executive).get(url).json()

    assert body["area_ids"] == [live.ward_a.pk]
    assert body["control_area_count"] == 1  # Ward B had events; Ward C had none
    # Ward A: before (29th) 1 user; after (30th, 31st) 2 and 1.
    assert body["change"]["before"]["value"] == 1.0
    assert body["change"]["after"]["value"] == 1.5
    assert body["summary"].startswith("Active users per day on Ward A rose 50%")
    assert body["permutation"]["difference"] == 0.5
    assert body["permutation"]["exact"] is True


@pytest.mark.django_db
def test_a_comparison_for_an_unknown_marker_is_a_field_error(live: Any) -> None:
    metric = live.metrics["Active users per day"]
    response = api(live.executive).get(
        f"/api/v1/comparisons/?metric={metric.pk}&marker=m999&go_live={live.wave_1.pk}"
    )

    assert response.status_code == 400
    assert response.json()["field_errors"][0]["field"] == "marker"


@pytest.mark.django_db
def test_the_schema_documents_the_analytics_endpoints(live: Any) -> None:
    schema = api(live.executive).get("/api/schema/", {"format": "json"}).json()

    assert "400" in schema["paths"]["/api/v1/metrics/{id}/series/"]["get"]["responses"]
    assert "/api/v1/comparisons/" in schema["paths"]
    assert "/api/v1/change-markers/" in schema["paths"]


@pytest.mark.django_db
def test_another_trusts_programme_reads_as_not_existing(live: Any) -> None:
    from tests import factories as f  # noqa: PLC0415

    elsewhere = f.ProgrammeFactory()
    response = api(live.programme_manager).post(
        "/api/v1/metrics/",
        {"programme": elsewhere.pk, "name": "X", "aggregate": "count", "unit": "per_day"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["field_errors"][0] == {
        "field": "programme",
        "code": "does_not_exist",
        "message": f'Invalid pk "{elsewhere.pk}" - object does not exist.',
    }


@pytest.mark.django_db
def test_a_change_marker_is_updated_and_deleted_over_the_api(live: Any) -> None:
    marker = ChangeMarker.objects.create(
        programme=live.programme, kind="training", on=D(2025, 3, 30), title="Refresher"
    )
    client = api(live.programme_manager)

    patched = client.patch(
        f"/api/v1/change-markers/{marker.pk}/",
        {"title": "Refresher week", "areas": [live.ward_a.pk]},
        content_type="application/json",
    )
    deleted = client.delete(f"/api/v1/change-markers/{marker.pk}/")

    assert patched.status_code == 200
    assert patched.json()["areas"] == [live.ward_a.pk]
    assert patched.json()["kind"] == "training"
    assert deleted.status_code == 204
    assert not ChangeMarker.objects.exists()


@pytest.mark.django_db
def test_a_metric_is_edited_over_the_api_but_stays_in_its_programme(live: Any) -> None:
    metric = live.metrics["Active users per day"]

    response = api(live.programme_manager).patch(
        f"/api/v1/metrics/{metric.pk}/",
        {"is_headline": False, "role_groups": ["medical"]},
        content_type="application/json",
    )

    metric.refresh_from_db()
    assert response.status_code == 200
    assert (metric.is_headline, metric.role_groups) == (False, ["medical"])


@pytest.mark.django_db
def test_programme_manager_deletes_an_added_metric_over_the_api(live: Any) -> None:
    metric = Metric.objects.create(
        programme=live.programme, name="Pharmacy orders", aggregate="count", unit="per_day"
    )

    response = api(live.programme_manager).delete(f"/api/v1/metrics/{metric.pk}/")

    assert response.status_code == 204
    assert not Metric.objects.filter(pk=metric.pk).exists()


@pytest.mark.django_db
def test_deleting_a_built_in_metric_over_the_api_is_a_coded_error(live: Any) -> None:
    metric = live.metrics["Login failure rate"]

    response = api(live.programme_manager).delete(f"/api/v1/metrics/{metric.pk}/")

    assert response.status_code == 400
    assert response.json()["code"] == "builtin_metric"
    assert Metric.objects.filter(pk=metric.pk).exists()


@pytest.mark.django_db
def test_deleting_a_metric_a_ratio_is_built_on_over_the_api_is_a_conflict(live: Any) -> None:
    orders = Metric.objects.create(
        programme=live.programme, name="Pharmacy orders", aggregate="count", unit="per_day"
    )
    Metric.objects.create(
        programme=live.programme, name="Orders per login", aggregate="ratio", unit="ratio",
        numerator=orders, denominator=orders,
    )  # fmt: skip

    response = api(live.programme_manager).delete(f"/api/v1/metrics/{orders.pk}/")

    assert (response.status_code, response.json()["code"]) == (409, "metric_in_use")
    assert Metric.objects.filter(pk=orders.pk).exists()


@pytest.mark.django_db
def test_executives_may_not_delete_metrics_over_the_api(live: Any) -> None:
    metric = Metric.objects.create(
        programme=live.programme, name="Pharmacy orders", aggregate="count", unit="per_day"
    )

    response = api(live.executive).delete(f"/api/v1/metrics/{metric.pk}/")

    assert response.status_code == 403
    assert Metric.objects.filter(pk=metric.pk).exists()
