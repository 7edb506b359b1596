"""Forms for champions and rosters: they check input; services decide and write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet

from champions.models import Designation, ShiftPattern
from golive.models import Area, Site, StaffMember

SCALE_CHOICES = [
    ("", "Choose a score"),
    ("1", "1 – low"),
    ("2", "2"),
    ("3", "3 – some"),
    ("4", "4"),
    ("5", "5 – high"),
]
CHECKBOX = forms.CheckboxInput(attrs={"class": "nhsuk-checkboxes__input"})


class DesignationFilterForm(forms.Form):
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(), required=False, empty_label="All your areas"
    )
    kind = forms.ChoiceField(
        label="Role", choices=[("", "All roles"), *Designation.Kind.choices], required=False
    )
    status = forms.ChoiceField(
        choices=[("", "Nominated or agreed"), *Designation.Status.choices], required=False
    )

    def __init__(self, *args: Any, areas: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]


class AreaChoiceForm(forms.Form):
    """The first step of a nomination, and the roster page's area picker."""

    area = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of your areas."},
    )

    def __init__(self, *args: Any, areas: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]


class NominationForm(forms.Form):
    staff = forms.ModelChoiceField(
        label="Staff member",
        queryset=StaffMember.objects.none(),
        empty_label="Choose someone who works here",
        error_messages={
            "required": "Choose the staff member to nominate.",
            "invalid_choice": "Choose someone who works in this area.",
        },
    )
    kind = forms.ChoiceField(
        label="Role",
        choices=[("", "Choose a role"), *Designation.Kind.choices],
        error_messages={
            "required": "Choose the role: digital champion, super user or floorwalker."
        },
    )
    whole_programme = forms.BooleanField(
        label="For every go-live of the programme in this area, not only this one",
        required=False,
        widget=CHECKBOX,
    )
    systems_confidence = forms.TypedChoiceField(
        label="Confidence with clinical systems",
        choices=SCALE_CHOICES,
        coerce=int,
        help_text="How confident they are with the current and new systems.",
        error_messages={"required": "Score their confidence with clinical systems, 1 to 5."},
    )
    leadership = forms.TypedChoiceField(
        choices=SCALE_CHOICES,
        coerce=int,
        help_text="Whether colleagues turn to them, and they help others.",
        error_messages={"required": "Score their leadership, 1 to 5."},
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional: why you chose them.",
    )

    def __init__(self, *args: Any, staff: QuerySet[StaffMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]


class AcceptForm(forms.Form):
    confirm = forms.BooleanField(
        widget=CHECKBOX,
        error_messages={"required": "Confirm that the nominee has accepted the role agreement."},
    )

    def __init__(self, *args: Any, nominee: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = f"{nominee} has read and accepted the role agreement"


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give a reason, so the area's manager knows why."},
    )


class ShiftPatternForm(forms.Form):
    kind = forms.ChoiceField(
        label="Shift", choices=ShiftPattern.Kind.choices, initial=ShiftPattern.Kind.EARLY
    )
    name = forms.CharField(
        max_length=50, required=False, help_text="Optional; defaults to the kind, e.g. Early."
    )
    start_time = forms.TimeField(
        label="Starts (24-hour, local time)",
        widget=forms.TimeInput(attrs={"inputmode": "numeric"}, format="%H:%M"),
        help_text="For example, 07:00",
        error_messages={
            "required": "Enter the start time, e.g. 07:00.",
            "invalid": "Enter the start time as hours and minutes, e.g. 07:00.",
        },
    )
    end_time = forms.TimeField(
        label="Ends (24-hour, local time)",
        widget=forms.TimeInput(attrs={"inputmode": "numeric"}, format="%H:%M"),
        help_text="An end before the start runs into the next day, e.g. 20:00 to 08:00.",
        error_messages={
            "required": "Enter the end time, e.g. 15:00.",
            "invalid": "Enter the end time as hours and minutes, e.g. 15:00.",
        },
    )
    planned_staff = forms.IntegerField(
        label="Staff planned on the shift",
        min_value=0,
        max_value=500,
        initial=0,
        help_text="Until the e-roster is loaded, coverage targets use this number.",
        error_messages={"required": "Enter how many staff work the shift (0 if unknown)."},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start is not None and start == end:
            self.add_error("end_time", "The shift must end at a different time from its start.")
        return cleaned


class TargetForm(forms.Form):
    staff_per_supporter = forms.IntegerField(
        label="Staff on shift per super user or champion",
        min_value=1,
        max_value=100,
        help_text="The default is 10: one super user or champion for every 10 staff on shift.",
        error_messages={
            "required": "Enter a number of staff from 1 to 100.",
            "invalid": "Enter a number of staff from 1 to 100.",
            "min_value": "Enter a number of staff from 1 to 100.",
            "max_value": "Enter a number of staff from 1 to 100.",
        },
    )


class FillForm(forms.Form):
    """One click fills a gap: each eligible person is a submit button carrying their
    designation id."""

    designation = forms.TypedChoiceField(
        coerce=int,
        choices=(),
        error_messages={
            "required": "Choose who will cover this shift.",
            "invalid_choice": "That person can no longer be rostered on this shift.",
        },
    )

    def __init__(self, *args: Any, eligible: list[Designation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.eligible = {designation.pk: designation for designation in eligible}
        self.fields["designation"].choices = [  # type: ignore[attr-defined]
            (designation.pk, designation.staff.full_name) for designation in eligible
        ]


class CoverageFilterForm(forms.Form):
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), required=False, empty_label="All sites"
    )
    day = forms.TypedChoiceField(
        choices=(),
        coerce=dt.date.fromisoformat,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Choose a day of the go-live period."},
    )

    def __init__(
        self, *args: Any, sites: QuerySet[Site], days: list[dt.date], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
        self.fields["day"].choices = [  # type: ignore[attr-defined]
            ("", "Every day"),
            *[(day.isoformat(), f"{day:%a} {day.day} {day:%b}") for day in days],
        ]
