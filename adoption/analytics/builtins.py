"""The built-in metrics every programme starts with, and their entries in the definitions
registry (``golive.definitions``): each built-in's name and definition are registered once,
the definition generated from the built-in's own settings (``wording.describe``), and pages
read them from the registry when they render.

A programme may edit a built-in; once its settings differ from these, it is described from
its own settings like any other metric (``registered_key`` returns None)."""

from __future__ import annotations

from typing import Any

from django.utils.text import slugify

from adoption.analytics import wording
from adoption.models import EventType, Metric, OrderType
from golive import definitions

A = Metric.Aggregate
U = Metric.Unit

# Two built-ins are figures the registry already knew by these keys (pages and board packs
# name them); the rest are ``adoption.metric.<slug of the name>``.
KNOWN_KEYS = {
    "Active users per day": "adoption.active_users",
    "Share of in-scope staff active": "adoption.share_active",
}

# Active users per day is left without event types on purpose: every activity row is a
# person who did something other than fail to log in (rollups.ACTIVITY_SQL), so "any type"
# already leaves out people who only failed to log in, and a type added to EventType later
# counts at once. A programme wanting a narrower definition (a vendor's "signed a note or
# placed an order") ticks event types on its own metric.
BUILTINS: list[dict[str, Any]] = [
    {
        "name": "Pathology orders per day",
        "aggregate": A.COUNT,
        "event_types": [EventType.ORDER_PLACED.value],
        "order_types": [OrderType.PATHOLOGY.value],
        "unit": U.PER_DAY,
        "is_headline": True,
    },
    {
        "name": "Radiology orders per day",
        "aggregate": A.COUNT,
        "event_types": [EventType.ORDER_PLACED.value],
        "order_types": [OrderType.RADIOLOGY.value],
        "unit": U.PER_DAY,
    },
    {
        "name": "Pharmacy orders per day",
        "aggregate": A.COUNT,
        "event_types": [EventType.ORDER_PLACED.value],
        "order_types": [OrderType.PHARMACY.value],
        "unit": U.PER_DAY,
    },
    {
        "name": "EPR events per day",
        "aggregate": A.COUNT,
        "event_types": [t.value for t in EventType if t != EventType.LOGIN_FAILED],
        "unit": U.PER_DAY,
    },
    {
        "name": "Active users per day",
        "aggregate": A.ACTIVE_USERS,
        "unit": U.USERS,
        "is_headline": True,
    },
    {
        "name": "Log-in attempts per day",
        "aggregate": A.COUNT,
        "event_types": [EventType.LOGIN.value, EventType.LOGIN_FAILED.value],
        "unit": U.PER_DAY,
    },
    {
        "name": "Failed log-ins per day",
        "aggregate": A.COUNT,
        "event_types": [EventType.LOGIN_FAILED.value],
        "unit": U.PER_DAY,
        "higher_is_better": False,
    },
    {
        "name": "Login failure rate",
        "aggregate": A.RATIO,
        "numerator": "Failed log-ins per day",
        "denominator": "Log-in attempts per day",
        "unit": U.PERCENT,
        "higher_is_better": False,
        "is_headline": True,
    },
    {
        "name": "Documentation events per active user",
        "aggregate": A.PER_ACTIVE_USER,
        "event_types": [EventType.DOCUMENTATION.value],
        "unit": U.PER_USER,
        "is_headline": True,
    },
    {
        "name": "Share of in-scope staff active",
        "aggregate": A.STAFF_ACTIVE_SHARE,
        "unit": U.PERCENT,
        "is_headline": True,
    },
    {
        "name": "Share of trained staff active",
        "aggregate": A.TRAINED_ACTIVE_SHARE,
        "unit": U.PERCENT,
    },
]


def builtin_key(name: str) -> str:
    return KNOWN_KEYS.get(name) or f"adoption.metric.{slugify(name)}"


def _settings(spec: dict[str, Any]) -> wording.Settings:
    return wording.Settings(
        aggregate=str(spec["aggregate"]),
        unit=str(spec["unit"]),
        event_types=tuple(sorted(spec.get("event_types", ()))),
        order_types=tuple(sorted(spec.get("order_types", ()))),
        role_groups=tuple(sorted(spec.get("role_groups", ()))),
        numerator=spec.get("numerator", ""),
        denominator=spec.get("denominator", ""),
    )


def register_builtin_metrics() -> None:
    """Register each built-in's name and generated definition (``AppConfig.ready``)."""
    for spec in BUILTINS:
        definitions.register(
            builtin_key(spec["name"]), spec["name"], wording.describe(_settings(spec))
        )


def _spec_named(name: str) -> dict[str, Any] | None:
    return next((spec for spec in BUILTINS if spec["name"] == name), None)


def registered_key(metric: Metric) -> str | None:
    """The registry key of a built-in still defined as shipped (its name and settings),
    else None: an edited built-in is described from its own settings."""
    if not metric.is_builtin:
        return None
    spec = _spec_named(metric.name)
    if spec is None or _settings(spec) != wording.Settings.of(metric):
        return None
    return builtin_key(metric.name)


def definition_text(metric: Metric) -> str:
    """The metric's definition in words, read now: the registry's for a built-in as shipped,
    generated from its settings otherwise."""
    key = registered_key(metric)
    return definitions.text(key) if key else wording.describe(wording.Settings.of(metric))
