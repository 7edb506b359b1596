"""The registry test's tools: swap every registered figure's name and definition for a
marker, render a page or export, and check the markers of the figures it shows are there.
A page that typed a figure's wording itself, or froze it into a module constant, shows the
old words instead of the marker and fails."""

from __future__ import annotations

import contextlib
import html
from collections.abc import Iterable, Iterator

from golive import definitions


def label_marker(key: str) -> str:
    return f"[label of {key}]"


def text_marker(key: str) -> str:
    return f"[definition of {key}]"


@contextlib.contextmanager
def registry_markers() -> Iterator[None]:
    """Within the block, every definition reads as its markers."""
    saved = dict(definitions._REGISTRY)
    definitions._REGISTRY.update(
        {key: definitions.Definition(key, label_marker(key), text_marker(key)) for key in saved}
    )
    try:
        yield
    finally:
        definitions._REGISTRY.clear()
        definitions._REGISTRY.update(saved)


def missing_wording(content: str, keys: Iterable[str], *, texts: bool = True) -> list[str]:
    """The markers of ``keys`` (names, and definitions unless ``texts`` is False) that the
    rendered ``content`` lacks."""
    shown = html.unescape(content)
    wanted = [label_marker(k) for k in keys] + ([text_marker(k) for k in keys] if texts else [])
    return [marker for marker in wanted if marker not in shown]
