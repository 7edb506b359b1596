"""Dip and recovery on the pages, exports and API: measured from 28 days before go-live
whatever the date filter, named and defined from the registry, and the default dates
around the chosen go-live."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from adoption.analytics import dashboard, dip, dip_figures, rollups
from adoption.definitions import DIP_KEYS
from golive.access import Access
from golive.navigation import SESSION_GO_LIVE_KEY
from tests.definitions_support import label_marker, missing_wording, registry_markers

D = dt.date
GO_LIVE = D(2025, 4, 7)
# Ward A: 10 events a day for four weeks, then 6, 4, 5, 8 and 10 a day again.
WARD_A = [10] * 28 + [6, 4, 5, 8] + [10] * 17
WARD_B = [5] * len(WARD_A)  # no dip
FIRST_DAY = GO_LIVE - dt.timedelta(days=28)
LAST_DAY = FIRST_DAY + dt.timedelta(days=len(WARD_A) - 1)
WHOLE = f"?start={FIRST_DAY}&end={LAST_DAY}"
FROM_GO_LIVE = f"?start={GO_LIVE}&end={GO_LIVE + dt.timedelta(days=5)}"


def rows(area: str, counts: list[int]) -> list[str]:
    return [
        f"{area}{day:03d}{n:02d},{FIRST_DAY + dt.timedelta(days=day)} 10:{n:02d}:00,"
        f"documentation,,U1,nursing,N/{area},9990000026"
        for day, count in enumerate(counts)
        for n in range(count)
    ]


@pytest.fixture
def dipped(trust: Any, import_events: Any) -> Any:
    """Wave 1 (Wards A and B) went live on 7 April 2025; Ward A dipped, Ward B did not."""
    trust.wave_1.user_go_live_date = GO_LIVE
    trust.wave_1.save()
    trust.wave_2.user_go_live_date = LAST_DAY + dt.timedelta(days=30)  # no data since
    trust.wave_2.save()
    rollups.rollup_batch(import_events(*rows("WA", WARD_A), *rows("WB", WARD_B)).pk)
    return trust


def client_for(user: Any, go_live: Any) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_GO_LIVE_KEY] = go_live.pk
    session.save()
    return client


def ward_a_dip(response: Any) -> Any:
    return next(r.dip for r in response.context["area_rows"] if r.area.name == "Ward A")


@pytest.mark.django_db
def test_the_area_dip_is_the_same_whatever_the_dates_shown_even_from_the_go_live_day(
    dipped: Any,
) -> None:
    client = client_for(dipped.programme_manager, dipped.wave_1)

    whole = ward_a_dip(client.get("/adoption/dashboard/" + WHOLE))
    from_go_live = ward_a_dip(client.get("/adoption/dashboard/" + FROM_GO_LIVE))

    assert whole == from_go_live
    assert whole.baseline == pytest.approx(10.0)
    assert whole.go_live_day.change == pytest.approx(-40.0)
    assert (whole.deepest_day.day, whole.deepest_day.change) == (1, pytest.approx(-60.0))
    assert (whole.deepest_week.day, whole.deepest_week.change) == (6, pytest.approx(-24.3, 0.01))
    assert (whole.recovery_daily, whole.recovery_smoothed) == (4, 9)


@pytest.mark.django_db
def test_the_waves_dip_sums_the_areas_the_user_sees(dipped: Any) -> None:
    pm = dip_figures.wave_rows(
        Access(dipped.programme_manager), dipped.wave_1, today=timezone.localdate()
    )
    manager = dip_figures.wave_rows(
        Access(dipped.ward_manager), dipped.wave_1, today=timezone.localdate()
    )

    assert [(r.go_live.name, r.areas) for r in pm] == [("Wave 1", 2), ("Wave 2", 2)]
    assert pm[0].dip.baseline == pytest.approx(15.0)
    assert pm[0].dip.go_live_day.change == pytest.approx(100 * (11 - 15) / 15)
    assert pm[1].dip.recovery_daily_text == "Not enough data"
    assert manager[0].areas == 1
    assert manager[0].dip.baseline == pytest.approx(10.0)


@pytest.mark.django_db
def test_the_areas_export_names_the_dip_columns_and_keeps_them_across_filters(
    dipped: Any,
) -> None:
    client = client_for(dipped.programme_manager, dipped.wave_1)

    tables = [
        list(csv.reader(io.StringIO(client.get(url).content.decode())))
        for url in (
            "/adoption/dashboard/export/areas.csv" + WHOLE,
            "/adoption/dashboard/export/areas.csv" + FROM_GO_LIVE,
        )
    ]

    header = tables[0][0]
    ward_a = [next(r for r in table[1:] if r[2:3] == ["Ward A"]) for table in tables]
    assert (
        ward_a[0][header.index("Change on go-live day (%)") :]
        == ward_a[1][header.index("Change on go-live day (%)") :]
    )
    assert ward_a[0][header.index("Change on go-live day (%)")] == "-40.0"
    assert ward_a[0][header.index("Deepest day: day after go-live")] == "1"
    assert ward_a[0][header.index("Recovered (daily)")] == "Day 4"


@pytest.mark.django_db
def test_the_api_gives_each_areas_and_waves_dip_with_definitions(dipped: Any) -> None:
    client = Client()
    client.force_login(dipped.ward_manager)

    body = client.get(f"/api/v1/dip-and-recovery/?go_live={dipped.wave_1.pk}").json()

    assert [a["name"] for a in body["areas"]] == ["Ward A"]
    figures = body["areas"][0]["dip"]
    assert figures["go_live_day_change_percent"] == -40.0
    assert (figures["deepest_day"], figures["deepest_day_change_percent"]) == (1, -60.0)
    assert (figures["recovered_daily_day"], figures["recovered_daily"]) == (4, "Day 4")
    assert figures["recovered_7_day_mean_day"] == 9
    assert figures["baseline_by_weekday"] is True  # every weekday has data before go-live
    assert body["waves"][0]["areas"] == 1
    assert [d["key"] for d in body["definitions"]] == list(DIP_KEYS)


@pytest.mark.django_db
def test_the_api_refuses_a_go_live_the_caller_may_not_see(dipped: Any) -> None:
    client = Client()
    client.force_login(dipped.ward_manager)
    other = dipped.wave_2.__class__.objects.create(
        programme=dipped.programme, name="Elsewhere", user_go_live_date=GO_LIVE
    )
    other.areas.set([dipped.ward_c])

    response = client.get(f"/api/v1/dip-and-recovery/?go_live={other.pk}")

    assert response.status_code == 400
    assert "go_live" in str(response.json())


# Every figure is named and defined from the registry wherever it is shown.


PAGES = [
    "/adoption/dashboard/",
    "/adoption/board-pack/",
    "/adoption/programme/",
    "/adoption/programme/board-pack/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_pages_name_and_define_each_dip_figure_from_the_registry(dipped: Any, url: str) -> None:
    client = client_for(dipped.programme_manager, dipped.wave_1)

    with registry_markers():
        content = client.get(url + WHOLE).content.decode()

    assert missing_wording(content, DIP_KEYS) == []


@pytest.mark.django_db
def test_the_area_page_names_and_defines_each_dip_figure_from_the_registry(
    dipped: Any,
) -> None:
    client = client_for(dipped.programme_manager, dipped.wave_1)

    with registry_markers():
        content = client.get(f"/adoption/dashboard/areas/{dipped.ward_a.pk}/").content.decode()

    assert missing_wording(content, DIP_KEYS) == []
    assert "Day 4" in content


@pytest.mark.django_db
@pytest.mark.parametrize("table", ["areas", "waves"])
def test_exports_name_the_dip_columns_and_define_them_in_the_notes(dipped: Any, table: str) -> None:
    client = client_for(dipped.programme_manager, dipped.wave_1)

    with registry_markers():
        content = client.get(f"/adoption/dashboard/export/{table}.csv" + WHOLE).content.decode()

    header = next(csv.reader(io.StringIO(content)))
    assert all(any(label_marker(key) in column for column in header) for key in DIP_KEYS)
    notes = content.split("\r\n\r\n", 1)[1]
    assert missing_wording(notes, DIP_KEYS) == []


@pytest.mark.django_db
def test_the_programme_export_names_the_dip_columns_from_the_registry(dipped: Any) -> None:
    client = client_for(dipped.programme_manager, dipped.wave_1)

    with registry_markers():
        content = client.get("/adoption/programme/export/go-lives.csv" + WHOLE).content.decode()

    assert missing_wording(content, DIP_KEYS) == []


@pytest.mark.django_db
def test_the_api_describes_each_dip_field_from_the_registry(dipped: Any) -> None:
    client = Client()
    client.force_login(dipped.programme_manager)

    with registry_markers():
        body = client.get(f"/api/v1/dip-and-recovery/?go_live={dipped.wave_1.pk}").content
        schema = client.get("/api/schema/", {"format": "json"}).content

    assert missing_wording(body.decode(), DIP_KEYS) == []
    assert missing_wording(schema.decode(), DIP_KEYS) == []


@pytest.mark.django_db
def test_the_captions_state_the_spans_the_figures_are_computed_over(
    dipped: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dashboard, "RANKING_DAYS", 10)
    monkeypatch.setattr(dashboard, "HISTORY_DAYS", 21)
    client = client_for(dipped.programme_manager, dipped.wave_1)

    programme = client.get("/adoption/programme/" + WHOLE).content.decode()
    board = client.get("/adoption/dashboard/" + WHOLE).content.decode()
    area = client.get(f"/adoption/dashboard/areas/{dipped.ward_a.pk}/").content.decode()

    assert "last 10 days of the range" in programme
    assert "last 10 days shown" in programme
    assert "Events, last 21 days" in board
    tolerance = f"within {dip.TOLERANCE:.0%} of it"
    assert tolerance in board
    for content in (programme, board, area):
        assert f"from {dip.BASELINE_DAYS} days before it" in content
        assert "14 days" not in content


# The queries do not grow with the number of areas or waves.


@pytest.mark.django_db
def test_area_dips_take_the_same_queries_for_one_area_as_for_three(dipped: Any) -> None:
    def queries(area_ids: tuple[int, ...]) -> int:
        from django.core.cache import cache  # noqa: PLC0415

        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            dip_figures.area_dips(GO_LIVE, area_ids)
        return len(captured)

    one = queries((dipped.ward_a.pk,))
    three = queries((dipped.ward_a.pk, dipped.ward_b.pk, dipped.ward_c.pk))

    assert one == three


# The default dates follow the chosen go-live.


@pytest.mark.django_db
def test_a_past_go_live_defaults_to_four_weeks_before_it_to_the_last_day_with_data(
    dipped: Any,
) -> None:
    today = LAST_DAY + dt.timedelta(days=100)

    assert dashboard.default_range(dipped.wave_1, today=today) == (FIRST_DAY, LAST_DAY)


@pytest.mark.django_db
def test_a_long_past_go_live_defaults_to_eight_weeks_after_it(dipped: Any) -> None:
    dipped.wave_1.user_go_live_date = D(2025, 1, 1)

    start, end = dashboard.default_range(dipped.wave_1, today=LAST_DAY)

    assert (start, end) == (D(2024, 12, 4), D(2025, 2, 26))


@pytest.mark.django_db
def test_a_go_live_still_to_come_defaults_to_the_latest_four_weeks(dipped: Any) -> None:
    start, end = dashboard.default_range(dipped.wave_2, today=LAST_DAY + dt.timedelta(days=3))

    assert (start, end) == (LAST_DAY - dt.timedelta(days=28), LAST_DAY)


@pytest.mark.django_db
def test_the_programme_defaults_to_around_its_go_lives_with_data(dipped: Any) -> None:
    go_lives = [dipped.wave_1, dipped.wave_2]

    assert dashboard.programme_default_range(go_lives, today=LAST_DAY) == (FIRST_DAY, LAST_DAY)
    dipped.wave_1.user_go_live_date = LAST_DAY + dt.timedelta(days=1)
    assert dashboard.programme_default_range(go_lives, today=LAST_DAY) == (
        LAST_DAY - dt.timedelta(days=28),
        LAST_DAY,
    )


@pytest.mark.django_db
def test_the_dashboard_of_a_past_go_live_opens_on_its_dates(dipped: Any) -> None:
    response = client_for(dipped.programme_manager, dipped.wave_1).get("/adoption/dashboard/")

    view = response.context["view"]
    assert (view.start, view.end) == (FIRST_DAY, LAST_DAY)
