"""A go-live's "share of in-scope staff active" on the programme dashboard is the registered
figure over all its areas together: someone on two of its areas' staff lists counts once."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.adoption.analytics.test_pages import RANGE, client_for, csv_rows, live  # noqa: F401

# Wave 1 (Wards A and B), 29-31 March, with U1 also on Ward B's list. The lists together:
# Alice, U1, U2 (from the 30th) and an idle person on A; Bob and U1 on B, so five people,
# four of them in post on the 29th. Staff active: the 29th U1 (1 of 4); the 30th U1 (on A
# and on B: once) and U2 (2 of 5); the 31st U2 (1 of 5).
EXPECTED = (100 * 1 / 4 + 100 * 2 / 5 + 100 * 1 / 5) / 3  # 28.33; by area, weighted: 27.78


@pytest.fixture
def on_two_lists(live: Any) -> Any:  # noqa: F811 - the fixture imported above
    live.u1.areas.add(live.ward_b)
    return live


@pytest.mark.django_db
def test_someone_on_two_areas_lists_counts_once_in_the_go_lives_share_active(
    on_two_lists: Any,
) -> None:
    response = client_for(on_two_lists.executive, on_two_lists.wave_1).get(
        "/adoption/programme/" + RANGE
    )

    rows = {row.go_live.name: row for row in response.context["rows"]}
    assert rows["Wave 1"].share_active == pytest.approx(EXPECTED)


@pytest.mark.django_db
def test_the_programme_page_export_and_board_pack_show_the_same_share_active(
    on_two_lists: Any,
) -> None:
    client = client_for(on_two_lists.executive, on_two_lists.wave_1)

    page = client.get("/adoption/programme/" + RANGE).content.decode()
    pack = client.get("/adoption/programme/board-pack/" + RANGE).content.decode()
    exported = csv_rows(client.get("/adoption/programme/export/go-lives.csv" + RANGE))

    column = next(i for i, name in enumerate(exported[0]) if name.startswith("Share of"))
    wave_1 = next(row for row in exported[1:] if row[0] == "Wave 1")
    assert wave_1[column] == "28.3"
    row = re.search(r"Wave 1</a></th>.*?</tr>", page, re.S)
    assert row is not None
    assert "28.3%" in row.group(0)
    assert "28.3%" in pack
