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
    _register_feedback()


def _register_feedback() -> None:
    register(
        "adoption.feedback.net_experience_score",
        "Net experience score",
        "The percentage of answers that agree (4 or 5 of 5) minus the percentage that "
        "disagree (1 or 2), over every item of every counted response: from −100 to +100. "
        "Neutral answers count in the total but on neither side.",
    )
    register(
        "adoption.feedback.responses",
        "Responses",
        "Survey responses counted: one per person per survey per week (Monday to Sunday). "
        "A person is known only as the browser and page they answered from, never by name.",
    )
    register(
        "adoption.feedback.repeat_responses",
        "Repeat responses excluded",
        "Responses from a browser or page that had already answered the same survey that "
        "week: kept, but left out of every score, count and comment.",
    )
