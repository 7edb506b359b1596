"""Read-only users (executives) are refused every unsafe request, whatever the view does
first; their own session and public surveys stay open to them."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import Trust


@pytest.mark.parametrize(
    "path",
    ["/readiness/comms/", "/training/alerts/check/", "/support/log/", "/adoption/metrics/new/"],
)
def test_executive_is_refused_a_post_before_any_form_is_read(
    client: Client, trust: Trust, path: str
) -> None:
    client.force_login(trust.executive)

    assert client.post(path, {}).status_code == 403


def test_executive_may_still_choose_which_go_live_to_look_at(client: Client, trust: Trust) -> None:
    client.force_login(trust.executive)

    response = client.post("/go-live/switch/", {"go_live": trust.wave_1.pk})

    assert response.status_code == 302


def test_a_user_who_may_write_reaches_the_form(client: Client, trust: Trust) -> None:
    client.force_login(trust.champion)

    # An empty quick log re-renders with field messages: the request got to the view.
    assert client.post("/support/log/", {}).status_code == 200
