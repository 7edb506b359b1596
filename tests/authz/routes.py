"""Every named route the URL resolver knows, found by walking it (nothing listed by hand)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

# Django's admin is covered by tests/golive/test_admin.py (superusers only); the matrix
# exercises its index as a representative and skips its many generated routes.
ADMIN_PREFIX = "admin/"
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Route:
    name: str  # qualified: "namespace:name"
    pattern: str  # the full route, e.g. "support/tickets/<int:pk>/"
    kwargs: tuple[str, ...]  # URL parameters the route needs
    view: Any  # the resolved callback
    api: bool  # served by Django REST framework

    @property
    def viewset_methods(self) -> frozenset[str] | None:
        """The HTTP methods a DRF router mapped onto this route, if it is a viewset's."""
        actions: dict[str, str] | None = getattr(self.view, "actions", None)
        return frozenset(method.upper() for method in actions) if actions else None


def _walk(
    patterns: Sequence[URLPattern | URLResolver], prefix: str, namespace: str
) -> Iterator[tuple[str | None, str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        else:
            name = f"{namespace}{entry.name}" if entry.name else None
            yield name, prefix + str(entry.pattern), entry


def all_routes() -> tuple[dict[str, Route], list[str]]:
    """Named routes by name, and the patterns of unnamed ones outside the admin (which the
    matrix cannot list, so a test asks for a name)."""
    routes: dict[str, Route] = {}
    unnamed: list[str] = []
    for name, pattern, entry in _walk(get_resolver().url_patterns, "", ""):
        if pattern.startswith(ADMIN_PREFIX) and name != "admin:index":
            continue
        if name is None:
            unnamed.append(pattern)
            continue
        if "<drf_format_suffix:format>" in pattern or name in routes:
            # DRF's ".json" twin of a route already listed: same view, same checks.
            continue
        view = entry.callback
        routes[name] = Route(
            name=name,
            pattern=pattern,
            kwargs=tuple(entry.pattern.converters),
            view=view,
            api=(hasattr(view, "cls") and getattr(view, "initkwargs", None) is not None)
            or pattern.startswith("api/"),
        )
    return routes, unnamed
