"""Forms for the desk's settings: they check input; services decide and write."""

from __future__ import annotations

from django import forms

from support.configuration.services import REASON_MAX
from support.models import SlaTarget

MINUTES_MAX = 60 * 24 * 90  # ninety days: far beyond any go-live target, a typo's guard


class CategoryForm(forms.Form):
    name = forms.CharField(max_length=100, error_messages={"required": "Enter a name."})


class CategoryEditForm(CategoryForm):
    position = forms.IntegerField(
        label="Order among its siblings",
        min_value=0,
        max_value=32767,
        help_text="Lower numbers come first in lists.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter a number, 0 or more.",
            "invalid": "Enter a whole number, 0 or more.",
            "min_value": "Enter a whole number, 0 or more.",
            "max_value": "Enter a smaller number.",
        },
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why is this changing?",
        max_length=REASON_MAX,
        help_text="Kept in the desk settings' history. Do not include patient details.",
        error_messages={"required": "Enter the reason for the change."},
    )


def _minutes(label: str, help_text: str) -> forms.IntegerField:
    message = f"Enter a whole number of minutes from 1 to {MINUTES_MAX}."
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=MINUTES_MAX,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter a number of minutes.",
            "invalid": message,
            "min_value": "Enter a time of 1 minute or more.",
            "max_value": message,
        },
    )


class SlaTargetForm(forms.Form):
    first_response_minutes = _minutes(
        "First response within (minutes)", "For example, 15 for a quarter of an hour."
    )
    resolve_minutes = _minutes(
        "Resolve within (minutes)",
        "For example, 240 for 4 hours or 1440 for a day. At least the first-response time.",
    )
    clock = forms.ChoiceField(
        label="When the clock runs",
        choices=SlaTarget.Clock.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose when the clock runs."},
    )


class ResolverGroupForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="The team tickets are routed to, e.g. Pharmacy systems team.",
        error_messages={"required": "Enter a name."},
    )
