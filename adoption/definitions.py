"""Adoption figures: their names and definitions, registered once (``golive.definitions``).
Pages, exports, the API and board packs read them from the registry."""

from __future__ import annotations

from adoption.analytics import before_after, builtins, dip
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
    _comparison()
    # The built-in metrics, "Active users per day" (adoption.active_users) and "Share of
    # in-scope staff active" (adoption.share_active) among them: each defined in words
    # generated from its settings, so the text is what the figure computes.
    builtins.register_builtin_metrics()
    _register_dip()


def _comparison() -> None:
    """Before and after a change (``adoption.analytics.before_after``)."""
    register(
        "adoption.comparison.change",
        "Change before and after",
        "The metric's mean per day over the days after the change (once the settling days "
        "are over) minus its mean over the days before it, with a 95% confidence interval "
        "from Welch's t-test; as a %, against the mean before.",
    )
    register(
        "adoption.comparison.controls",
        "Control areas",
        "Areas the change did not touch, to tell the change's effect from what happened "
        "everywhere at the time: by default the areas of the same go-live that it did not "
        "touch and that have data, or the areas an analyst chooses; an area with data on "
        "fewer than half the days of either window is left out. Everyone asking the same "
        "question gets the same controls; when some are areas you cannot see, their figures "
        "are shown pooled, without names, and with fewer than "
        f"{before_after.FEWEST_POOLED} of them only the difference in differences (their "
        "average would be an area's own figures).",
    )
    register(
        "adoption.comparison.did",
        "Difference in differences",
        "The mean touched area's change minus the mean control area's change, in the metric's "
        "unit, over the days every area compared has data. It is a mean of levels, so big "
        "areas weigh more in it: an emergency department up 100 a day and three wards up 2 "
        "make the mean control area up 26.5 a day. The relative difference in differences is "
        "the one that counts each area once whatever its size. The 95% interval comes from "
        "the daily gap between the two, with Newey–West errors that allow for day-to-day "
        "correlation.",
    )
    register(
        "adoption.comparison.did_relative",
        "Relative difference in differences",
        "The mean of the touched areas' % changes minus the mean of the control areas' % "
        "changes, each area measured against its own mean before the change, in percentage "
        "points. Each area counts once whatever its size, so it is the figure shown first. "
        "Newey–West 95% interval, treating each area's mean before as fixed; areas with "
        "nothing before are left out.",
    )
    register(
        "adoption.comparison.segmented",
        "Segmented regression",
        "Straight-line trends fitted to the daily values before and after the change: the "
        "step at the end of the settling period and the change in the daily trend, with "
        "Newey–West errors that allow for correlation between nearby days (at least a week "
        "of lags, at most a quarter of the days).",
    )
    register(
        "adoption.comparison.permutation",
        "Permutation test",
        "How often shuffling the days between before and after gives a difference in means "
        "at least as large as the real one (two-sided). It treats days as interchangeable, "
        "so it ignores day-to-day correlation.",
    )


def _register_dip() -> None:
    tolerance = f"{dip.TOLERANCE:.0%}"
    weekday = (
        f"Each day is compared with the mean of the same weekday over the {dip.BASELINE_DAYS} "
        f"days before go-live ({dip.BASELINE_DAYS // 7} of each), so quieter weekends are not "
        "read as a dip; if a weekday has no data there, with the flat mean."
    )
    register(
        "adoption.dip.baseline",
        "Baseline events per day",
        f"EPR events per day (failed log-ins aside) over the {dip.BASELINE_DAYS} days before "
        "go-live, whatever dates the page shows; every dip and recovery figure is against it. "
        "Shown as the mean of all those days; each single day is compared with the mean of "
        f"its own weekday among them. Use before go-live counts only on at least "
        f"{dip.MIN_BASELINE_DAYS} days and at {dip.MIN_BASELINE_SHARE:.0%} or more of the "
        "mean use after go-live; otherwise (a first go-live, or only test events before "
        f"it) the steady state instead: the mean of the last {dip.BASELINE_DAYS} days of "
        f'data once there are {2 * dip.BASELINE_DAYS} days after go-live (marked "steady '
        'state").',
    )
    register(
        "adoption.dip.go_live_day",
        "Change on go-live day",
        "EPR events on the go-live day itself against a usual day of the same weekday "
        "before go-live: \u221228% means 28% fewer events.",
    )
    register(
        "adoption.dip.deepest_day",
        "Deepest day",
        "The day with the largest fall against the baseline between go-live and daily "
        f"recovery (or the {dip.FOLLOW_DAYS} days after go-live if not recovered), and which "
        f"day after go-live it was (day 0 is the go-live day). {weekday}",
    )
    register(
        "adoption.dip.deepest_week",
        "Deepest 7-day mean",
        f"The lowest mean of {dip.SMOOTHING} days running between go-live and its recovery "
        "against the baseline's flat mean (a week holds each weekday once), with the days "
        "it covers. Averaging flattens a sharp drop, so it reads shallower than the "
        "deepest day.",
    )
    register(
        "adoption.recovery.daily",
        "Recovered (daily)",
        f"The first day, from the start of the dip (the first day within "
        f"{dip.DIP_START_DAYS} days of go-live below {tolerance} of the baseline), from which "
        f"events stay at or above {tolerance} for {dip.HOLD_DAYS} days running, in days after "
        f'go-live. {weekday} "Not yet" until then; "No dip" if no day in the first '
        f"{dip.DIP_START_DAYS} fell below {tolerance}.",
    )
    register(
        "adoption.recovery.smoothed",
        "Recovered (7-day mean)",
        f"The first day, from the first full week after go-live (day {dip.SMOOTHING - 1}) and "
        f"from the first 7-day mean within {dip.DIP_START_DAYS} days of go-live below "
        f"{tolerance} of the baseline's flat mean, on which the mean of the last "
        f"{dip.SMOOTHING} days is back at or above {tolerance}, in days after go-live. It "
        "lags the daily figure: the mean still holds the low days.",
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
