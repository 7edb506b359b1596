"""Sign-in throttling across accounts (issue 22, F4): per address, installation-wide, and
the per-(username, address) lock-out kept; on the sign-in page, behind a proxy and on the
API's HTTP Basic sign-in."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client
from django.utils import timezone

from golive.client_address import sign_in_address
from golive.tasks import prune_sign_in_failure_log
from tests import factories as f
from tests.conftest import Trust

LOGIN = "/accounts/login/"
SPRAYER = "203.0.113.7"
COLLEAGUE = "198.51.100.20"
RIGHT = "correct-horse-battery"


def sign_in(client: Client, username: str, password: str, address: str, **extra: Any) -> Any:
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def spray(client: Client, usernames: list[str], address: str, **extra: Any) -> list[int]:
    return [
        sign_in(client, name, "Summer2025!", address, **extra).status_code for name in usernames
    ]


def test_spraying_one_password_across_forty_accounts_is_refused_after_the_address_limit(
    client: Client, trust: Trust
) -> None:
    usernames = [f.UserFactory(username=f"user{n}").username for n in range(40)]

    statuses = spray(client, usernames, SPRAYER)

    assert statuses[:29] == [200] * 29  # "incorrect username or password"
    assert statuses[29:] == [429] * 11


def test_an_address_over_its_limit_is_refused_even_with_a_right_password(
    client: Client, trust: Trust, settings: Any
) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    spray(client, ["a", "b", "c"], SPRAYER)

    response = sign_in(client, "pm", RIGHT, SPRAYER)

    assert response.status_code == 429
    assert "signing in from this network address is paused" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_after_a_spray_a_colleague_at_another_address_still_signs_in(
    client: Client, trust: Trust, settings: Any
) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    spray(client, ["pm", "wm", "exec", "champ"], SPRAYER)

    response = sign_in(Client(), "pm", RIGHT, COLLEAGUE)

    assert response.status_code == 302


def test_signing_in_to_ones_own_account_does_not_reset_the_address_count(
    client: Client, trust: Trust, settings: Any
) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    spray(client, ["pm", "exec", "champ"], SPRAYER)
    assert sign_in(Client(), "wm", RIGHT, SPRAYER).status_code == 302

    assert spray(client, ["outsider"], SPRAYER) == [429]


def test_a_strangers_failures_lock_a_user_out_only_from_the_strangers_address(
    client: Client, trust: Trust
) -> None:
    for _ in range(5):
        sign_in(client, "pm", "wrong", SPRAYER)

    from_stranger = sign_in(Client(), "pm", RIGHT, SPRAYER)
    from_own_desk = sign_in(Client(), "pm", RIGHT, COLLEAGUE)

    assert from_stranger.status_code == 429
    assert "signing in to this account from this device is paused" in (
        from_stranger.content.decode()
    )
    assert from_own_desk.status_code == 302


def test_above_the_installation_wide_rate_every_sign_in_is_paused_with_a_clear_message(
    trust: Trust, settings: Any
) -> None:
    settings.LOGIN_GLOBAL_FAILURE_LIMIT = 5
    for n in range(5):
        sign_in(Client(), f"nobody{n}", "guess", f"192.0.2.{n + 1}")

    response = sign_in(Client(), "pm", RIGHT, COLLEAGUE)

    assert response.status_code == 429
    assert "paused briefly for everyone" in response.content.decode()
    assert response["Retry-After"] == "120"


def test_attempts_refused_by_the_installation_wide_pause_are_not_counted_against_the_user(
    trust: Trust, settings: Any
) -> None:
    settings.LOGIN_GLOBAL_FAILURE_LIMIT = 2
    for n in range(2):
        sign_in(Client(), f"nobody{n}", "guess", f"192.0.2.{n + 1}")
    for _ in range(6):
        sign_in(Client(), "pm", RIGHT, COLLEAGUE)

    assert not AccessFailureLog.objects.filter(username="pm").exists()


def _window_passes(settings: Any, **only: Any) -> None:
    """Age failures (all, or those matching ``only``) past the per-address window."""
    past = timezone.now() - dt.timedelta(minutes=settings.LOGIN_ADDRESS_WINDOW_MINUTES + 1)
    AccessFailureLog.objects.filter(**only).update(attempt_time=past)


def test_attempts_refused_by_an_address_lock_do_not_extend_it(trust: Trust, settings: Any) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    spray(Client(), ["a", "b", "c"], SPRAYER)
    refused = [sign_in(Client(), "pm", RIGHT, SPRAYER).status_code for _ in range(6)]
    _window_passes(settings, username__in=["a", "b", "c"])  # the spray's failures age out

    after = sign_in(Client(), "wm", RIGHT, SPRAYER)

    assert refused == [429] * 6
    assert after.status_code == 302
    assert AccessFailureLog.objects.filter(ip_address=SPRAYER).count() == 3


def test_a_user_refused_by_an_address_lock_is_not_locked_out_of_their_account_when_it_lifts(
    trust: Trust, settings: Any
) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    spray(Client(), ["a", "b", "c"], SPRAYER)
    for _ in range(6):
        sign_in(Client(), "pm", RIGHT, SPRAYER)
    _window_passes(settings)

    assert sign_in(Client(), "pm", RIGHT, SPRAYER).status_code == 302


def test_retrying_during_an_account_lock_out_neither_counts_nor_restarts_it(
    trust: Trust,
) -> None:
    for _ in range(5):
        sign_in(Client(), "pm", "wrong", SPRAYER)
    locked = AccessAttempt.objects.get(username="pm")
    retries = [sign_in(Client(), "pm", RIGHT, SPRAYER).status_code for _ in range(3)]

    after = AccessAttempt.objects.get(username="pm")
    assert retries == [429] * 3
    assert (after.failures_since_start, after.attempt_time) == (5, locked.attempt_time)
    assert AccessFailureLog.objects.filter(username="pm").count() == 5


NETWORK = "2001:db8:1:2"


def test_rotating_ipv6_addresses_within_one_slash_64_does_not_dodge_the_address_limit(
    trust: Trust, settings: Any
) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3

    statuses = [
        sign_in(Client(), f"user{n}", "guess", f"{NETWORK}:{n:x}:9a3f:e11:{n + 7:x}").status_code
        for n in range(4)
    ]

    assert statuses == [200, 200, 429, 429]
    assert set(AccessFailureLog.objects.values_list("ip_address", flat=True)) == {f"{NETWORK}::"}


def test_a_neighbouring_ipv6_network_is_not_refused_with_a_sprayers_slash_64(
    trust: Trust, settings: Any
) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    spray(Client(), ["a", "b", "c"], f"{NETWORK}::1")

    assert sign_in(Client(), "pm", RIGHT, "2001:db8:1:3::1").status_code == 302


def test_the_account_lock_out_also_counts_an_ipv6_client_by_its_slash_64(
    trust: Trust,
) -> None:
    for n in range(5):
        sign_in(Client(), "pm", "wrong", f"{NETWORK}::{n + 1:x}")

    response = sign_in(Client(), "pm", RIGHT, f"{NETWORK}::ff")

    assert response.status_code == 429
    assert "this account from this device" in response.content.decode()


@pytest.mark.parametrize(
    ("seen", "counted"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::"),
        ("2001:0DB8:0000:0000:0001:0002:0003:0004", "2001:db8::"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
    ],
)
def test_sign_in_throttling_counts_ipv4_addresses_whole_and_ipv6_by_slash_64(
    seen: str, counted: str
) -> None:
    assert sign_in_address(seen) == counted


def test_behind_a_proxy_a_forged_forwarded_for_does_not_dodge_the_address_limit(
    client: Client, trust: Trust, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    statuses = [
        sign_in(
            client,
            f"user{n}",
            "guess",
            "10.0.0.1",  # the proxy
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, {SPRAYER}",  # forged, then what the proxy saw
        ).status_code
        for n in range(4)
    ]
    colleague = sign_in(Client(), "pm", RIGHT, "10.0.0.1", HTTP_X_FORWARDED_FOR=COLLEAGUE)

    assert statuses == [200, 200, 429, 429]
    assert colleague.status_code == 302
    assert set(AccessFailureLog.objects.values_list("ip_address", flat=True)) == {SPRAYER}


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def test_api_basic_sign_in_is_locked_out_with_a_structured_429(trust: Trust) -> None:
    api = Client()
    for _ in range(5):
        api.get("/api/v1/areas/", HTTP_AUTHORIZATION=basic("pm", "wrong"), REMOTE_ADDR=SPRAYER)

    response = api.get("/api/v1/areas/", HTTP_AUTHORIZATION=basic("pm", RIGHT), REMOTE_ADDR=SPRAYER)

    assert response.status_code == 429
    assert response.json()["code"] == "sign_in_throttled"
    assert int(response["Retry-After"]) > 0


def test_api_basic_failures_count_towards_the_address_limit_of_the_sign_in_page(
    client: Client, trust: Trust, settings: Any
) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    for name in ["a", "b", "c"]:
        Client().get("/api/v1/areas/", HTTP_AUTHORIZATION=basic(name, "x"), REMOTE_ADDR=SPRAYER)

    assert sign_in(client, "pm", RIGHT, SPRAYER).status_code == 429


def test_the_schema_documents_the_sign_in_throttled_response_on_every_operation(
    client: Client, trust: Trust
) -> None:
    client.force_login(trust.programme_manager)
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]

    undocumented = [
        (path, method)
        for path, operations in paths.items()
        for method, operation in operations.items()
        if "429" not in operation["responses"]
    ]

    assert paths
    assert undocumented == []


def test_failed_sign_ins_older_than_the_retention_are_pruned(trust: Trust) -> None:
    spray(Client(), ["a", "b"], SPRAYER)
    AccessFailureLog.objects.filter(username="a").update(
        attempt_time=timezone.now() - dt.timedelta(days=31)
    )

    prune_sign_in_failure_log()
    prune_sign_in_failure_log()

    assert list(AccessFailureLog.objects.values_list("username", flat=True)) == ["b"]
