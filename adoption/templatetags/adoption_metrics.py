"""A metric's name and definition as the catalogue shows them, and the sentence beside a
chart that reads zero because of the data's set-up. Both read at render time: a built-in's
name and definition from the registry (``golive.definitions``), the zero check from the
cached series the chart itself drew."""

from __future__ import annotations

from django import template

from adoption.analytics import builtins, explanations, metrics
from adoption.models import Metric
from golive import definitions

register = template.Library()


@register.simple_tag
def metric_label(metric: Metric) -> str:
    key = builtins.registered_key(metric)
    return definitions.label(key) if key else metric.name


@register.simple_tag
def metric_definition(metric: Metric) -> str:
    return builtins.definition_text(metric)


@register.simple_tag
def metric_registry_key(metric: Metric) -> str:
    return builtins.registered_key(metric) or ""


@register.inclusion_tag("adoption/_zero_explanation.html")
def zero_explanation(metric: Metric, scope: metrics.Scope) -> dict[str, object]:
    """``{% zero_explanation metric view.scope %}`` after a metric's chart."""
    values = metrics.series(metric, scope)  # cached: the chart just computed it
    return {"metric": metric, "sentence": explanations.explain_empty(metric, scope, values)}
