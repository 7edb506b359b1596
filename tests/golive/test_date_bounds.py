"""Dates a filter may name stay between 2000 and 2100, on pages and in the API, so that date
arithmetic on them cannot leave the calendar (issue 22, F7)."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from rest_framework import serializers

from golive.api_fields import BoundedDateField as ApiBoundedDateField
from golive.forms import OUT_OF_RANGE, BoundedDateField, BoundedDateTimeField


class Filters(forms.Form):
    day = BoundedDateField(required=False)
    moment = BoundedDateTimeField(required=False)


class ApiFilters(serializers.Serializer):
    day = ApiBoundedDateField(required=False)


@pytest.mark.parametrize(
    ("field", "value"),
    [("day", "0001-01-01"), ("day", "9999-12-31"), ("moment", "0001-01-01 00:00")],
)
def test_a_page_filter_refuses_a_date_outside_the_range_with_a_message(
    field: str, value: str
) -> None:
    form = Filters({field: value})

    assert not form.is_valid()
    assert form.errors[field] == [OUT_OF_RANGE]


def test_a_page_filter_accepts_the_ends_of_the_range() -> None:
    form = Filters({"day": "2000-01-01", "moment": "2100-12-31 23:59"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == dt.date(2000, 1, 1)


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"])
def test_an_api_filter_refuses_a_date_outside_the_range(value: str) -> None:
    filters = ApiFilters(data={"day": value})

    assert not filters.is_valid()
    assert filters.errors["day"][0].code == "out_of_range"


def test_an_api_filter_accepts_a_date_inside_the_range() -> None:
    filters = ApiFilters(data={"day": "2026-03-02"})

    assert filters.is_valid(), filters.errors
