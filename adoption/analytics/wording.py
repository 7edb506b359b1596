"""A metric's definition in words, generated from its settings (aggregate, filters, unit):
what the catalogue, the API and the built-ins' registered definitions say, so the words can
never drift from what is computed. Pure: no database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from adoption.models import EventType, Metric, OrderType
from golive.models import RoleGroup

A = Metric.Aggregate
U = Metric.Unit

# What a failed log-in means to every distinct-user figure (rollups.ACTIVITY_SQL).
NEVER_ACTIVE_BY_FAILING = "A failed log-in on its own never makes someone active."
COUNTS_ONCE = (
    "someone active in two of the areas counts once, so the figure for several areas is "
    "not the sum of their figures"
)
UNIT_WORDS: dict[str, str] = {
    U.PER_DAY: "Shown per day.",
    U.USERS: "Shown as a number of people.",
    U.PER_USER: "Shown per active user.",
    U.PERCENT: "Shown as a percentage.",
    U.RATIO: "Shown as a ratio.",
}


@dataclass(frozen=True)
class Settings:
    """What a metric's definition depends on; a ratio's parts by name."""

    aggregate: str
    unit: str
    event_types: Sequence[str] = field(default=())
    order_types: Sequence[str] = field(default=())
    role_groups: Sequence[str] = field(default=())
    numerator: str = ""
    denominator: str = ""

    @classmethod
    def of(cls, metric: Metric) -> Settings:
        return cls(
            aggregate=str(metric.aggregate),
            unit=str(metric.unit),
            # Sorted: the same types ticked in another order are the same definition.
            event_types=tuple(sorted(str(v) for v in metric.event_types)),
            order_types=tuple(sorted(str(v) for v in metric.order_types)),
            role_groups=tuple(sorted(str(v) for v in metric.role_groups)),
            numerator=metric.numerator.name if metric.numerator else "",
            denominator=metric.denominator.name if metric.denominator else "",
        )


def _either(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} or {words[-1]}"


def _labels(choices: type[EventType | OrderType | RoleGroup], values: Sequence[str]) -> list[str]:
    # In the choices' order, whatever order they were ticked in.
    return [str(label) for value, label in choices.choices if value in set(values)]


def event_words(event_types: Sequence[str]) -> str:
    """'every type', 'every type except Login failed' or 'Login or Note signed'."""
    chosen = set(event_types)
    if not chosen or chosen == set(EventType.values):
        return "every type"
    left_out = [v for v in EventType.values if v not in chosen]
    if len(left_out) < len(chosen):
        return f"every type except {_either(_labels(EventType, left_out))}"
    return _either(_labels(EventType, event_types))


def of_types(event_types: Sequence[str]) -> str:
    """'of every type', 'of every type except Login failed' or 'of type Login or Note
    signed': event type labels read as names ("Documentation recorded"), so they follow
    "of type" rather than standing as verbs in a sentence."""
    words = event_words(event_types)
    return f"of {words}" if words.startswith("every type") else f"of type {words}"


def order_words(order_types: Sequence[str]) -> str:
    return _either(_labels(OrderType, order_types))


def _in_roles(role_groups: Sequence[str]) -> str:
    if not role_groups:
        return ""
    return f" in role group {_either(_labels(RoleGroup, role_groups))}"


def _roles(role_groups: Sequence[str]) -> str:
    return f" by people{_in_roles(role_groups)}" if role_groups else ""


def _counted(s: Settings) -> str:
    orders = ""
    if s.order_types:
        orders = f" with order type {order_words(s.order_types)}"
    return f"EPR events {of_types(s.event_types)}{orders}{_roles(s.role_groups)}"


def _did(s: Settings) -> str:
    """What a person must have done that day to count, in words."""
    if s.order_types:
        return f"placed a {order_words(s.order_types)} order"
    if not s.event_types:
        return "did anything in the EPR"
    return f"had an EPR event {of_types(s.event_types)}"


def describe(s: Settings) -> str:
    """One short paragraph: what is counted, how it is combined, and the unit."""
    aggregate = s.aggregate
    if aggregate == A.COUNT:
        body = f"Each day, the number of {_counted(s)}, added up over the areas shown."
    elif aggregate == A.ACTIVE_USERS:
        body = (
            f"Distinct people{_in_roles(s.role_groups)} who {_did(s)} that day in the areas "
            f"shown: {COUNTS_ONCE}. {NEVER_ACTIVE_BY_FAILING}"
        )
    elif aggregate == A.PER_ACTIVE_USER:
        body = (
            f"Each day, the number of {_counted(s)}, divided by that day's active users "
            f"(distinct people{_in_roles(s.role_groups)} who did anything in the EPR in the "
            "areas shown; someone in two of the areas counts once). No value on a day with no "
            "active users."
        )
    elif aggregate == A.RATIO:
        scale = " times 100" if s.unit == U.PERCENT else ""
        body = (
            f"{s.numerator or 'The numerator'} divided by {s.denominator or 'the denominator'} "
            f"each day{scale}, both over the same areas; no value on a day when "
            f"{s.denominator or 'the denominator'} is zero."
        )
    else:
        trained = (
            " who had completed a course of the programme by then"
            if aggregate == A.TRAINED_ACTIVE_SHARE
            else ""
        )
        body = (
            f"Staff on the areas' staff lists{_in_roles(s.role_groups)}, in post that day"
            f"{trained}, who {_did(s)} there that day, as a share of all of them; only staff "
            f"whose staff-list entry carries their EPR user id can count as active. "
            f"{NEVER_ACTIVE_BY_FAILING}"
        )
    return f"{body} {UNIT_WORDS.get(s.unit, '')}".strip()
