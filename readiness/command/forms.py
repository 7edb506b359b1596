"""Forms for command and control: they check input; services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from golive.models import StaffMember, User
from readiness.models import CommandCell, StandDownCriterion
from readiness.people import PersonChoiceField, split


class DutyForm(forms.Form):
    cell = forms.ModelChoiceField(
        queryset=CommandCell.objects.none(), error_messages={"required": "Choose the cell."}
    )
    user = PersonChoiceField(
        label="Person",
        help_text="Someone who signs in, or someone on the staff list without an account.",
        error_messages={"required": "Choose who."},
    )
    role = forms.CharField(
        max_length=100,
        help_text="For example, incident lead or loggist.",
        error_messages={"required": "Say what they do on duty."},
    )
    starts_at = forms.DateTimeField(
        label="Starts",
        help_text="For example, 27/11/2026 07:00",
        error_messages={
            "required": "Enter when the duty starts.",
            "invalid": "Enter a date and time, for example 27/11/2026 07:00.",
        },
    )
    ends_at = forms.DateTimeField(
        label="Ends",
        help_text="For example, 27/11/2026 19:00",
        error_messages={
            "required": "Enter when the duty ends.",
            "invalid": "Enter a date and time, for example 27/11/2026 19:00.",
        },
    )

    def __init__(
        self,
        *args: Any,
        cells: QuerySet[CommandCell],
        users: QuerySet[User],
        staff: QuerySet[StaffMember] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cell"].queryset = cells  # type: ignore[attr-defined]
        person = self.fields["user"]
        assert isinstance(person, PersonChoiceField)  # noqa: S101 - declared above
        person.set_people(users, staff if staff is not None else StaffMember.objects.none())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["user"], data["staff"] = split(data.get("user"))
        return data


class DraftSitRepForm(forms.Form):
    cell = forms.ModelChoiceField(
        queryset=CommandCell.objects.none(), error_messages={"required": "Choose the cell."}
    )
    hours = forms.IntegerField(
        label="Hours covered",
        min_value=1,
        max_value=24,
        initial=4,
        error_messages={
            "required": "Enter how many hours the sit-rep covers.",
            "min_value": "Enter 1 to 24 hours.",
            "max_value": "Enter 1 to 24 hours.",
            "invalid": "Enter a whole number of hours.",
        },
    )

    def __init__(self, *args: Any, cells: QuerySet[CommandCell], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cell"].queryset = cells  # type: ignore[attr-defined]


class StandDownCriterionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type",
        choices=StandDownCriterion.Kind.choices,
        widget=forms.RadioSelect(attrs={"class": "nhsuk-radios__input"}),
        error_messages={"required": "Choose the type of criterion."},
    )
    title = forms.CharField(
        max_length=200,
        help_text="For example, no P1 open for 48 hours.",
        error_messages={"required": "Describe the criterion."},
    )
    hours = forms.IntegerField(
        label="Over how many hours",
        required=False,
        min_value=1,
        max_value=336,
        help_text="For the computed types.",
        error_messages={"min_value": "Enter 1 to 336 hours.", "max_value": "Enter 1 to 336 hours."},
    )
    per_hour = forms.IntegerField(
        label="Arrivals below (tickets an hour)",
        required=False,
        min_value=1,
        max_value=10000,
        error_messages={"min_value": "Enter a rate of at least 1.", "invalid": "Enter a number."},
    )


class TickStandDownForm(forms.Form):
    met = forms.TypedChoiceField(
        label="Is it met?",
        coerce=lambda value: value == "yes",
        choices=[("yes", "Yes, it is met"), ("no", "No, not yet")],
        widget=forms.RadioSelect(attrs={"class": "nhsuk-radios__input"}),
        error_messages={"required": "Say whether it is met."},
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": "Say what confirms it (or why not)."},
    )


class StandDownForm(forms.Form):
    override_reason = forms.CharField(
        label="Reason to stand down with criteria unmet",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text="Only needed when a criterion is not met.",
    )


class StepUpForm(forms.Form):
    to_level = forms.ChoiceField(
        label="Step up to",
        choices=[(CommandCell.Level.SILVER, "Silver"), (CommandCell.Level.GOLD, "Gold")],
        error_messages={"required": "Choose the level."},
    )
    note = forms.CharField(
        label="Why it needs the next level",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say why it needs the next level."},
    )


class PublishSitRepForm(forms.Form):
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=4000,
        error_messages={"required": "Write the summary to publish."},
    )
