"""Serializer fields the apps' APIs share."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

MAX_ID = 2**63 - 1  # the largest id a BigAutoField holds


class IdField(serializers.IntegerField):
    """The id of a row, e.g. a filter's ``?area=``: a larger number is refused (400) before it
    reaches the database. SQLite cannot bind an integer over 64 bits, and Django guards
    integer-field lookups against that but not foreign-key ones (``area_id=``)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)
