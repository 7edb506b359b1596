"""Training figures: their names and definitions, registered once (``golive.definitions``)."""

from __future__ import annotations

from golive.definitions import register


def register_all() -> None:
    _register_confidence()


def _register_confidence() -> None:
    register(
        "training.confidence.not_ready_share",
        "Not ready (1 or 2)",
        "The share of the group's respondents who scored 1 or 2 out of 5 for how ready they "
        "feel. Of the people who answered a confidence check, not of all the group's staff.",
    )
    register(
        "training.confidence.low",
        "Low confidence",
        "A group whose respondents average under 3 out of 5, or where 30% or more of "
        "respondents (people who answered, not all staff) scored 1 or 2.",
    )
