"""Adoption figures: their names and definitions, registered once (``golive.definitions``).
Pages, exports, the API and board packs read them from the registry."""

from __future__ import annotations

from golive.definitions import register


def register_all() -> None:
    register(
        "adoption.active_users",
        "Active users per day",
        "Distinct people who recorded at least one EPR event that day in the areas shown "
        "(failed log-ins aside): someone active in two of the areas counts once, so the "
        "figure for several areas is not the sum of their figures.",
    )
    register(
        "adoption.share_active",
        "% of staff active per day",
        "People on the areas' staff lists, in post that day, who were active that day, as a "
        "share of everyone on those lists in post that day; needs the staff list to carry "
        "their EPR user ids.",
    )
