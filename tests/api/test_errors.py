"""Shapes the API fuzzing relies on: unmatched API URLs answer in the API's error shape, and
the schema lists each operation once (no format-suffix duplicates); and what the fuzzing found:
filter ids too large for the database, and answers the schema described wrongly."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import Trust


def test_unmatched_api_url_answers_with_the_apis_json_error(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    response = client.get("/api/v1/areas/-1/")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found."}


def test_unmatched_page_url_still_answers_with_the_html_page(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_schema_lists_no_format_suffix_paths(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]

    assert "/api/v1/areas/" in paths
    assert not [path for path in paths if "{format}" in path]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/designations/?area={id}",
        "/api/v1/shifts/?go_live={id}",
        "/api/v1/shift-assignments/?area={id}",
        "/api/v1/readiness/criteria/?area={id}",
        "/api/v1/training/requirements/?go_live={id}",
        "/api/v1/training/scope-changes/?go_live={id}",
    ],
)
def test_a_filter_id_too_large_for_the_database_is_refused_as_invalid(
    client: Client, trust: Trust, url: str
) -> None:
    client.force_login(trust.programme_manager)

    response = client.get(url.format(id=2**64))

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def _schema(client: Client, trust: Trust) -> dict[str, Any]:
    client.force_login(trust.programme_manager)
    schema: dict[str, Any] = client.get("/api/schema/", {"format": "json"}).json()
    return schema


def _answer(schema: dict[str, Any], path: str) -> dict[str, Any]:
    answer: dict[str, Any] = schema["paths"][path]["get"]["responses"]["200"]
    return answer["content"]["application/json"]["schema"]


def test_schema_describes_coverage_as_one_summary_and_training_gaps_as_a_plain_list(
    client: Client, trust: Trust
) -> None:
    schema = _schema(client, trust)

    assert _answer(schema, "/api/v1/coverage/") == {"$ref": "#/components/schemas/Coverage"}
    for action in ("gaps", "breakdown"):
        answer = _answer(schema, f"/api/v1/training/go-lives/{{id}}/{action}/")
        assert answer["type"] == "array"


def test_schema_allows_an_undecided_gate_an_unresolved_ticket_and_no_evidence_link(
    client: Client, trust: Trust
) -> None:
    components = _schema(client, trust)["components"]["schemas"]

    blank = {"$ref": "#/components/schemas/BlankEnum"}
    assert blank in components["Gate"]["properties"]["decision"]["oneOf"]
    assert blank in components["Ticket"]["properties"]["resolution_type"]["oneOf"]
    link = components["Criterion"]["properties"]["evidence_link"]["oneOf"]
    assert {"type": "string", "maxLength": 0} in link
