"""Figure names and definitions from the registry (``golive.definitions``) in templates:
``{% figure_label "adoption.dip.go_live_day" %}``, ``{% figure_text "..." %}`` and
``{% figure_definition "..." %}`` (the name and its definition as a small paragraph)."""

from __future__ import annotations

from django import template

from golive import definitions

register = template.Library()


@register.simple_tag
def figure_label(key: str) -> str:
    return definitions.label(key)


@register.simple_tag
def figure_text(key: str) -> str:
    return definitions.text(key)


@register.inclusion_tag("_figure_definition.html")
def figure_definition(key: str, *, with_label: bool = True) -> dict[str, object]:
    return {"definition": definitions.get(key), "with_label": with_label}
