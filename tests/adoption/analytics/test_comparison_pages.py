"""Before and after a change on the page and over the API: the controls, what a ward
manager may be told about them, validation of chosen controls, and the figures' wording
from the registry."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from adoption.analytics import metrics, rollups, stats_wording
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


def _rows(*extra: str) -> list[str]:
    """Documentation events a day from a week before the change to a week after: Ward A
    (touched) gains two a day, Ward B (the same go-live, untouched) and Ward C (wave 2)
    carry on with a weekly wobble; so do the ``extra`` wards (codes) of the North site."""
    rows = []
    for offset in range(-7, 7):
        day = CHANGE + dt.timedelta(days=offset)
        counts = {
            "WA": 4 + offset % 2 + (2 if offset >= 0 else 0),
            "WB": 12 + offset % 3,
            "WC": 6 + offset % 2,
            **{code: 8 + n + offset % 2 for n, code in enumerate(extra)},
        }
        for code, count in counts.items():
            site = "S" if code == "WC" else "N"
            for n in range(count):
                rows.append(
                    f"E{code}{offset + 7:02d}{n:02d},{day} 10:{n:02d}:00,documentation,,"
                    f"U{code},nursing,{site}/{code},"
                )
    return rows


def _set_up(trust: Any, import_events: Any, *extra: str) -> Any:
    trust.wave_1.user_go_live_date = dt.date(2025, 3, 1)
    trust.wave_1.save()
    rollups.rollup_batch(import_events(*_rows(*extra)).pk)
    trust.metric = {m.name: m for m in metrics.ensure_builtin_metrics(trust.programme)}[
        "EPR events per day"
    ]
    trust.marker = ChangeMarker.objects.create(
        programme=trust.programme, kind="configuration", on=CHANGE, title="Order set simplified"
    )
    trust.marker.areas.set([trust.ward_a])
    return trust


@pytest.fixture
def changed(trust: Any, import_events: Any) -> Any:
    return _set_up(trust, import_events)


@pytest.fixture
def changed_among_three(trust: Any, import_events: Any) -> Any:
    """As ``changed``, with Wards D and E also in wave 1: three untouched control areas."""
    site = trust.ward_b.site
    for code in ("WD", "WE"):
        trust.wave_1.areas.add(f.AreaFactory(site=site, code=code, name=f"Ward {code[1]}"))
    return _set_up(trust, import_events, "WD", "WE")


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
def test_a_ward_manager_is_not_given_a_comparison_that_reveals_one_unseen_control_area(
    changed: Any,
) -> None:
    manager = api_body(changed, changed.programme_manager)
    ward = api_body(changed, changed.ward_manager)

    # The touched ward's change minus the difference in differences would be Ward B's own
    # change: with one unseen control, the comparison with controls is withheld.
    assert manager["difference_in_differences"] is not None
    assert manager["controls_withheld"] is False
    assert ward["difference_in_differences"] is None
    assert ward["controls_withheld"] is True
    assert ward["control_area_count"] == manager["control_area_count"] == 1
    assert ward["change"] == manager["change"]  # their own ward's figures stay
    ward_b = manager["difference_in_differences"]["absolute"]["value"]
    assert stats_wording.number(ward_b) not in ward["summary"]
    assert ward["controls"] is None
    assert ward["controls_named"] is False
    text = str(ward)
    assert "Ward B" not in text
    assert "Ward C" not in text


@pytest.mark.django_db
def test_a_ward_managers_page_says_the_comparison_with_one_unseen_control_is_withheld(
    changed: Any,
) -> None:
    manager = api_body(changed, changed.programme_manager)["difference_in_differences"]
    page = (
        signed_in(changed.ward_manager, changed.wave_1)
        .get("/adoption/before-after/?" + query(changed))
        .content.decode()
    )

    assert "The comparison with control areas is not shown to you" in page
    assert "Average of 1 control area" not in page
    assert "Each control area" not in page
    assert "Ward B" not in page
    assert "Ward C" not in page
    for mean in (manager["control"]["before"], manager["control"]["after"]):
        assert f">{stats_wording.number(mean)}<" not in page


@pytest.mark.django_db
def test_a_ward_manager_sees_the_average_of_three_unseen_control_areas_unnamed(
    changed_among_three: Any,
) -> None:
    changed = changed_among_three
    manager = api_body(changed, changed.programme_manager)
    ward = api_body(changed, changed.ward_manager)
    page = (
        signed_in(changed.ward_manager, changed.wave_1)
        .get("/adoption/before-after/?" + query(changed))
        .content.decode()
    )

    assert ward["control_area_count"] == 3
    assert ward["difference_in_differences"] == manager["difference_in_differences"]
    assert ward["summary"] == manager["summary"]
    assert ward["controls"] is None
    assert "Average of 3 control areas" in page
    assert "pooled here, without names" in page
    assert "Ward B" not in page
    assert "Ward D" not in page


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
