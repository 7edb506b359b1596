"""Adoption figures: their names and definitions, registered once (``golive.definitions``).
Pages, exports, the API and board packs read them from the registry."""

from __future__ import annotations

from adoption.analytics import dip
from golive.definitions import register

# The figures of the go-live dip and the recovery from it, in the order they are shown.
DIP_KEYS = (
    "adoption.dip.baseline",
    "adoption.dip.go_live_day",
    "adoption.dip.deepest_day",
    "adoption.dip.deepest_week",
    "adoption.recovery.daily",
    "adoption.recovery.smoothed",
)


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
    _register_dip()


def _register_dip() -> None:
    tolerance = f"{dip.TOLERANCE:.0%}"
    register(
        "adoption.dip.baseline",
        "Baseline events per day",
        f"EPR events per day (failed log-ins aside) over the {dip.BASELINE_DAYS} days before "
        "go-live, whatever dates the page shows; every dip and recovery figure is against it. "
        "For a first go-live, with no use before it, the steady state instead: the mean of "
        f"the last {dip.BASELINE_DAYS} days of data once there are "
        f'{2 * dip.BASELINE_DAYS} days after go-live (marked "steady state").',
    )
    register(
        "adoption.dip.go_live_day",
        "Change on go-live day",
        "EPR events on the go-live day itself against the baseline: \u221228% means 28% "
        "fewer events than a usual day before go-live.",
    )
    register(
        "adoption.dip.deepest_day",
        "Deepest day",
        f"The single day in the {dip.FOLLOW_DAYS} days after go-live with the fewest "
        "events, against the baseline, and which day after go-live it was (day 0 is the "
        "go-live day).",
    )
    register(
        "adoption.dip.deepest_week",
        "Deepest 7-day mean",
        f"The lowest mean of {dip.SMOOTHING} days running after go-live against the baseline, "
        "with the days it covers. Averaging flattens a sharp drop, so it reads shallower "
        "than the deepest day.",
    )
    register(
        "adoption.recovery.daily",
        "Recovered (daily)",
        f"The first day after the deepest day from which events stay at or above {tolerance} "
        f"of the baseline for {dip.HOLD_DAYS} days running, in days after go-live. "
        f'"Not yet" until then; "No dip" if no day fell below {tolerance}.',
    )
    register(
        "adoption.recovery.smoothed",
        "Recovered (7-day mean)",
        f"The first day after the deepest 7-day mean on which the mean of the last "
        f"{dip.SMOOTHING} days is back at or above {tolerance} of the baseline, in days "
        "after go-live. It lags the daily figure: the mean still holds the low days.",
    )
