from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from adoption.models import ChangeMarker, Metric
from golive.navigation import SESSION_GO_LIVE_KEY
from tests import factories as f

D = dt.date


@pytest.fixture
def live(known: Any) -> Any:
    """Wave 1 went live on 30 March 2025 on Wards A and B, with the known extract."""
    known.wave_1.user_go_live_date = D(2025, 3, 30)
    known.wave_1.save()
    return known


def client_for(user: Any, go_live: Any) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_GO_LIVE_KEY] = go_live.pk
    session.save()
    return client


RANGE = "?start=2025-03-29&end=2025-03-31"


@pytest.mark.django_db
def test_dashboard_charts_headline_metrics_with_a_data_table(live: Any) -> None:
    response = client_for(live.executive, live.wave_1).get("/adoption/dashboard/" + RANGE)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Active users per day: 2 areas of Wave 1" in page
    assert "Data table" in page
    assert "Wave 1 go-live" in page  # the go-live appears as a marker


@pytest.mark.django_db
def test_ward_manager_sees_only_their_areas_on_the_dashboard(live: Any) -> None:
    response = client_for(live.ward_manager, live.wave_1).get("/adoption/dashboard/" + RANGE)

    page = response.content.decode()
    assert "Active users per day: Ward A" in page
    assert "Ward B" not in page


@pytest.mark.django_db
def test_a_filter_for_another_wards_area_is_refused_with_a_message(live: Any) -> None:
    url = f"/adoption/dashboard/?area={live.ward_b.pk}"
    response = client_for(live.ward_manager, live.wave_1).get(url)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert "Ward B" not in response.content.decode()


@pytest.mark.django_db
def test_an_end_date_before_the_start_date_is_explained(live: Any) -> None:
    response = client_for(live.executive, live.wave_1).get(
        "/adoption/dashboard/?start=2025-03-31&end=2025-03-01"
    )

    assert "The end date must be on or after the start date." in response.content.decode()


@pytest.mark.django_db
def test_ward_manager_cannot_drill_down_into_another_wards_area(live: Any) -> None:
    client = client_for(live.ward_manager, live.wave_1)

    assert client.get(f"/adoption/dashboard/areas/{live.ward_a.pk}/").status_code == 200
    assert client.get(f"/adoption/dashboard/areas/{live.ward_b.pk}/").status_code == 404


@pytest.mark.django_db
def test_champions_have_no_adoption_dashboard(live: Any) -> None:
    assert client_for(live.champion, live.wave_1).get("/adoption/dashboard/").status_code == 403


def csv_rows(response: Any) -> list[list[str]]:
    """The table's rows: the notes after its blank row (definitions, data labels) left out."""
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return rows[: rows.index([])] if [] in rows else rows


@pytest.mark.django_db
def test_series_export_has_known_daily_figures(live: Any) -> None:
    response = client_for(live.executive, live.wave_1).get(
        "/adoption/dashboard/export/series.csv?start=2025-03-29&end=2025-03-31&area="
        f"{live.ward_a.pk}"
    )

    rows = csv_rows(response)
    column = rows[0].index("Active users per day (users)")
    assert [row[column] for row in rows[1:]] == ["1.0", "2.0", "1.0"]


@pytest.mark.django_db
def test_area_export_for_a_ward_manager_lists_only_their_areas(live: Any) -> None:
    response = client_for(live.ward_manager, live.wave_1).get(
        "/adoption/dashboard/export/areas.csv" + RANGE
    )

    assert [row[2] for row in csv_rows(response)[1:]] == ["Ward A"]


@pytest.mark.django_db
def test_xlsx_export_escapes_formula_like_names(live: Any) -> None:
    live.ward_a.name = "=HYPERLINK(1)"
    live.ward_a.save()

    response = client_for(live.executive, live.wave_1).get(
        "/adoption/dashboard/export/areas.xlsx" + RANGE
    )

    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(1)" in names


@pytest.mark.django_db
def test_an_unknown_export_is_not_found(live: Any) -> None:
    client = client_for(live.executive, live.wave_1)

    assert client.get("/adoption/dashboard/export/staff.csv").status_code == 404
    assert client.get("/adoption/dashboard/export/areas.pdf").status_code == 404


@pytest.mark.django_db
def test_board_pack_prints_the_ranked_areas(live: Any) -> None:
    response = client_for(live.executive, live.wave_1).get("/adoption/board-pack/" + RANGE)

    assert response.status_code == 200
    assert "Areas ranked by adoption" in response.content.decode()


