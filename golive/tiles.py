"""The go-live at a glance: one tile per section (readiness, training, service desk), for the
dashboards. The core knows no section: each app registers its tile in ``AppConfig.ready``
(``register_tile``), computing its figure from its own selectors, scoped to what the user may
see, so a ward manager's tiles cover their areas only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from golive.access import Access
from golive.models import GoLive


@dataclass(frozen=True)
class Tile:
    title: str
    figure: str  # the headline, e.g. "63%"
    detail: str  # what the figure means, in words
    url: str


TileSource = Callable[[Access, GoLive, dt.date], Tile]


@dataclass(frozen=True)
class _Registered:
    order: int
    source: TileSource


_tiles: dict[str, _Registered] = {}


def register_tile(key: str, source: TileSource, *, order: int) -> None:
    """Show ``source``'s tile on every go-live, in ``order`` (lowest first). Registering the
    same key again replaces it, so an app's ``ready`` may run more than once."""
    _tiles[key] = _Registered(order, source)


def percent_figure(value: float | None) -> str:
    return "–" if value is None else f"{value:g}%"


def go_live_tiles(access: Access, go_live: GoLive, *, today: dt.date) -> list[Tile]:
    ordered = sorted(_tiles.values(), key=lambda registered: registered.order)
    return [registered.source(access, go_live, today) for registered in ordered]
