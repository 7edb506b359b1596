"""Serializer fields the apps' APIs share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from rest_framework import serializers

from golive.forms import EARLIEST_DATE, LATEST_DATE, OUT_OF_RANGE

MAX_ID = 2**63 - 1  # the largest id a BigAutoField holds


class IdField(serializers.IntegerField):
    """The id of a row, e.g. a filter's ``?area=``: a larger number is refused (400) before it
    reaches the database. SQLite cannot bind an integer over 64 bits, and Django guards
    integer-field lookups against that but not foreign-key ones (``area_id=``)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


# JSON types the schema promises: DRF turns ``0`` into ``"0"`` for a string field and
# ``false`` into ``0.0`` for a float one, so a client sending the wrong type is never told
# (issue 22, F12). Query strings are text, so numbers given as digits stay accepted.


def _refuse_non_strings(field: serializers.Field, data: Any) -> None:
    if not isinstance(data, str):
        field.fail("invalid")


def _refuse_booleans(field: serializers.Field, data: Any) -> None:
    if isinstance(data, bool):
        field.fail("invalid")


def _refuse_non_string_choices(field: serializers.Field, data: Any) -> None:
    # An enum of strings in the schema: 1 is not "1", and true is not "True".
    keys = getattr(field, "choice_strings_to_values", {}).values()
    if not isinstance(data, str) and all(isinstance(key, str) for key in keys):
        field.fail("invalid_choice", input=data)


STRICT_TYPES: tuple[
    tuple[type[serializers.Field], Callable[[serializers.Field, Any], None]], ...
] = (
    (serializers.CharField, _refuse_non_strings),  # and its kinds: email, slug, URL, regex
    (serializers.ChoiceField, _refuse_non_string_choices),
    (serializers.IntegerField, _refuse_booleans),
    (serializers.FloatField, _refuse_booleans),
    (serializers.DecimalField, _refuse_booleans),
)


def make_request_types_strict() -> None:
    """Make DRF's string, choice and number fields refuse values of another JSON type, for
    every serializer (declared or generated from a model). Called once, from the core's
    ``AppConfig.ready``; idempotent."""
    for field_class, refuse in STRICT_TYPES:
        original = field_class.to_internal_value
        if getattr(original, "strict_types", False):
            continue

        def to_internal_value(
            self: serializers.Field,
            data: Any,
            _original: Callable[[serializers.Field, Any], Any] = original,
            _refuse: Callable[[serializers.Field, Any], None] = refuse,
        ) -> Any:
            _refuse(self, data)
            return _original(self, data)

        to_internal_value.strict_types = True  # type: ignore[attr-defined]
        field_class.to_internal_value = to_internal_value  # type: ignore[method-assign]


class BoundedDateField(serializers.DateField):
    """A date a filter may name, between 2000 and 2100 (``golive.forms.EARLIEST_DATE``), so
    that the date arithmetic of the answer cannot leave the calendar; else a 400."""

    def to_internal_value(self, value: Any) -> dt.date:
        day: dt.date = super().to_internal_value(value)
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            raise serializers.ValidationError(OUT_OF_RANGE, code="out_of_range")
        return day
