"""Service desk and champion figures: their names and definitions, registered once
(``golive.definitions``)."""

from __future__ import annotations


def register_all() -> None:
    """Nothing yet: the desk's figures are registered as their pages adopt the registry."""
