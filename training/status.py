"""Training's status in one sentence that holds every fact a reader weighs together: where
training stands against the plan today, when the current weekly rate reaches the target
(before or after go-live), and how many completions a week go-live needs.

Shown apart, those facts read as a contradiction ("Serious: 14.3 points behind" beside
"forecast 98.8% by go-live"): a slow start and a fast recent rate are both true. The
sentence is the one place that says so; the training page, the dashboard tile (and so the
board packs and programme exports) and the API all show it, and training alerts carry it.
"""

from __future__ import annotations

import datetime as dt
import math

from training import forecast
from training.selectors import Trajectory


def _percent(value: float) -> str:
    return f"{value:.1f}%"


def _date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def completions_needed(result: forecast.Forecast) -> int | None:
    """Completions a week needed to reach the target by go-live, in whole people (rounded
    up: 12.2 a week short is 13 a week to do); None once go-live has passed."""
    return None if result.weekly_needed is None else math.ceil(result.weekly_needed)


def _against_plan(trajectory: Trajectory, trained: float) -> str:
    planned = trajectory.planned_percent_today
    if planned is None:
        return f"{_percent(trained)} trained now (the plan does not reach back to today)"
    behind = round(planned - trained, 1)
    where = "Behind plan" if behind > 0 else "On plan" if behind == 0 else "Ahead of plan"
    return f"{where} now ({_percent(trained)} against {_percent(planned)} planned for today)"


def _relative_to_go_live(day: dt.date, go_live_on: dt.date) -> str:
    if day < go_live_on:
        return "before go-live"
    return "on go-live day" if day == go_live_on else "after go-live"


def _when_target(trajectory: Trajectory) -> str:
    result = trajectory.forecast
    target = f"{trajectory.plan.target_percent}%"
    reached = result.target_reached_on
    if result.target_met and reached is not None:
        return f"the {target} target was reached on {_date(reached)}"
    if result.weekly_rate is None:
        return f"no one has finished training yet, so no rate says when the {target} target is met"
    if reached is None:
        return (
            f"at the current rate ({result.weekly_rate:.1f} a week) the {target} target "
            "is never reached"
        )
    return (
        f"at the current rate ({result.weekly_rate:.1f} a week) the {target} target is "
        f"reached on {_date(reached)} ({_relative_to_go_live(reached, result.go_live_on)})"
    )


def _needed(result: forecast.Forecast) -> str | None:
    needed = completions_needed(result)
    if result.target_met or needed is None:
        return None
    return f"{needed} completion{'' if needed == 1 else 's'} a week needed to reach it by go-live"


def _after_go_live(trajectory: Trajectory, trained: float) -> str:
    """Once live, the plan and forecast are history: what go-live day held, and when (if
    ever) the target was reached, from every completion recorded since."""
    result = trajectory.forecast
    planned = forecast.planned_on(trajectory.planned, result.go_live_on)
    plan = "" if planned is None else f" against {_percent(planned)} planned"
    target = f"{trajectory.plan.target_percent}%"
    reached = next(
        (
            on
            for on, _ in trajectory.actual
            if forecast.cumulative_on(trajectory.actual, on) >= result.target
        ),
        None,
    )
    if reached is None:
        after = f"the {target} target has not been reached yet"
    else:
        after = (
            f"the {target} target was reached on {_date(reached)} "
            f"({_relative_to_go_live(reached, result.go_live_on)})"
        )
    return f"Went live with {_percent(trained)} trained{plan}; {after}."


def status_sentence(trajectory: Trajectory) -> str:
    """Training's status for ``trajectory``'s staff, in one sentence (see the module)."""
    result = trajectory.forecast
    trained = trajectory.actual_percent
    if trained is None:
        return "No one in scope has a required course yet, so training has no status."
    if result.as_of == result.go_live_on and trajectory.today > result.go_live_on:
        return _after_go_live(trajectory, trained)
    parts = [_against_plan(trajectory, trained), _when_target(trajectory), _needed(result)]
    return "; ".join(part for part in parts if part) + "."
