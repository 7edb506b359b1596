"""The programme board pack: the programme dashboard on paper for the trust board."""

from __future__ import annotations

import html
from typing import Any

import pytest

from golive import definitions
from tests import factories as f
from tests.adoption.analytics.test_pages import RANGE, client_for, live  # noqa: F401 - the fixture

URL = "/adoption/programme/board-pack/"


@pytest.mark.django_db
def test_programme_manager_reads_every_go_live_area_and_wave_with_the_dates_and_author(
    live: Any,  # noqa: F811 - the fixture imported above
) -> None:
    response = client_for(live.programme_manager, live.wave_1).get(URL + RANGE)

    page = response.content.decode()
    assert response.status_code == 200
    assert "29 March 2025 to 31 March 2025" in page
    assert "None: every area of the programme you may see" in page
    assert f"by {live.programme_manager.display_name}" in page
    for go_live in ("Wave 1", "Wave 2"):
        assert f"{go_live}, user go-live" in page
    for tile in ("Readiness", "Training", "Service desk"):
        assert f'<th class="nhsuk-table__header" scope="row">{tile}</th>' in page
    assert [r.area.name for r in response.context["area_rows"]].count("Ward A") == 2
    assert {r.area.name for r in response.context["area_rows"]} == {"Ward A", "Ward B", "Ward C"}
    assert "Dip and recovery by wave" in page
    assert [row.go_live for row in response.context["waves"]] == [live.wave_1]


@pytest.mark.django_db
def test_board_pack_tabulates_headline_metrics_week_by_week(live: Any) -> None:  # noqa: F811
    response = client_for(live.programme_manager, live.wave_1).get(URL + RANGE)

    page = response.content.decode()
    # 29 March 2025 is a Saturday: the range is the end of one week and a Monday.
    assert "29 Mar to 30 Mar 2025" in page
    assert "31 Mar to 31 Mar 2025" in page
    chart, weeks = next(
        (c, w) for c, w in response.context["charts"] if c.title.startswith("Active users")
    )
    # Active users over the three wards: 29th 1, 30th 3 (U1, U2, U9), 31st 1.
    assert [(w.mean, w.days) for w in weeks] == [(2.0, 2), (1.0, 1)]
    assert chart.title == "Active users per day: all your areas of EPR"


@pytest.mark.django_db
def test_board_pack_states_the_filters_and_keeps_to_them(live: Any) -> None:  # noqa: F811
    url = f"{URL}{RANGE}&area={live.ward_b.pk}&role_group=nursing"

    response = client_for(live.executive, live.wave_1).get(url)

    page = response.content.decode()
    assert "Area Ward B, role group Nursing" in page
    assert [r.area.name for r in response.context["area_rows"]] == ["Ward B"]


@pytest.mark.django_db
def test_ward_manager_board_pack_holds_only_their_areas(live: Any) -> None:  # noqa: F811
    response = client_for(live.ward_manager, live.wave_1).get(URL + RANGE)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ward A" in page
    for other in ("Ward B", "Ward C", "South Hospital"):
        assert other not in page
    assert {r.area.name for r in response.context["area_rows"]} == {"Ward A"}


@pytest.mark.django_db
def test_a_filter_for_another_wards_area_is_ignored_and_leaks_nothing(
    live: Any,  # noqa: F811
) -> None:
    url = f"{URL}{RANGE}&area={live.ward_c.pk}"

    page = client_for(live.ward_manager, live.wave_1).get(url).content.decode()

    assert "The filters in the link were not valid" in page
    assert "Ward C" not in page


@pytest.mark.django_db
def test_people_without_the_adoption_section_are_refused(live: Any) -> None:  # noqa: F811
    for user in (live.champion, live.outsider):
        assert client_for(user, live.wave_1).get(URL).status_code == 403


@pytest.mark.django_db
def test_a_board_pack_for_another_trusts_go_live_is_not_found(live: Any) -> None:  # noqa: F811
    elsewhere = f.GoLiveFactory()

    response = client_for(live.executive, live.wave_1).get(f"{URL}?go_live={elsewhere.pk}")

    assert response.status_code == 404


@pytest.mark.django_db
def test_programme_dashboard_links_to_the_board_pack_with_its_filters(
    live: Any,  # noqa: F811
) -> None:
    url = f"/adoption/programme/{RANGE}&area={live.ward_b.pk}"

    page = client_for(live.executive, live.wave_1).get(url).content.decode()

    query = f"start=2025-03-29&amp;end=2025-03-31&amp;area={live.ward_b.pk}"
    assert f'href="{URL}?{query}"' in page


@pytest.mark.django_db
def test_filtering_the_programme_dashboard_with_htmx_updates_the_board_pack_link(
    live: Any,  # noqa: F811
) -> None:
    response = client_for(live.executive, live.wave_1).get(
        f"/adoption/programme/{RANGE}&area={live.ward_c.pk}", HTTP_HX_REQUEST="true"
    )

    assert f"{URL}?start=2025-03-29&amp;end=2025-03-31&amp;area={live.ward_c.pk}" in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_board_pack_and_programme_page_define_active_users_in_the_same_words(
    live: Any,  # noqa: F811
) -> None:
    """The contradiction: the board pack said "summed over the areas" where the programme
    page said "counts once", for the same distinct count."""
    client = client_for(live.executive, live.wave_1)

    pack = html.unescape(client.get(URL + RANGE).content.decode())
    page = html.unescape(client.get("/adoption/programme/" + RANGE).content.decode())

    counts_once = definitions.text("adoption.active_users")
    assert "counts once" in counts_once
    assert counts_once in pack
    assert counts_once in page
    assert "Summed over the areas" not in pack
