"""The form that sets up a go-live from a previous one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet

from golive.models import Area, GoLive

DATE_HINT = "For example, 27/11/2026"


def _date(label: str, *, required: bool, help_text: str = DATE_HINT) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages={
            "required": f"Enter the {label.lower()} date.",
            "invalid": "Enter a real date, for example 27/11/2026.",
        },
    )


class CopyForm(forms.Form):
    source = forms.ModelChoiceField(
        label="Previous go-live",
        queryset=GoLive.objects.none(),
        empty_label=None,
        help_text="Its set-up is copied: criteria, gates, milestones, training, command cells "
        "and champion targets.",
    )
    name = forms.CharField(
        label="Name of the new go-live",
        max_length=200,
        error_messages={"required": "Name the new go-live."},
    )
    user_go_live_date = _date("User go-live", required=True)
    technical_go_live_date = _date(
        "Technical go-live",
        required=False,
        help_text="Leave empty when there is no separate technical go-live. " + DATE_HINT,
    )
    approach = forms.ChoiceField(
        required=False,
        choices=[("", "Same as the previous go-live"), *GoLive.Approach.choices],
    )
    areas = forms.ModelMultipleChoiceField(
        label="Areas in scope",
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, data: Any, *, go_lives: QuerySet[GoLive], areas: QuerySet[Area], **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        source_field: Any = self.fields["source"]
        source_field.queryset = go_lives
        areas_field: Any = self.fields["areas"]
        areas_field.queryset = areas

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "source": data["source"],
            "name": data["name"],
            "user_go_live_date": data["user_go_live_date"],
            "technical_go_live_date": data["technical_go_live_date"],
            "approach": data["approach"],
            "areas": list(data["areas"]),
        }

    def chosen_area_ids(self) -> set[int]:
        value: Iterable[Any] = self["areas"].value() or []
        return {int(pk) for pk in value}

    def hidden_values(self) -> list[tuple[str, str]]:
        """The cleaned answers as (name, value) pairs, for the preview to post back."""
        pairs: list[tuple[str, str]] = []
        for name, value in self.cleaned_data.items():
            if name == "areas":
                pairs += [(name, str(area.pk)) for area in value]
            elif isinstance(value, GoLive):
                pairs.append((name, str(value.pk)))
            elif isinstance(value, dt.date):
                pairs.append((name, f"{value:%d/%m/%Y}"))
            elif value:
                pairs.append((name, str(value)))
        return pairs
