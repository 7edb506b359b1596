"""Training figures: their names and definitions, registered once (``golive.definitions``).
Pages, the dashboard tile, exports and the API read them from the registry."""

from __future__ import annotations

from golive.definitions import register


def register_all() -> None:
    _register_confidence()
    register(
        "training.trained",
        "Trained now",
        "People in scope who have completed every course their role group must do for this "
        "go-live, as a share of everyone in scope with at least one required course, "
        "counted today (new starters included).",
    )
    register(
        "training.trained_at_go_live",
        "Trained on go-live day",
        "The same share counted at the end of go-live day: people who had finished their "
        "last required course by then, of everyone in scope who must train today. Once live, "
        "the plan, the forecast and the status are measured against this figure.",
    )
    register(
        "training.forecast_at_go_live",
        "Forecast at go-live",
        "How many will be trained by go-live if the mean number newly trained a week over "
        "the last six weeks carries on from today's number, with an 80% prediction interval.",
    )
    register(
        "training.weekly_needed",
        "Needed each week",
        "Completions a week from today to go-live that reach the target; a completion is "
        "one person finishing the last of their required courses.",
    )
    register(
        "training.status",
        "Training status",
        "Where training stands against the planned trajectory today, when the current "
        "weekly rate reaches the target (before or after go-live), and the completions a "
        "week needed to reach it by go-live, in one sentence: behind plan today and on "
        "course for the target can both be true.",
    )


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