@pytest.mark.django_db
def test_before_after_page_reads_a_summary_sentence(live: Any) -> None:
    metric = Metric.objects.get(name="Active users per day")
    url = (
        f"/adoption/before-after/?metric={metric.pk}&marker=u{live.wave_1.pk}"
        "&days_before=3&days_after=3&settling_days=0"
    )
    response = client_for(live.executive, live.wave_1).get(url)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Active users per day on 2 areas" in page
    assert "after the Wave 1 go-live on 30 March 2025" in page
    assert "Permutation test of the difference in means" in page


@pytest.mark.django_db
def test_before_after_with_bad_windows_re_renders_with_messages(live: Any) -> None:
    metric = Metric.objects.get(name="Active users per day")
    url = f"/adoption/before-after/?metric={metric.pk}&marker=nope&days_before=1&days_after=x"
    response = client_for(live.executive, live.wave_1).get(url)

    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose a change from the list." in page
    assert "Use at least 3 days before." in page


@pytest.mark.django_db
def test_programme_manager_records_a_configuration_change(live: Any) -> None:
    response = client_for(live.programme_manager, live.wave_1).post(
        "/adoption/changes/new/",
        {
            "kind": "configuration",
            "on": "2025-03-30",
            "title": "Order set simplified",
            "areas": [live.ward_a.pk],
        },
    )

    assert response.status_code == 302
    marker = ChangeMarker.objects.get()
    assert (marker.title, list(marker.areas.all())) == ("Order set simplified", [live.ward_a])
    assert marker.created_by == live.programme_manager
    assert marker.history.exists()


@pytest.mark.django_db
def test_a_change_without_a_date_re_renders_with_a_message(live: Any) -> None:
    response = client_for(live.programme_manager, live.wave_1).post(
        "/adoption/changes/new/", {"kind": "configuration", "on": "2025-02-31", "title": "x"}
    )

    assert response.status_code == 200
    assert "Enter a real date" in response.content.decode()
    assert not ChangeMarker.objects.exists()


@pytest.mark.django_db
def test_executives_may_not_record_changes(live: Any) -> None:
    response = client_for(live.executive, live.wave_1).post(
        "/adoption/changes/new/", {"kind": "configuration", "on": "2025-03-30", "title": "x"}
    )

    assert response.status_code == 403


@pytest.mark.django_db
def test_a_change_on_another_ward_is_hidden_from_a_ward_manager(live: Any) -> None:
    marker = ChangeMarker.objects.create(
        programme=live.programme, kind="configuration", on=D(2025, 3, 30), title="Ward B only"
    )
    marker.areas.set([live.ward_b])

    page = client_for(live.ward_manager, live.wave_1).get("/adoption/changes/").content.decode()

    assert "Ward B only" not in page
    assert "Wave 1 go-live" in page


@pytest.mark.django_db
def test_programme_manager_adds_a_ratio_metric(live: Any) -> None:
    response = client_for(live.programme_manager, live.wave_1).post(
        "/adoption/metrics/new/",
        {
            "name": "Pathology share of orders",
            "aggregate": "ratio",
            "numerator": live.metrics["Pathology orders per day"].pk,
            "denominator": live.metrics["Radiology orders per day"].pk,
            "unit": "percent",
            "higher_is_better": "on",
        },
    )

    assert response.status_code == 302
    assert Metric.objects.get(name="Pathology share of orders").updated_by == live.programme_manager


