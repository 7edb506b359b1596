"""Redis down is a cache miss, never an error page (issue 22, F6): the dashboards, the
desk's live board, sign-in and its throttling all carry on, each cache call logging one
warning line."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from golive.cache import FaultTolerantRedisCache
from golive.models import Role
from tests import factories as f
from tests.conftest import Trust

CLOSED_PORT = "redis://127.0.0.1:1/0"
REDIS_DOWN = {
    "default": {"BACKEND": "golive.cache.FaultTolerantRedisCache", "LOCATION": CLOSED_PORT}
}


@pytest.fixture
def redis_down(settings: Any) -> None:
    settings.CACHES = REDIS_DOWN


def test_with_redis_configured_the_cache_is_the_fault_tolerant_one(settings: Any) -> None:
    assert settings.CACHES["default"]["BACKEND"] == "golive.cache.FaultTolerantRedisCache"


def test_an_unreachable_redis_reads_as_a_miss_and_drops_writes_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cache = FaultTolerantRedisCache(CLOSED_PORT, {})

    with caplog.at_level(logging.WARNING, logger="golive.cache"):
        cache.set("key", 1)
        found = cache.get("key", "missing")
        counted = cache.incr("counter")

    assert (found, counted) == ("missing", 1)
    assert "Cache unreachable during get" in caplog.text


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.usefixtures("redis_down")
def test_adoption_dashboard_answers_while_redis_is_down(trust: Trust) -> None:
    for user in (trust.ward_manager, trust.programme_manager):
        assert _signed_in(user).get("/adoption/dashboard/").status_code == 200


@pytest.mark.usefixtures("redis_down")
def test_programme_home_and_dashboard_answer_while_redis_is_down(trust: Trust) -> None:
    assert _signed_in(trust.programme_manager).get("/").status_code == 200
    assert _signed_in(trust.executive).get("/adoption/programme/").status_code == 200


@pytest.mark.usefixtures("redis_down")
def test_desk_live_board_answers_while_redis_is_down(trust: Trust) -> None:
    agent = f.UserFactory(username="agent")
    f.grant(agent, Role.SERVICE_DESK_AGENT, trust.programme)

    assert _signed_in(agent).get("/support/board/").status_code == 200


@pytest.mark.usefixtures("redis_down")
def test_sign_in_and_its_throttling_work_while_redis_is_down(
    client: Client, trust: Trust, settings: Any
) -> None:
    settings.LOGIN_GLOBAL_FAILURE_LIMIT = 1  # fails open: the count reads zero
    failed = client.post("/accounts/login/", {"username": "pm", "password": "wrong"})
    signed_in = client.post(
        "/accounts/login/", {"username": "pm", "password": "correct-horse-battery"}
    )

    assert failed.status_code == 200
    assert signed_in.status_code == 302
