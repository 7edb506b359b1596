"""Weighted readiness scores. Pure: no database.

Each criterion earns a share of its weight by status: green all of it, amber half, red and
not-yet-assessed none. A score is earned weight over total weight, as a percentage. Sites and
go-lives pool their criteria (a site with more criteria counts for more), rather than
averaging area scores, so one small area cannot outweigh a large one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

RAG_CREDIT = {"green": 1.0, "amber": 0.5, "red": 0.0, "not_assessed": 0.0}
EXPLANATION = (
    "Each criterion has a weight from 1 to 10. Green earns its full weight, amber half, red "
    "and not assessed nothing. The score is the weight earned as a share of the total weight; "
    "site and go-live scores pool all their areas' criteria."
)


@dataclass(frozen=True)
class Scored:
    weight: int
    rag: str


@dataclass(frozen=True)
class Score:
    earned: float
    total: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.earned / self.total, 1) if self.total else None


def score(items: Iterable[Scored]) -> Score:
    earned = 0.0
    total = 0
    for item in items:
        earned += item.weight * RAG_CREDIT[item.rag]
        total += item.weight
    return Score(earned=earned, total=total)


def worst_rag(rags: Iterable[str]) -> str:
    """The cell status of a group of criteria: the worst one, not assessed counting as worst
    only when nothing else is known."""
    seen = set(rags)
    for rag in ("red", "amber", "not_assessed", "green"):
        if rag in seen:
            return rag
    return "not_assessed"