@pytest.mark.django_db
def test_a_metric_that_cannot_be_computed_re_renders_with_field_messages(live: Any) -> None:
    response = client_for(live.programme_manager, live.wave_1).post(
        "/adoption/metrics/new/",
        {"name": "Active users per day", "aggregate": "ratio", "unit": "percent"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is already a metric called Active users per day." in page
    assert "A ratio needs a numerator metric." in page


@pytest.mark.django_db
def test_ward_managers_read_the_catalogue_but_may_not_edit_it(live: Any) -> None:
    client = client_for(live.ward_manager, live.wave_1)

    assert "Login failure rate" in client.get("/adoption/metrics/").content.decode()
    assert client.get("/adoption/metrics/new/").status_code == 403


@pytest.mark.django_db
def test_the_dashboard_of_a_go_live_without_data_explains_itself(trust: Any) -> None:
    response = client_for(trust.executive, trust.wave_2).get("/adoption/dashboard/")

    assert response.status_code == 200
    assert "No wave you may see has gone live yet." in response.content.decode()


@pytest.mark.django_db
def test_a_user_with_no_go_live_is_told_so(db: None) -> None:
    user = f.UserFactory()
    client = Client()
    client.force_login(user)

    assert client.get("/adoption/dashboard/").status_code == 403


@pytest.mark.django_db
def test_programme_manager_edits_and_deletes_a_recorded_change(live: Any) -> None:
    marker = ChangeMarker.objects.create(
        programme=live.programme, kind="training", on=D(2025, 3, 30), title="Refresher"
    )
    client = client_for(live.programme_manager, live.wave_1)

    edited = client.post(
        f"/adoption/changes/{marker.pk}/edit/",
        {"kind": "training", "on": "2025-03-31", "title": "Refresher week", "areas": []},
    )
    marker.refresh_from_db()
    deleted = client.post(f"/adoption/changes/{marker.pk}/delete/")

    assert edited.status_code == 302
    assert (marker.title, marker.on) == ("Refresher week", D(2025, 3, 31))
    assert deleted.status_code == 302
    assert not ChangeMarker.objects.exists()


@pytest.mark.django_db
def test_executives_may_not_delete_changes(live: Any) -> None:
    marker = ChangeMarker.objects.create(
        programme=live.programme, kind="training", on=D(2025, 3, 30), title="Refresher"
    )

    response = client_for(live.executive, live.wave_1).post(
        f"/adoption/changes/{marker.pk}/delete/"
    )

    assert response.status_code == 403
    assert ChangeMarker.objects.exists()


@pytest.mark.django_db
def test_each_ranked_area_has_a_described_sparkline_of_events(live: Any) -> None:
    page = client_for(live.executive, live.wave_1).get("/adoption/dashboard/" + RANGE)

    # Ward A recorded 1, 5 and 1 events (failed log-ins aside) on the three days.
    text = "EPR events per day over the last 3 days: from 1 to 1, lowest 1, highest 5"
    assert f'aria-label="{text}"' in page.content.decode()


@pytest.mark.django_db
def test_htmx_filtering_returns_only_the_results_for_the_chosen_area(live: Any) -> None:
    response = client_for(live.executive, live.wave_1).get(
        f"/adoption/dashboard/{RANGE}&area={live.ward_b.pk}", HTTP_HX_REQUEST="true"
    )

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="dashboard-results">')
    assert "Active users per day: Ward B" in page
    assert "<html" not in page
    assert response["Vary"].count("HX-Request") == 1


@pytest.mark.django_db
def test_xlsx_and_board_pack_for_a_ward_manager_hold_only_their_areas(live: Any) -> None:
    client = client_for(live.ward_manager, live.wave_1)

    workbook = client.get("/adoption/dashboard/export/areas.xlsx" + RANGE)
    board = client.get("/adoption/board-pack/" + RANGE).content.decode()

    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Ward A"]
    assert "Ward A" in board
    assert "Ward B" not in board


@pytest.mark.django_db
def test_ward_manager_finds_their_staff_not_yet_using_the_epr(live: Any) -> None:
    # In post at go-live on Ward A: Alice (no EPR id), U1 (active), the idle member.
    page = client_for(live.ward_manager, live.wave_1).get("/adoption/dashboard/not-yet-using/")

    text = page.content.decode()
    assert live.staff_a.full_name in text
    assert live.idle.full_name in text
    assert live.u1.full_name not in text
    assert live.staff_b.full_name not in text  # Ward B is not theirs


@pytest.mark.django_db
def test_executives_see_counts_but_not_the_names_of_staff_not_yet_using(live: Any) -> None:
    client = client_for(live.executive, live.wave_1)

    assert client.get("/adoption/dashboard/not-yet-using/").status_code == 403
    assert "who they are" not in client.get("/adoption/dashboard/" + RANGE).content.decode()


@pytest.mark.django_db
def test_dashboard_tiles_show_readiness_training_and_open_tickets_for_the_users_areas(
    live: Any,
) -> None:
    from django.utils import timezone  # noqa: PLC0415

    from support.models import Priority, Ticket  # noqa: PLC0415

    for area, priority in ((live.ward_a, Priority.P1), (live.ward_b, Priority.P3)):
        Ticket.objects.create(
            go_live=live.wave_1, area=area, reporter_name="Sam", reporter_contact="ext 1",
            description="Cannot log in", priority=priority, created_at=timezone.now(),
            logged_by=live.programme_manager,
        )  # fmt: skip

    executive = client_for(live.executive, live.wave_1).get("/adoption/dashboard/" + RANGE)
    manager = client_for(live.ward_manager, live.wave_1).get("/adoption/dashboard/" + RANGE)

    assert [(t.title, t.figure) for t in executive.context["tiles"]][2] == ("Service desk", "2")
    assert "open tickets; 1 at priority 1" in executive.content.decode()
    assert [t.title for t in manager.context["tiles"]] == ["Readiness", "Training", "Service desk"]
    assert manager.context["tiles"][2].figure == "1"
    assert "staff trained" in manager.content.decode()


def _added_metric(live: Any, name: str = "Radiology orders per active user") -> Metric:
    return Metric.objects.create(
        programme=live.programme,
        name=name,
        aggregate="per_active_user",
        event_types=["order_placed"],
        order_types=["radiology"],
        unit="per_user",
    )


@pytest.mark.django_db
def test_programme_manager_confirms_then_deletes_an_added_metric_keeping_its_history(
    live: Any,
) -> None:
    metric = _added_metric(live)
    client = client_for(live.programme_manager, live.wave_1)
    url = f"/adoption/metrics/{metric.pk}/delete/"

    confirm = client.get(url)
    response = client.post(url)

    assert "Delete Radiology orders per active user?" in confirm.content.decode()
    assert response.status_code == 302
    assert not Metric.objects.filter(pk=metric.pk).exists()
    deleted = Metric.history.filter(id=metric.pk, history_type="-").get()
    assert deleted.history_user == live.programme_manager


@pytest.mark.django_db
def test_a_built_in_metric_cannot_be_deleted(live: Any) -> None:
    metric = live.metrics["Active users per day"]

    response = client_for(live.programme_manager, live.wave_1).post(
        f"/adoption/metrics/{metric.pk}/delete/"
    )

    assert response.status_code == 200
    assert "Built-in metrics cannot be deleted" in response.content.decode()
    assert Metric.objects.filter(pk=metric.pk).exists()


@pytest.mark.django_db
def test_a_metric_a_ratio_is_built_on_cannot_be_deleted(live: Any) -> None:
    part = _added_metric(live)
    Metric.objects.create(
        programme=live.programme,
        name="Radiology per user against logins",
        aggregate="ratio",
        numerator=part,
        denominator=live.metrics["Log-in attempts per day"],
        unit="ratio",
    )

    response = client_for(live.programme_manager, live.wave_1).post(
        f"/adoption/metrics/{part.pk}/delete/"
    )

    assert "Radiology per user against logins" in response.content.decode()
    assert Metric.objects.filter(pk=part.pk).exists()


@pytest.mark.django_db
def test_executives_and_ward_managers_may_not_delete_metrics(live: Any) -> None:
    metric = _added_metric(live)

    for user in (live.executive, live.ward_manager):
        response = client_for(user, live.wave_1).post(f"/adoption/metrics/{metric.pk}/delete/")
        assert response.status_code == 403
    assert Metric.objects.filter(pk=metric.pk).exists()


# The whole-programme dashboard.


@pytest.mark.django_db
def test_programme_dashboard_shows_every_go_live_with_tiles_and_charts_over_all_areas(
    live: Any,
) -> None:
    response = client_for(live.executive, live.wave_1).get("/adoption/programme/" + RANGE)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Active users per day: all your areas of EPR" in page
    assert page.index("Wave 1") < page.index("Wave 2")
    for tile in ("Readiness", "Training", "Service desk"):
        assert f"{tile} for Wave 2" in page
    for ward in ("Ward A", "Ward B", "Ward C"):
        assert ward in page
    assert "Data table" in page


@pytest.mark.django_db
def test_programme_dashboard_counts_someone_active_in_two_areas_once(live: Any) -> None:
    response = client_for(live.executive, live.wave_1).get("/adoption/programme/" + RANGE)

    rows = {row.go_live.name: row for row in response.context["rows"]}
    # Wave 1 (Wards A and B): 29th U1; 30th U1, U2 on A and U9, U1 on B (3 people); 31st U2.
    assert rows["Wave 1"].active_users == pytest.approx((1 + 3 + 1) / 3)
    assert {r.area.name for r in response.context["area_rows"]} == {"Ward A", "Ward B", "Ward C"}


@pytest.mark.django_db
def test_ward_manager_sees_only_their_areas_on_the_programme_dashboard(live: Any) -> None:
    response = client_for(live.ward_manager, live.wave_1).get("/adoption/programme/" + RANGE)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ward A" in page
    assert "Ward B" not in page
    assert "Ward C" not in page


@pytest.mark.django_db
def test_programme_dashboard_filters_are_kept_in_the_url(live: Any) -> None:
    url = f"/adoption/programme/{RANGE}&area={live.ward_b.pk}"
    response = client_for(live.executive, live.wave_1).get(url)

    assert [r.area.name for r in response.context["area_rows"]] == ["Ward B"]
    assert f"area={live.ward_b.pk}" in response.content.decode()


@pytest.mark.django_db
def test_drill_down_names_the_go_live_in_the_url_and_leaves_the_session_alone(
    live: Any,
) -> None:
    client = client_for(live.executive, live.wave_1)

    response = client.get(
        f"/adoption/programme/go-lives/{live.wave_2.pk}/areas/{live.ward_c.pk}/{RANGE}"
    )

    assert response.status_code == 302
    assert response["Location"] == (
        f"/adoption/dashboard/areas/{live.ward_c.pk}/{RANGE}&go_live={live.wave_2.pk}"
    )
    page = client.get(response["Location"])
    assert page.status_code == 200  # Ward C is in Wave 2 only
    assert page.context["view"].go_live == live.wave_2
    assert client.session[SESSION_GO_LIVE_KEY] == live.wave_1.pk


@pytest.mark.django_db
def test_drill_down_to_a_go_live_shows_its_dashboard_without_switching(live: Any) -> None:
    client = client_for(live.executive, live.wave_1)

    page = client.get(f"/adoption/programme/go-lives/{live.wave_2.pk}/{RANGE}", follow=True)

    assert page.context["view"].go_live == live.wave_2
    assert "Wave 2, user go-live" in page.content.decode()
    assert client.session[SESSION_GO_LIVE_KEY] == live.wave_1.pk
    assert client.get("/adoption/dashboard/").context["view"].go_live == live.wave_1


@pytest.mark.django_db
def test_a_dashboard_shown_from_a_link_keeps_its_go_live_in_filters_and_links(
    live: Any,
) -> None:
    url = f"/adoption/dashboard/{RANGE}&go_live={live.wave_2.pk}"

    page = client_for(live.executive, live.wave_1).get(url).content.decode()

    assert f'<input type="hidden" name="go_live" value="{live.wave_2.pk}">' in page
    query = f"?start=2025-03-29&amp;end=2025-03-31&amp;go_live={live.wave_2.pk}"
    assert f"/adoption/dashboard/areas/{live.ward_c.pk}/{query}" in page
    # The switcher marks the go-live shown.
    assert f'<option value="{live.wave_2.pk}" selected>' in page


@pytest.mark.django_db
def test_a_go_live_named_in_the_url_that_the_user_may_not_see_is_not_found(live: Any) -> None:
    elsewhere = f.GoLiveFactory()
    client = client_for(live.executive, live.wave_1)

    assert client.get(f"/adoption/dashboard/?go_live={elsewhere.pk}").status_code == 404
    assert client.get("/adoption/dashboard/?go_live=first").status_code == 404
    assert client.get(f"/adoption/programme/board-pack/?go_live={elsewhere.pk}").status_code == (
        404
    )


@pytest.mark.django_db
def test_switching_go_live_returns_to_the_page_without_the_go_live_its_link_named(
    live: Any,
) -> None:
    client = client_for(live.executive, live.wave_2)
    shown = f"/adoption/dashboard/?start=2025-03-29&go_live={live.wave_2.pk}"

    response = client.post("/go-live/switch/", {"go_live": live.wave_1.pk, "next": shown})

    assert response["Location"] == "/adoption/dashboard/?start=2025-03-29"
    assert client.session[SESSION_GO_LIVE_KEY] == live.wave_1.pk


@pytest.mark.django_db
def test_drill_down_to_a_go_live_the_user_may_not_see_is_not_found(live: Any) -> None:
    elsewhere = f.GoLiveFactory()

    response = client_for(live.executive, live.wave_1).get(
        f"/adoption/programme/go-lives/{elsewhere.pk}/"
    )

    assert response.status_code == 404


@pytest.mark.django_db
def test_programme_tables_export_as_csv_and_xlsx_for_the_users_areas(live: Any) -> None:
    manager = client_for(live.ward_manager, live.wave_1)

    areas = manager.get("/adoption/programme/export/areas.csv" + RANGE)
    go_lives = manager.get("/adoption/programme/export/go-lives.xlsx" + RANGE)

    rows = csv_rows(areas)
    assert rows[0][:4] == ["rank", "site", "area", "go-live"]
    assert {(row[2], row[3]) for row in rows[1:]} == {("Ward A", "Wave 1"), ("Ward A", "Wave 2")}
    sheet = load_workbook(io.BytesIO(go_lives.content)).active
    assert sheet is not None
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Wave 1",
        "Wave 2",
    ]
