"""The copy over the API: a dry run previews and creates nothing; a copy answers 201 with
the record; lists are scoped; refusals are structured; others are refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from administration.models import GoLiveCopy
from golive.models import GoLive

from .conftest import Source

URL = "/api/v1/go-live-copies/"


def _body(source: Source, **extra: Any) -> dict[str, Any]:
    day = source.go_live.user_go_live_date + dt.timedelta(days=91)
    return {"source": source.go_live.pk, "name": "Wave 3", "user_go_live_date": day.isoformat(),
            **extra}  # fmt: skip


@pytest.fixture
def pm_client(client: Client, source: Source) -> Client:
    client.force_login(source.trust.programme_manager)
    return client


def test_a_dry_run_previews_and_creates_nothing(pm_client: Client, source: Source) -> None:
    response = pm_client.post(URL, _body(source, dry_run=True), content_type="application/json")

    assert response.status_code == 200
    steps = {step["key"]: step for step in response.json()["steps"]}
    assert steps["readiness-milestones"]["count"] == 3
    assert response.json()["offset_days"] == 91
    assert not GoLive.objects.filter(name="Wave 3").exists()


def test_a_copy_answers_201_with_what_the_dry_run_listed(pm_client: Client, source: Source) -> None:
    preview = pm_client.post(URL, _body(source, dry_run=True), content_type="application/json")

    response = pm_client.post(URL, _body(source), content_type="application/json")

    assert response.status_code == 201
    assert response.json()["created"] == {
        step["key"]: step["items"] for step in preview.json()["steps"]
    }
    listed = pm_client.get(URL).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["target_name"] for row in rows] == ["Wave 3"]


def test_a_taken_name_is_a_structured_refusal(pm_client: Client, source: Source) -> None:
    response = pm_client.post(URL, _body(source, name="Wave 2"), content_type="application/json")

    assert response.status_code == 400
    assert response.json()["field_errors"] == [
        {
            "field": "name",
            "code": "name_taken",
            "message": "Another go-live of this programme already has this name.",
        }
    ]


@pytest.mark.parametrize("who", ["ward_manager", "executive"])
def test_ward_managers_and_executives_are_refused(client: Client, source: Source, who: str) -> None:
    client.force_login(getattr(source.trust, who))

    assert client.post(URL, _body(source), content_type="application/json").status_code == 403
    assert client.get(URL).status_code == 403
    assert not GoLiveCopy.objects.exists()
