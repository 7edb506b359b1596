"""The programme dashboard's cost per go-live is a small constant (each go-live's section
tiles, training's status included, read in a fixed number of queries), and a second render
within the minute reads the tiles from the cache."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from golive.access import Access
from tests import factories as f
from tests.adoption.analytics.test_pages import RANGE, client_for, live  # noqa: F401
from training.models import Course, Requirement
from training.tiles import training_tile

URL = "/adoption/programme/" + RANGE
# Queries one more go-live adds to a cold render: its readiness, training and service desk
# tiles, its areas and its adoption figures.
PER_GO_LIVE = 17
# The training tile, the user's grants included (2): scope (2), tally (3: plan, requirement
# counts, the grouped count), plan, trained series (3) and plan points. The trajectory's
# population is the tally's, not counted again (three more queries, one of them heavy).
TRAINING_TILE = 12


def _queries(client: Any) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)
    assert response.status_code == 200
    return len(captured), [q["sql"] for q in captured.captured_queries]


def _more_go_lives(trust: Any, count: int) -> None:
    course = Course.objects.create(
        programme=trust.programme, code="EPR2", name="EPR advanced", delivery="classroom"
    )
    for n in range(count):
        go_live = f.GoLiveFactory(
            programme=trust.programme,
            name=f"Wave {n + 3}",
            areas=[trust.ward_a, trust.ward_b],
            user_go_live_date=dt.date(2025, 3, 30) + dt.timedelta(days=7 * (n + 1)),
        )
        Requirement.objects.create(
            go_live=go_live, course=course, role_group="nursing", due_on=go_live.user_go_live_date
        )


@pytest.mark.django_db
def test_each_go_live_adds_a_fixed_number_of_queries_to_the_programme_dashboard(
    live: Any,  # noqa: F811 - the fixture imported above
) -> None:
    client = client_for(live.executive, live.wave_1)
    two, _ = _queries(client)
    cache.clear()
    _more_go_lives(live, 3)

    five, _ = _queries(client)

    assert (five - two) / 3 <= PER_GO_LIVE


@pytest.mark.django_db
def test_a_second_render_reads_every_go_lives_tiles_from_the_cache(
    live: Any,  # noqa: F811 - the fixture imported above
) -> None:
    client = client_for(live.executive, live.wave_1)
    _more_go_lives(live, 3)
    first, _ = _queries(client)

    second, sql = _queries(client)

    assert second < first
    assert not [q for q in sql if 'FROM "training_' in q]


@pytest.mark.django_db
def test_the_training_tile_counts_its_population_once(
    live: Any,  # noqa: F811 - the fixture imported above
    django_assert_max_num_queries: Any,
) -> None:
    access = Access(live.executive)

    with django_assert_max_num_queries(TRAINING_TILE):
        tile = training_tile(access, live.wave_1, dt.date(2025, 3, 31))

    assert "staff trained" in tile.detail
