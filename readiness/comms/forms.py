"""Forms for the communications and engagement plan."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from golive.models import Area, RoleGroup, User
from readiness.fields import UserChoiceField
from readiness.models import CommsItem, EngagementEvent

DATE_HELP = "For example, 27/11/2026"
DATE_ERRORS = {
    "required": "Enter the date.",
    "invalid": "Enter a real date, for example 27/11/2026.",
}


class CommsItemForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Name the item."})
    audience = forms.CharField(
        max_length=200,
        help_text="For example, all nursing staff at Northshire General.",
        error_messages={"required": "Say who it is for."},
    )
    channel = forms.ChoiceField(choices=CommsItem.Channel.choices)
    planned_on = forms.DateField(label="Date", help_text=DATE_HELP, error_messages=DATE_ERRORS)
    owner = UserChoiceField(
        queryset=User.objects.none(), error_messages={"required": "Choose who owns it."}
    )

    def __init__(self, *args: Any, users: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users  # type: ignore[attr-defined]


class EngagementEventForm(forms.Form):
    kind = forms.ChoiceField(label="Type", choices=EngagementEvent.Kind.choices)
    title = forms.CharField(max_length=200, error_messages={"required": "Name the event."})
    held_on = forms.DateField(label="Date", help_text=DATE_HELP, error_messages=DATE_ERRORS)
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(), required=False, empty_label="Whole trust (open to all)"
    )

    def __init__(self, *args: Any, areas: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]


class AttendanceForm(forms.Form):
    event = forms.ModelChoiceField(
        queryset=EngagementEvent.objects.none(), error_messages={"required": "Choose the event."}
    )
    role_group = forms.ChoiceField(label="Staff group", choices=RoleGroup.choices)
    count = forms.IntegerField(
        label="How many came",
        min_value=0,
        max_value=100000,
        error_messages={
            "required": "Enter how many came.",
            "invalid": "Enter a whole number.",
            "min_value": "Enter 0 or more.",
            "max_value": "Enter a smaller number.",
        },
    )

    def __init__(self, *args: Any, events: QuerySet[EngagementEvent], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events  # type: ignore[attr-defined]


class CommsStatusForm(forms.Form):
    status = forms.ChoiceField(choices=CommsItem.Status.choices)
