"""Shapes the API fuzzing relies on: unmatched API URLs answer in the API's error shape, and
the schema lists each operation once (no format-suffix duplicates)."""

from __future__ import annotations

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
