"""Statistics in templates, written as people write them (``adoption.analytics.stats_wording``):
``{{ value|stat_number }}``, ``{{ value|stat_signed }}``, ``{{ p|p_value }}`` and
``{% stat_interval low high unit %}``. A missing value reads as a dash."""

from __future__ import annotations

from django import template

from adoption.analytics import stats_wording

register = template.Library()

DASH = "–"


@register.filter
def stat_number(value: float | None) -> str:
    return DASH if value is None else stats_wording.number(value)


@register.filter
def stat_signed(value: float | None) -> str:
    """A change, signed, at the decimals a number of its size needs."""
    if value is None:
        return DASH
    places = stats_wording.decimals([value], least=stats_wording.base_decimals(value))
    return stats_wording.fixed(value, places, sign=True)


@register.filter
def stat_percent(value: float | None) -> str:
    if value is None:
        return DASH
    return f"{stats_wording.fixed(value, stats_wording.decimals([value], least=0), sign=True)}%"


@register.filter
def p_value(value: float | None) -> str:
    return DASH if value is None else stats_wording.p_value(value)


@register.simple_tag
def stat_interval(low: float | None, high: float | None, unit: str = "") -> str:
    """ "9.1 to 27.6" at the decimals that tell the ends apart (no "95% CI": the column
    header says it)."""
    if low is None or high is None:
        return DASH
    least = stats_wording.base_decimals(max(abs(low), abs(high)))
    text = stats_wording.interval(low, high, unit=unit, least=least)
    return text.removeprefix("95% CI ")
