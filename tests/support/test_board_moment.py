"""The live board's replay moment (issue 22, F7: ``?at=0001-01-01T00:00`` was a 500)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.conftest import DeskTrust


@pytest.mark.parametrize(
    "at", ["0001-01-01T00:00", "0001-01-01 00:00", "9999-12-31T23:59", "1999-12-31T23:59"]
)
def test_the_board_refuses_a_moment_outside_2000_to_2100_with_a_field_message(
    desk: DeskTrust, use_wave_1: Any, at: str
) -> None:
    client = use_wave_1(desk.agent)

    response = client.get("/support/board/", {"at": at})

    assert response.status_code == 200
    assert response.context["replay"] is False
    assert "Enter a date between 2000 and 2100." in response.content.decode()


def test_the_board_still_replays_a_moment_inside_the_range(
    desk: DeskTrust, use_wave_1: Any
) -> None:
    client = use_wave_1(desk.agent)

    response = client.get("/support/board/", {"at": "2026-03-02T10:00"})

    assert response.status_code == 200
    assert response.context["replay"] is True
