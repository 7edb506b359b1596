"""One text per figure: what each figure Golive shows is called, and how it is computed.

Pages, exports, the API and board packs take a figure's name and definition from here,
never from a copy: the same figure once read "summed over the areas" on one page and
"counts once" on another. Apps register their figures in their own ``definitions`` module
(imported by their ``AppConfig.ready``). Read a definition when rendering, never into a
module constant, so that what is shown is always what is registered (the registry test
swaps every text for a marker and looks for the markers on the pages).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Definition:
    key: str  # dotted and stable: "adoption.dip.go_live_day"
    label: str  # what the figure is called wherever it is shown
    text: str  # one or two sentences: how it is computed, in the reader's words


_REGISTRY: dict[str, Definition] = {}


def register(key: str, label: str, text: str) -> Definition:
    """Add a figure's definition. Registering the same key twice with other words is a
    programming error: two texts for one figure is what the registry exists to prevent."""
    definition = Definition(key, label, text)
    existing = _REGISTRY.get(key)
    if existing is not None and existing != definition:
        raise ValueError(f"The figure {key!r} is already defined with other words.")
    _REGISTRY[key] = definition
    return definition


def get(key: str) -> Definition:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise KeyError(f"No figure {key!r} is defined: register it first.") from None


def label(key: str) -> str:
    return get(key).label


def text(key: str) -> str:
    return get(key).text


def all_definitions() -> list[Definition]:
    return sorted(_REGISTRY.values(), key=lambda d: d.key)


def notes(keys: Iterable[str]) -> list[str]:
    """ "Label: definition" lines for an export's notes or a board pack's glossary, in the
    order given, each once."""
    seen: dict[str, None] = dict.fromkeys(keys)
    return [f"{get(key).label}: {get(key).text}" for key in seen]
