"""Redis down is a cache miss, never an error page (issue 22, F6): the dashboards, the
desk's live board, sign-in and its throttling all carry on. A Redis that accepts connections
but never answers costs one timeout, then is left alone for a while (a circuit breaker)."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from golive import cache as golive_cache
from golive.cache import FaultTolerantRedisCache
from golive.models import Role
from tests import factories as f
from tests.conftest import Trust

CLOSED_PORT = "redis://127.0.0.1:1/0"
REDIS_DOWN = {
    "default": {"BACKEND": "golive.cache.FaultTolerantRedisCache", "LOCATION": CLOSED_PORT}
}


@pytest.fixture(autouse=True)
def _no_pause_left_from_another_test() -> Iterator[None]:
    golive_cache.skipping_until.clear()
    yield
    golive_cache.skipping_until.clear()


@pytest.fixture
def redis_down(settings: Any) -> None:
    settings.CACHES = REDIS_DOWN


class HungRedis:
    """A server that accepts connections and never answers, counting the connections: each
    is one attempt by a client, which then waits out its socket timeout."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self.server.getsockname()[1]}/0"
        self.connections: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        try:
            while True:
                self.connections.append(self.server.accept()[0])
        except OSError:  # closed at the end of the test
            return

    def cache_settings(self) -> dict[str, Any]:
        options = {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}
        return {"BACKEND": "golive.cache.FaultTolerantRedisCache", "LOCATION": self.url,
                "OPTIONS": options}  # fmt: skip

    def close(self) -> None:
        self.server.shutdown(socket.SHUT_RDWR)
        self.server.close()
        self.thread.join(5)
        for connection in self.connections:
            connection.close()


@pytest.fixture
def hung_redis() -> Iterator[HungRedis]:
    server = HungRedis()
    yield server
    server.close()


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
    assert "Cache unreachable during set" in caplog.text


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


def test_a_redis_that_never_answers_costs_one_timeout_then_is_skipped_for_a_while(
    hung_redis: HungRedis, caplog: pytest.LogCaptureFixture
) -> None:
    params = hung_redis.cache_settings()
    cache = FaultTolerantRedisCache(params["LOCATION"], params)

    with caplog.at_level(logging.WARNING, logger="golive.cache"):
        found = [cache.get(f"figure-{n}", "missing") for n in range(20)]
        cache.set("figure", 1)
        counted = cache.incr("counter")

    assert found == ["missing"] * 20
    assert counted == 1
    assert len(hung_redis.connections) <= 1
    assert caplog.text.count("Cache unreachable") == 1


def test_the_pause_is_shared_by_every_cache_object_of_the_process(hung_redis: HungRedis) -> None:
    params = hung_redis.cache_settings()
    FaultTolerantRedisCache(params["LOCATION"], params).get("figure")

    for _ in range(5):  # as each thread of a server gets its own cache object
        FaultTolerantRedisCache(params["LOCATION"], params).get("figure")

    assert len(hung_redis.connections) == 1


def test_once_the_pause_is_over_redis_is_tried_again(
    hung_redis: HungRedis, monkeypatch: pytest.MonkeyPatch
) -> None:
    params = hung_redis.cache_settings()
    cache = FaultTolerantRedisCache(params["LOCATION"], params)
    now = [1000.0]
    monkeypatch.setattr(golive_cache, "monotonic", lambda: now[0])
    cache.get("figure")
    cache.get("figure")
    tried_during_pause = len(hung_redis.connections)

    now[0] += golive_cache.SKIP_SECONDS + 1
    cache.get("figure")

    assert tried_during_pause == 1
    assert len(hung_redis.connections) == 2


def test_sign_in_fails_open_and_waits_on_redis_at_most_once_while_redis_hangs(
    client: Client, trust: Trust, settings: Any, hung_redis: HungRedis
) -> None:
    settings.CACHES = {"default": hung_redis.cache_settings()}
    settings.LOGIN_GLOBAL_FAILURE_LIMIT = 1  # fails open: the count reads zero
    failed = [
        client.post("/accounts/login/", {"username": "pm", "password": "wrong"}).status_code
        for _ in range(3)
    ]
    signed_in = client.post(
        "/accounts/login/", {"username": "pm", "password": "correct-horse-battery"}
    )

    assert failed == [200] * 3
    assert signed_in.status_code == 302
    assert len(hung_redis.connections) <= 1
