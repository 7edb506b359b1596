"""Generated metric definitions read as sentences whatever the event types: a type's label
("Documentation recorded") is a name, never run into the sentence's own verbs."""

from __future__ import annotations

import re

import pytest

from adoption.analytics import builtins, wording
from adoption.models import EventType, Metric, OrderType
from golive import definitions

A = Metric.Aggregate
DOUBLED = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)


def assert_reads_as_sentences(text: str) -> None:
    assert DOUBLED.search(text) is None, text
    assert text[0].isupper(), text
    assert text.endswith("."), text
    for stray in ("  ", " ,", " ."):
        assert stray not in text, text


@pytest.mark.parametrize("spec", builtins.BUILTINS, ids=lambda spec: spec["name"])
def test_every_built_ins_registered_definition_reads_as_sentences(spec: dict) -> None:
    assert_reads_as_sentences(definitions.text(builtins.builtin_key(spec["name"])))


@pytest.mark.parametrize("event_type", EventType.values)
@pytest.mark.parametrize(
    "aggregate",
    [A.COUNT, A.PER_ACTIVE_USER, A.ACTIVE_USERS, A.STAFF_ACTIVE_SHARE, A.TRAINED_ACTIVE_SHARE],
)
def test_every_event_types_label_reads_as_a_name_in_every_definition(
    event_type: str, aggregate: str
) -> None:
    text = wording.describe(
        wording.Settings(aggregate=aggregate, unit="per_day", event_types=(event_type,))
    )

    assert_reads_as_sentences(text)
    assert f"of type {EventType(event_type).label}" in text


def test_a_documentation_count_no_longer_says_recorded_twice() -> None:
    text = wording.describe(
        wording.Settings(
            aggregate=A.PER_ACTIVE_USER, unit="per_user", event_types=("documentation",)
        )
    )

    assert text.startswith(
        "Each day, the number of EPR events of type Documentation recorded, divided by that "
        "day's active users"
    )


def test_an_order_count_names_its_event_and_order_types() -> None:
    text = wording.describe(
        wording.Settings(
            aggregate=A.COUNT,
            unit="per_day",
            event_types=("order_placed",),
            order_types=(OrderType.PATHOLOGY.value,),
            role_groups=("medical",),
        )
    )

    assert text == (
        "Each day, the number of EPR events of type Order placed with order type Pathology by "
        "people in role group Medical and dental, added up over the areas shown. Shown per day."
    )
