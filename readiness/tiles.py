"""Readiness as the core's dashboards show it: the weighted score tile (registered in
``ReadinessConfig.ready``)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from golive.access import Access
from golive.models import GoLive
from golive.tiles import Tile, percent_figure
from readiness.assessment.selectors import BoardFilters, board


def readiness_tile(access: Access, go_live: GoLive, today: dt.date) -> Tile:
    scores = board(access, go_live, BoardFilters(), today=today)
    red = sum(1 for row in scores.rows for cell in row.cells if cell.rag == "red")
    return Tile(
        "Readiness",
        percent_figure(scores.go_live_score.percent),
        f"weighted readiness score; {red} area and domain cells red",
        reverse("readiness:board"),
    )
