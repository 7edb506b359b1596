"""The metric catalogue over the API reads in a fixed number of queries, however many ratio
metrics (whose definitions name their parts) the programme has."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from adoption.models import Metric
from tests.adoption.analytics.test_api import api, live  # noqa: F401 - the fixture


def _ratios(trust: Any, count: int) -> None:
    failed = trust.metrics["Failed log-ins per day"]
    attempts = trust.metrics["Log-in attempts per day"]
    for n in range(count):
        Metric.objects.create(
            programme=trust.programme,
            name=f"Failure ratio {n}",
            aggregate=Metric.Aggregate.RATIO,
            numerator=failed,
            denominator=attempts,
            unit=Metric.Unit.RATIO,
        )


def _list_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/metrics/")
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_metrics_list_does_not_query_per_ratio_metric(
    live: Any,  # noqa: F811 - the fixture imported above
    django_assert_max_num_queries: Any,
) -> None:
    client = api(live.executive)
    few = _list_queries(client)
    _ratios(live, 5)

    with django_assert_max_num_queries(few):
        response = client.get("/api/v1/metrics/")

    assert "Failure ratio 4" in {metric["name"] for metric in response.json()["results"]}
