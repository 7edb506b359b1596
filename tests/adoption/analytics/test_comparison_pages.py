"""Before and after a change on the page and over the API: the controls, what a ward
manager may be told about them, validation of chosen controls, and the figures' wording
from the registry."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from adoption.analytics import metrics, rollups
from adoption.models import ChangeMarker
from golive.navigation import SESSION_GO_LIVE_KEY
from tests import factories as f
from tests.definitions_support import missing_wording, registry_markers, text_marker

CHANGE = dt.date(2025, 3, 30)
FIGURES = [
    "adoption.comparison.change",
    "adoption.comparison.controls",
    "adoption.comparison.did",
    "adoption.comparison.did_relative",
    "adoption.comparison.segmented",
    "adoption.comparison.permutation",
]


def _rows() -> list[str]:
    """Documentation events a day from a week before the change to a week after: Ward A
    (touched) gains two a day, Ward B (the same go-live, untouched) and Ward C (wave 2)
    carry on with a weekly wobble."""
    rows = []
    for offset in range(-7, 7):
        day = CHANGE + dt.timedelta(days=offset)
        counts = {
            "WA": 4 + offset % 2 + (2 if offset >= 0 else 0),
            "WB": 12 + offset % 3,
            "WC": 6 + offset % 2,
        }
        for code, count in counts.items():
            site = "S" if code == "WC" else "N"
            for n in range(count):
                rows.append(
                    f"E{code}{offset + 7:02d}{n:02d},{day} 10:{n:02d}:00,documentation,,"
                    f"U{code},nursing,{site}/{code},"
                )
    return rows


@pytest.fixture
def changed(trust: Any, import_events: Any) -> Any:
    trust.wave_1.user_go_live_date = dt.date(2025, 3, 1)
    trust.wave_1.save()
    rollups.rollup_batch(import_events(*_rows()).pk)
    trust.metric = {m.name: m for m in metrics.ensure_builtin_metrics(trust.programme)}[
        "EPR events per day"
    ]
    trust.marker = ChangeMarker.objects.create(
        programme=trust.programme, kind="configuration", on=CHANGE, title="Order set simplified"
    )
    trust.marker.areas.set([trust.ward_a])
    return trust


def signed_in(user: Any, go_live: Any) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_GO_LIVE_KEY] = go_live.pk
    session.save()
    return client


def query(changed: Any, **extra: Any) -> str:
    params = {
        "metric": changed.metric.pk,
        "marker": f"m{changed.marker.pk}",
        "days_before": 7,
        "days_after": 7,
        "settling_days": 0,
        **extra,
    }
    return "&".join(f"{k}={v}" for k, v in params.items())


def api_body(changed: Any, user: Any, **extra: Any) -> Any:
    url = f"/api/v1/comparisons/?go_live={changed.wave_1.pk}&" + query(changed, **extra)
    response = signed_in(user, changed.wave_1).get(url)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_by_default_the_controls_are_the_untouched_areas_of_the_same_go_live(
    changed: Any,
) -> None:
    body = api_body(changed, changed.programme_manager)

    assert body["controls_chosen"] is False
    assert body["controls_named"] is True
    assert [row["area"] for row in body["controls"]] == ["Ward B"]  # not Ward C, of wave 2
    did = body["difference_in_differences"]
    before, after = range(-7, 0), range(7)

    def change(daily: Any) -> float:
        return sum(map(daily, after)) / 7 - sum(map(daily, before)) / 7

    expected = change(lambda k: 4 + k % 2 + (2 if k >= 0 else 0)) - change(lambda k: 12 + k % 3)
    assert did["absolute"]["value"] == pytest.approx(expected)
    assert did["absolute"]["low"] < 2 < did["absolute"]["high"]


@pytest.mark.django_db
def test_a_ward_manager_gets_the_same_difference_in_differences_pooled_and_unnamed(
    changed: Any,
) -> None:
    manager = api_body(changed, changed.programme_manager)
    ward = api_body(changed, changed.ward_manager)

    assert ward["difference_in_differences"] == manager["difference_in_differences"]
    assert ward["summary"] == manager["summary"]
    assert ward["control_area_count"] == manager["control_area_count"] == 1
    assert ward["controls"] is None
    assert ward["controls_named"] is False
    text = str(ward)
    assert "Ward B" not in text
    assert "Ward C" not in text
    assert str(changed.ward_b.pk) not in [str(pk) for pk in ward["area_ids"]]


@pytest.mark.django_db
def test_a_ward_managers_page_shows_the_pooled_controls_without_naming_them(
    changed: Any,
) -> None:
    page = (
        signed_in(changed.ward_manager, changed.wave_1)
        .get("/adoption/before-after/?" + query(changed))
        .content.decode()
    )

    assert "Average of 1 control area" in page
    assert "pooled here, without names" in page
    assert "Each control area" not in page
    assert "Ward B" not in page
    assert "Ward C" not in page


@pytest.mark.django_db
def test_the_programme_manager_sees_each_control_area(changed: Any) -> None:
    page = (
        signed_in(changed.programme_manager, changed.wave_1)
        .get("/adoption/before-after/?" + query(changed))
        .content.decode()
    )

    assert "Each control area" in page
    assert "Ward B" in page
    assert "pooled here" not in page
    assert "p = 0.000" not in page
    assert "Days are treated as independent" not in page


@pytest.mark.django_db
def test_an_analyst_may_choose_the_control_areas(changed: Any) -> None:
    body = api_body(changed, changed.programme_manager, controls=changed.ward_c.pk)

    assert body["controls_chosen"] is True
    assert [row["area"] for row in body["controls"]] == ["Ward C"]


@pytest.mark.django_db
def test_a_touched_area_chosen_as_a_control_is_a_field_error(changed: Any) -> None:
    client = signed_in(changed.programme_manager, changed.wave_1)
    page = client.get(
        "/adoption/before-after/?" + query(changed, controls=changed.ward_a.pk)
    ).content.decode()
    response = client.get(
        f"/api/v1/comparisons/?go_live={changed.wave_1.pk}&"
        + query(changed, controls=changed.ward_a.pk)
    )

    assert "There is a problem" in page
    assert "The change touched Ward A: choose areas it did not touch." in page
    assert response.status_code == 400
    assert response.json()["field_errors"][0]["field"] == "controls"


@pytest.mark.django_db
def test_an_area_outside_the_programme_cannot_be_a_control(changed: Any) -> None:
    elsewhere = f.AreaFactory(site=changed.ward_a.site, code="WD", name="Ward D")
    client = signed_in(changed.programme_manager, changed.wave_1)

    page = client.get(
        "/adoption/before-after/?" + query(changed, controls=elsewhere.pk)
    ).content.decode()
    response = client.get(
        f"/api/v1/comparisons/?go_live={changed.wave_1.pk}&" + query(changed, controls=elsewhere.pk)
    )

    assert "Choose control areas of this programme from the list." in page
    assert response.status_code == 400
    assert response.json()["field_errors"][0]["field"] == "controls"


@pytest.mark.django_db
def test_the_page_reads_the_comparison_figures_from_the_registry(changed: Any) -> None:
    client = signed_in(changed.programme_manager, changed.wave_1)
    with registry_markers():
        page = client.get("/adoption/before-after/?" + query(changed)).content.decode()

    assert missing_wording(page, FIGURES) == []


@pytest.mark.django_db
def test_the_api_reads_the_comparison_figures_from_the_registry(changed: Any) -> None:
    client = signed_in(changed.programme_manager, changed.wave_1)
    with registry_markers():
        body = api_body(changed, changed.programme_manager)
        schema = client.get("/api/schema/", {"format": "json"}).content.decode()

    shown = " ".join(f"{d['name']} {d['definition']}" for d in body["definitions"])
    assert missing_wording(shown, FIGURES) == []
    # The schema's help texts are the definitions, read when the schema is drawn.
    assert [key for key in FIGURES if text_marker(key) not in schema] == []
