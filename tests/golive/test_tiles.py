"""The core shows the tiles apps register, in their declared order (golive/tiles.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from golive import tiles
from golive.tiles import Tile, go_live_tiles, register_tile


@pytest.fixture
def no_tiles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tiles, "_tiles", {})


def _source(title: str) -> Any:
    return lambda access, go_live, today: Tile(title, "1", "one", "/")


@pytest.mark.usefixtures("no_tiles")
def test_tiles_come_in_their_declared_order_whatever_order_apps_registered_them() -> None:
    register_tile("b", _source("Second"), order=20)
    register_tile("a", _source("First"), order=10)

    shown = go_live_tiles(None, None, today=dt.date(2026, 1, 1))  # type: ignore[arg-type]

    assert [tile.title for tile in shown] == ["First", "Second"]


@pytest.mark.usefixtures("no_tiles")
def test_registering_a_tile_again_replaces_it() -> None:
    register_tile("a", _source("Old"), order=10)
    register_tile("a", _source("New"), order=10)

    shown = go_live_tiles(None, None, today=dt.date(2026, 1, 1))  # type: ignore[arg-type]

    assert [tile.title for tile in shown] == ["New"]


def test_every_section_registers_its_tile_in_order() -> None:
    assert [key for key, _ in sorted(tiles._tiles.items(), key=lambda kv: kv[1].order)] == [
        "readiness",
        "training",
        "support",
    ]
