from __future__ import annotations

from typing import Any

import pytest

from adoption.analytics.dashboard import AreaRow
from adoption.analytics.dip import Dip, Point
from adoption.templatetags.adoption_tables import area_table_rows

DIPPED = Dip(
    baseline=120.0,
    baseline_source="before go-live",
    go_live_day=Point(0, 96.0, -20.0),
    deepest_day=Point(2, 60.0, -50.0),
    deepest_week=Point(6, 90.0, -25.0),
    recovery_daily=7,
    recovery_smoothed=12,
    daily_dipped=True,
    weekly_dipped=True,
)


def row(area: Any, go_live: Any = None, **figures: Any) -> AreaRow:
    dip = DIPPED
    return AreaRow(
        area=area,
        staff=figures.get("staff", 12),
        active_users=figures.get("active_users", 7.25),
        share_active=figures.get("share_active", 58.33),
        dip=figures.get("dip", dip),
        trend=figures.get("trend", [1.0, None, 3.0]),
        go_live=go_live,
    )


@pytest.mark.django_db
def test_area_rows_escape_names_and_the_query_and_link_through_the_drill_down(
    trust: Any,
) -> None:
    trust.ward_a.name = '<img src=x onerror="alert(1)">'
    html = str(
        area_table_rows(
            [row(trust.ward_a, trust.wave_1)],
            query="start=2025-03-01&x=<b>",
            links=True,
            programme=True,
        )
    )

    assert "<img" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert (
        f"/go-lives/{trust.wave_1.pk}/areas/{trust.ward_a.pk}/?start=2025-03-01&amp;x=&lt;b&gt;"
        in html
    )
    assert f"North Hospital, {trust.wave_1.name}" in html


@pytest.mark.django_db
def test_area_rows_show_figures_as_the_template_did_and_dashes_for_none(trust: Any) -> None:
    empty = Dip(None, "", None, None, None, None, None)
    html = str(
        area_table_rows(
            [
                row(trust.ward_a),
                row(trust.ward_b, active_users=None, share_active=None, dip=empty, trend=[]),
            ]
        )
    )

    cells = [cell.split("</td>")[0] for cell in html.split('numeric">')[1:]]
    assert cells == ["1", "12", "7.3", "58.3%", "2", "12", "–", "–"]
    assert "Deepest day:</span> \N{MINUS SIGN}50%, day 2" in html
    assert "Recovered (daily):</span> Day 7" in html
    assert "Recovered (7-day mean):</span> Day 12" in html
    assert "Not enough data" in html
    assert html.count("<svg") == 1  # a trend needs two known days
    assert "<a " not in html  # no links unless asked
