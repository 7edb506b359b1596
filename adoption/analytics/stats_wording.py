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


def signed_estimate(
    value: float, low: float | None, high: float | None, *, unit: str = "", least: int = 0
) -> str:
    """ "+16 percentage points (95% CI +9 to +23)": a difference, signed, and its interval
    at the same decimals; "+16 percentage points (interval cannot be estimated)" without
    one."""
    if low is None or high is None:
        places = decimals([value], least=least)
        return f"{fixed(value, places, sign=True)}{unit} (interval cannot be estimated)"
    places = decimals([value, low, high], least=least)
    return (
        f"{fixed(value, places, sign=True)}{unit} (95% CI {fixed(low, places, sign=True)} to "
        f"{fixed(high, places, sign=True)})"
    )


def adding_decimals(first: float, second: float, difference: float, *, least: int) -> int:
    """The fewest decimals, at least ``least``, at which ``first`` and ``second`` as shown
    differ by ``difference`` as shown (``difference == first − second``), so a reader who
    subtracts gets the figure printed (at most three)."""
    for places in range(least, MOST_DECIMALS + 1):
        shown = round(round(first, places) - round(second, places), places)
        if shown == round(difference, places):
            return places
    return MOST_DECIMALS


# The summary sentence.


def _when(comparison: Comparison) -> str:
    return f"{comparison.marker.day} {comparison.marker:%B %Y}"


def _headline(comparison: Comparison, unit: str) -> str:
    change = comparison.change
    if change.percent is not None:
        return change_phrase(change.percent, change.percent_low, change.percent_high)
    least = base_decimals(max(abs(change.absolute), abs(change.before.value)))
    return change_phrase(change.absolute, change.low, change.high, unit=f" {unit}", least=least)


def _moved(value: float, places: int, unit: str) -> str:
    """ "rose 18%", "fell by 2.5 per day" or "did not change", at ``places`` decimals."""
    size = fixed(abs(value), places)
    if round(value, places) == 0:
        return "did not change"
    return f"{'rose' if value > 0 else 'fell'}{'' if unit == '%' else ' by'} {size}{unit}"


def _against_controls(
    did: DifferenceInDifferences, *, controls: str, touched: str, unit: str, show_controls: bool
) -> str:
    """The difference in differences, relative first (each area counts once whatever its
    size), in the metric's unit when no area had anything before. With ``show_controls``,
    the touched and control areas' mean changes it is the difference of, at decimals at
    which the printed figures add up; without, only the estimate."""
    if did.relative is not None and did.treated_percent is not None:
        estimate, unit_after, difference_unit = did.relative, "%", " percentage points"
        first, second = did.treated_percent, did.control_percent or 0.0
    else:
        estimate, unit_after, difference_unit = did.absolute, f" {unit}", f" {unit}"
        first, second = did.treated.change, did.control.change
    least = 0 if unit_after == "%" else base_decimals(max(abs(first), abs(second)))
    ends = [v for v in (estimate.low, estimate.high) if v is not None]
    places = adding_decimals(
        first, second, estimate.value, least=decimals([estimate.value, *ends], least=least)
    )
    figure = signed_estimate(
        estimate.value, estimate.low, estimate.high, unit=difference_unit, least=places
    )
    clear = estimate.low is None or estimate.high is None or not estimate.low <= 0 <= estimate.high
    verdict = "" if clear else ": no clear difference"
    if not show_controls:
        return (
            f" Against {controls}, whose own figures are not shown, the difference in "
            f"differences is {figure}{verdict}."
        )
    measured = "each area against its own mean before, " if unit_after == "%" else ""
    return (
        f" Over the {did.days} days every area compared has data, {measured}{touched} "
        f"{_moved(first, places, unit_after)} and {controls} {_moved(second, places, unit_after)}, "
        f"so the difference in differences is {figure}{verdict}."
    )


def _regression_sentence(comparison: Comparison) -> str:
    regression = comparison.regression
    if regression is None:
        return " Too few days to fit a trend to the change."
    p = regression.p_value
    if p is None:
        return (
            " Whether the step at the change could be noise cannot be estimated from these "
            "days (segmented regression)."
        )
    verdict = "is unlikely to be" if p < SIGNIFICANCE else "could be"
    return (
        f" The step at the change {verdict} noise (segmented regression allowing for "
        f"day-to-day correlation, {p_value(p)})."
    )


def summary(
    comparison: Comparison,
    did: DifferenceInDifferences | None,
    *,
    metric: str,
    unit: str,
    scope: str,
    marker: str,
    controls: str = "the control areas on average",
    touched: str = "",
    show_controls: bool = True,
    higher_is_better: bool = True,
) -> str:
    """e.g. "Pathology orders per day on Ward 7B rose 18% (95% CI 9% to 27%), from 100 to
    118 per day, after the order-set change on 3 March 2025. Over the 56 days every area
    compared has data, each area against its own mean before, Ward 7B rose 18% and the 4
    control areas on average rose 2%, so the difference in differences is +16 percentage
    points (95% CI +9 to +23)." and whether the step may be noise. ``touched`` and
    ``controls`` name the areas in the difference in differences ("the 3 touched areas on
    average"); the three figures there add up. ``show_controls``: False states only the
    difference in differences, when the controls' own figures would identify an area the
    reader may not see."""
    change = comparison.change
    sentence = (
        f"{metric} on {scope} {_headline(comparison, unit)}, from "
        f"{number(change.before.value)} to {number(change.after.value)} {unit}, after the "
        f"{marker} on {_when(comparison)}."
    )
    if did is not None:
        sentence += _against_controls(
            did,
            controls=controls,
            touched=touched or scope,
            unit=unit,
            show_controls=show_controls,
        )
    if change.absolute and (change.absolute > 0) != higher_is_better:
        sentence += " For this metric, that is a change for the worse."
    sentence += _regression_sentence(comparison)
    permutation = comparison.permutation
    if permutation is not None and change.absolute:
        verdict = "is unlikely to be" if permutation.p_value < SIGNIFICANCE else "could be"
        sentence += (
            f" Shuffling the days between before and after, a difference this large "
            f"{verdict} chance (permutation test, {p_value(permutation.p_value)})."
        )
    return sentence
