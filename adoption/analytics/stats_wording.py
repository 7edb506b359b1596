"""Statistics as people write them: "p < 0.001" rather than "p = 0.000", a true minus sign,
as many decimals as the figure needs and no more, the same decimals for an estimate and its
interval, and "no clear change" for a change that rounds to nothing and may be nothing,
rather than "rose 0% (95% CI −1% to 1%)". Pure functions, no Django, and the summary
sentence of a before/after comparison built from them."""

from __future__ import annotations

from collections.abc import Sequence

from adoption.analytics.comparison import (
    SIGNIFICANCE,
    Comparison,
    DifferenceInDifferences,
)

MINUS = "\N{MINUS SIGN}"
MOST_DECIMALS = 3


def p_value(p: float) -> str:
    """ "p < 0.001" below a thousandth, three decimals below 0.1 (so 0.049 is not shown as
    0.05, on the wrong side of the usual threshold), two above, "p > 0.99" at the top."""
    if p < 0.001:
        return "p < 0.001"
    if round(p, 3) < 0.1:
        places = 3
        # 0.0499 is not "p = 0.050": keep it on its side of the usual threshold.
        while (round(p, places) < SIGNIFICANCE) != (p < SIGNIFICANCE):
            places += 1
        return f"p = {p:.{places}f}"
    if p > 0.99:
        return "p > 0.99"
    return f"p = {p:.2f}"


def decimals(values: Sequence[float], *, least: int) -> int:
    """The fewest decimals, at least ``least``, at which every non-zero value keeps a
    non-zero digit and different values still read differently (at most three)."""
    for places in range(least, MOST_DECIMALS + 1):
        shown = [round(v, places) for v in values]
        keeps_digits = all(s != 0 for v, s in zip(values, shown, strict=True) if v != 0)
        if keeps_digits and len(set(shown)) == len(set(values)):
            return places
    return MOST_DECIMALS


def base_decimals(value: float) -> int:
    """Decimals a figure of this size is shown with: none from 100, one from 1, two below."""
    return 0 if abs(value) >= 100 else 1 if abs(value) >= 1 else 2


def fixed(value: float, places: int, *, sign: bool = False) -> str:
    """``value`` to ``places`` decimals with thousands separators and a true minus sign;
    ``sign`` adds "+" to positive values. Never "−0"."""
    text = f"{abs(value):,.{places}f}"
    if float(text.replace(",", "")) == 0:
        return text
    if value < 0:
        return MINUS + text
    return f"+{text}" if sign else text


def number(value: float) -> str:
    """A single figure (a daily mean): whole numbers from 100, one decimal from 1, two
    below, more when that would show a non-zero value as 0."""
    return fixed(value, decimals([value], least=base_decimals(value)))


def interval(low: float, high: float, *, unit: str = "", least: int = 0) -> str:
    """ "95% CI 9% to 27%": both ends at the decimals that tell them apart."""
    places = decimals([low, high], least=least)
    return f"95% CI {fixed(low, places)}{unit} to {fixed(high, places)}{unit}"


def change_phrase(
    value: float, low: float | None, high: float | None, *, unit: str = "%", least: int = 0
) -> str:
    """ "rose 18% (95% CI 9% to 27%)", "fell 1.4% (95% CI −2.6% to −0.2%)", "rose by 12.0
    per day (95% CI 4.5 to 19.5)", or "showed no clear change (95% CI −1% to 2%)" when the
    change rounds to nothing and its interval includes nothing. ``unit`` is "%" or a unit
    written once after the size (" per day")."""
    percent = unit == "%"
    ends_unit = unit if percent else ""
    direction = ("rose" if value > 0 else "fell") + ("" if percent else " by")
    if low is None or high is None:
        if round(value, least) == 0:
            return "showed no clear change"
        return f"{direction} {fixed(abs(value), decimals([value], least=least))}{unit}"
    if round(value, least) == 0 and low <= 0 <= high:
        return f"showed no clear change ({interval(low, high, unit=ends_unit, least=least)})"
    places = decimals([value, low, high], least=least)
    ends = f"{fixed(low, places)}{ends_unit} to {fixed(high, places)}{ends_unit}"
    return f"{direction} {fixed(abs(value), places)}{unit} (95% CI {ends})"


