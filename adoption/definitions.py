"""Adoption figures: their names and definitions, registered once (``golive.definitions``).
Pages, exports, the API and board packs read them from the registry."""

from __future__ import annotations

from adoption.analytics import builtins


def register_all() -> None:
    # The built-in metrics, "Active users per day" (adoption.active_users) and "Share of
    # in-scope staff active" (adoption.share_active) among them: each defined in words
    # generated from its settings, so the text is what the figure computes.
    builtins.register_builtin_metrics()
