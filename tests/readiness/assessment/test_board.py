"""The assessment board: heat-map, filters, the criterion editor, exports and evidence."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from golive.access import Access
from readiness.assessment import services
from readiness.models import (
    Criterion,
    Rag,
)
from tests.readiness.conftest import Readiness

HX = {"HTTP_HX_REQUEST": "true"}


def _ids(response: object) -> set[int]:
    board = response.context["board"]  # type: ignore[attr-defined]
    return {row.area.pk for row in board.rows}


def test_the_board_shows_areas_as_rows_with_weighted_scores(
    client: Client, readiness: Readiness
) -> None:
    trust = readiness.trust
    pm = trust.programme_manager
    services.update_criterion(
        access=Access(pm),
        user=pm,
        criterion=readiness.criterion(trust.ward_a, readiness.sso),
        rag=Rag.GREEN,
        comment="",
        evidence_link="https://example.nhs.uk/sso",
        evidence_file=None,
        owner=None,
    )
    services.update_criterion(
        access=Access(pm),
        user=pm,
        criterion=readiness.criterion(trust.ward_a, readiness.downtime),
        rag=Rag.AMBER,
        comment="",
        evidence_link="",
        evidence_file=None,
        owner=None,
    )
    client.force_login(pm)

    board = client.get("/readiness/board/").context["board"]

    scores = {row.area.name: row.score.percent for row in board.rows}
    # Ward A: (3 × 1 + 2 × 0.5 + 5 × 0) / 10 = 40%; Ward B: nothing assessed.
    assert scores == {"Ward A": 40.0, "Ward B": 0.0}
    # The site pools both wards: 4 of 20 weight.
    assert board.site_scores[0][1].percent == 20.0
    assert board.go_live_score.percent == 20.0


def test_a_ward_manager_sees_only_their_areas_on_the_board(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.ward_manager)

    response = client.get("/readiness/board/")

    assert _ids(response) == {readiness.trust.ward_a.pk}
    assert "Ward B" not in response.content.decode()


def test_board_filters_live_in_the_url_and_hide_cells_but_not_scores(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)

    response = client.get("/readiness/board/", {"domain": "technology"})

    board = response.context["board"]
    assert [value for value, _ in board.domains] == ["technology"]
    assert board.go_live_score.total == 20


def test_the_board_filter_answers_htmx_with_the_heatmap_only(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)

    body = client.get("/readiness/board/", {"status": "not_assessed"}, **HX).content.decode()

    assert "<html" not in body
    assert 'id="heatmap"' in body


def test_a_chair_changes_a_criterion_to_green_and_the_cell_comes_back_in_place(
    client: Client, readiness: Readiness
) -> None:
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.sso)
    client.force_login(readiness.chair)

    response = client.post(
        f"/readiness/criteria/{criterion.pk}/",
        {
            "rag": "green",
            "evidence_link": "https://example.nhs.uk/sso-log",
            "comment": "All devices",
        },
        **HX,
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="cell-{readiness.trust.ward_a.pk}-technology"' in body
    assert 'hx-swap-oob="true"' in body
    assert "Green" in body
    criterion.refresh_from_db()
    assert criterion.rag == Rag.GREEN


def test_without_javascript_a_saved_criterion_returns_to_the_board(
    client: Client, readiness: Readiness
) -> None:
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.sso)
    client.force_login(readiness.chair)

    response = client.post(f"/readiness/criteria/{criterion.pk}/", {"rag": "amber"})

    assert response.status_code == 302
    assert response["Location"].startswith("/readiness/board/")


def test_green_without_evidence_re_renders_the_form_with_the_message(
    client: Client, readiness: Readiness
) -> None:
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.sso)
    client.force_login(readiness.chair)

    response = client.post(f"/readiness/criteria/{criterion.pk}/", {"rag": "green"}, **HX)

    assert response.status_code == 200
    assert "Add evidence (a link or a file) to mark this green." in response.content.decode()
    criterion.refresh_from_db()
    assert criterion.rag == Rag.NOT_ASSESSED


def test_a_ward_manager_cannot_open_another_areas_criterion_page_or_partial(
    client: Client, readiness: Readiness
) -> None:
    criterion = readiness.criterion(readiness.trust.ward_b, readiness.downtime)
    client.force_login(readiness.trust.ward_manager)

    assert client.get(f"/readiness/criteria/{criterion.pk}/").status_code == 404
    assert client.get(f"/readiness/criteria/{criterion.pk}/", **HX).status_code == 404
    assert (
        client.post(f"/readiness/criteria/{criterion.pk}/", {"rag": "red"}, **HX).status_code == 404
    )
    criterion.refresh_from_db()
    assert criterion.rag == Rag.NOT_ASSESSED


def test_a_chair_cannot_edit_a_domain_they_do_not_chair(
    client: Client, readiness: Readiness
) -> None:
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.downtime)
    client.force_login(readiness.chair)

    assert client.post(f"/readiness/criteria/{criterion.pk}/", {"rag": "red"}).status_code == 403


def test_an_executive_reads_the_board_without_edit_links(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.executive)

    body = client.get("/readiness/board/").content.decode()

    assert "Ward A" in body
    assert "/readiness/criteria/" not in body


def test_the_csv_export_is_scoped_and_formula_escaped(client: Client, readiness: Readiness) -> None:
    trust = readiness.trust
    criterion = readiness.criterion(trust.ward_a, readiness.downtime)
    services.update_criterion(
        access=Access(trust.ward_manager),
        user=trust.ward_manager,
        criterion=criterion,
        rag=Rag.RED,
        comment='=HYPERLINK("http://evil")',
        evidence_link="",
        evidence_file=None,
        owner=None,
    )
    client.force_login(trust.ward_manager)

    response = client.get("/readiness/board.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert {row[1] for row in rows[1:]} == {"Ward A"}
    assert '\'=HYPERLINK("http://evil")' in [row[9] for row in rows]


def test_the_xlsx_export_writes_text_not_formulas(client: Client, readiness: Readiness) -> None:
    trust = readiness.trust
    criterion = readiness.criterion(trust.ward_a, readiness.downtime)
    services.update_criterion(
        access=Access(trust.programme_manager),
        user=trust.programme_manager,
        criterion=criterion,
        rag=Rag.RED,
        comment="=1+1",
        evidence_link="",
        evidence_file=None,
        owner=None,
    )
    client.force_login(trust.programme_manager)

    response = client.get("/readiness/board.xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    comments = [row[9] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "=1+1" in comments
    assert all(
        cell.data_type == "s"
        for row in sheet.iter_rows(min_row=2)
        for cell in row
        if cell.value == "=1+1"
    )


def test_evidence_files_are_served_only_to_users_who_see_the_criterion(
    client: Client, readiness: Readiness, settings: object, tmp_path: object
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }  # type: ignore[attr-defined]
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415

    trust = readiness.trust
    criterion = readiness.criterion(trust.ward_b, readiness.downtime)
    services.update_criterion(
        access=Access(trust.programme_manager),
        user=trust.programme_manager,
        criterion=criterion,
        rag=Rag.GREEN,
        comment="",
        evidence_link="",
        evidence_file=SimpleUploadedFile("drill.pdf", b"%PDF"),
        owner=None,
    )
    client.force_login(trust.ward_manager)
    assert client.get(f"/readiness/criteria/{criterion.pk}/evidence/").status_code == 404
    client.force_login(trust.programme_manager)
    response = client.get(f"/readiness/criteria/{criterion.pk}/evidence/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF"


def test_applying_a_template_set_from_the_board_is_idempotent(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)

    response = client.post("/readiness/board/", {"template_set": "Standard"})

    assert response.status_code == 302
    assert Criterion.objects.filter(go_live=readiness.trust.wave_1).count() == 6


def test_the_board_trend_reads_past_scores_from_history(
    client: Client, readiness: Readiness
) -> None:
    trust = readiness.trust
    pm = trust.programme_manager
    criterion = readiness.criterion(trust.ward_a, readiness.sso)
    services.update_criterion(
        access=Access(pm),
        user=pm,
        criterion=criterion,
        rag=Rag.AMBER,
        comment="",
        evidence_link="",
        evidence_file=None,
        owner=None,
    )
    # Pretend the amber was recorded three weeks ago (and everything else before that).
    three_weeks_ago = timezone.now() - dt.timedelta(weeks=3)
    Criterion.history.filter(history_date__lt=three_weeks_ago + dt.timedelta(weeks=3)).update(  # type: ignore[attr-defined]
        history_date=three_weeks_ago
    )
    services.update_criterion(
        access=Access(pm),
        user=pm,
        criterion=criterion,
        rag=Rag.GREEN,
        comment="",
        evidence_link="https://example.nhs.uk/sso",
        evidence_file=None,
        owner=None,
    )
    client.force_login(pm)

    chart = client.get("/readiness/board/").context["trend_chart"]

    values = chart.series[0].values
    # 20 weight across both wards; SSO (3) amber = 1.5 -> 7.5%; green = 3 -> 15%.
    assert values[:4] == [None, None, None, None]
    assert values[4:7] == [7.5, 7.5, 7.5]
    assert values[7] == 15.0


def test_the_htmx_editor_takes_keyboard_focus(client: Client, readiness: Readiness) -> None:
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.sso)
    client.force_login(readiness.chair)

    body = client.get(f"/readiness/criteria/{criterion.pk}/", **HX).content.decode()

    assert "<html" not in body
    assert "autofocus" in body