def signed_estimate(value: float, low: float, high: float, *, unit: str = "") -> str:
    """ "+16 percentage points (95% CI +9 to +23)": a difference, signed, and its interval
    at the same decimals."""
    places = decimals([value, low, high], least=0)
    return (
        f"{fixed(value, places, sign=True)}{unit} (95% CI {fixed(low, places, sign=True)} to "
        f"{fixed(high, places, sign=True)})"
    )


# The summary sentence.


def _when(comparison: Comparison) -> str:
    return f"{comparison.marker.day} {comparison.marker:%B %Y}"


def _headline(comparison: Comparison, unit: str) -> str:
    change = comparison.change
    if change.percent is not None:
        return change_phrase(change.percent, change.percent_low, change.percent_high)
    least = base_decimals(max(abs(change.absolute), abs(change.before.value)))
    return change_phrase(change.absolute, change.low, change.high, unit=f" {unit}", least=least)


def _against_controls(did: DifferenceInDifferences, controls: str) -> str:
    relative = did.relative
    if relative is None or did.control_percent is None:
        estimate = did.absolute
        return (
            f" Against {controls}, the difference in differences is "
            f"{signed_estimate(estimate.value, estimate.low, estimate.high)}."
        )
    movement = change_phrase(did.control_percent, None, None)
    if round(relative.value) == 0 and relative.low <= 0 <= relative.high:
        verdict = (
            "there is no clear difference from them "
            f"({interval(relative.low, relative.high, unit=' percentage points')})"
        )
    else:
        verdict = "the difference in differences is " + signed_estimate(
            relative.value, relative.low, relative.high, unit=" percentage points"
        )
    return f" In {controls} the metric {movement}, so {verdict}."


def summary(
    comparison: Comparison,
    did: DifferenceInDifferences | None,
    *,
    metric: str,
    unit: str,
    scope: str,
    marker: str,
    controls: str = "",
    higher_is_better: bool = True,
) -> str:
    """e.g. "Pathology orders per day on Ward 7B rose 18% (95% CI 9% to 27%), from 100 to
    118 per day, after the order-set change on 3 March 2025. In the average of 4 control
    areas the metric rose 2%, so the difference in differences is +16 percentage points
    (95% CI +9 to +23)." and whether the step may be noise. ``controls`` names the control
    areas as the reader may see them ("the average of 4 control areas")."""
    change = comparison.change
    sentence = (
        f"{metric} on {scope} {_headline(comparison, unit)}, from "
        f"{number(change.before.value)} to {number(change.after.value)} {unit}, after the "
        f"{marker} on {_when(comparison)}."
    )
    if did is not None:
        sentence += _against_controls(did, controls or "the average control area")
    if change.absolute and (change.absolute > 0) != higher_is_better:
        sentence += " For this metric, that is a change for the worse."
    regression = comparison.regression
    if regression is not None:
        verdict = "is unlikely to be" if regression.p_value < SIGNIFICANCE else "could be"
        sentence += (
            f" The step at the change {verdict} noise (segmented regression allowing for "
            f"day-to-day correlation, {p_value(regression.p_value)})."
        )
    else:
        sentence += " Too few days to fit a trend to the change."
    permutation = comparison.permutation
    if permutation is not None and change.absolute:
        verdict = "is unlikely to be" if permutation.p_value < SIGNIFICANCE else "could be"
        sentence += (
            f" Shuffling the days between before and after, a difference this large "
            f"{verdict} chance (permutation test, {p_value(permutation.p_value)})."
        )
    return sentence
