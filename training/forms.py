"""Forms for training pages: they check input; services decide and write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import QuerySet

from golive.models import Area, RoleGroup, StaffMember
from training.models import ConfidenceResponse, Course, TrainingPlan
from training.selectors import STATUS_LABELS, Status

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


class CourseForm(forms.Form):
    code = forms.CharField(
        max_length=32,
        help_text="As the LMS writes it in its exports, e.g. EPR101.",
        error_messages={"required": "Enter the course code."},
    )
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the course name."})
    delivery = forms.ChoiceField(choices=Course.Delivery.choices, label="How it is delivered")
    duration_minutes = forms.IntegerField(
        label="Duration in minutes",
        min_value=1,
        max_value=24 * 60 * 5,
        error_messages={"required": "Enter how long the course takes, in minutes."},
    )
    epr_role = forms.CharField(
        label="EPR role it prepares for (optional)",
        max_length=100,
        required=False,
        help_text="e.g. Ward nurse, Prescriber, Ward clerk.",
    )


class RequirementForm(forms.Form):
    course = forms.ModelChoiceField(
        queryset=Course.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose a course from the list."},
    )
    role_groups = forms.MultipleChoiceField(
        label="Role groups who must complete it",
        choices=RoleGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one role group."},
    )
    due_on = forms.DateField(
        label="Complete by",
        widget=DATE_WIDGET,
        error_messages={"required": "Enter the date it must be completed by."},
    )

    def __init__(self, *args: Any, courses: QuerySet[Course], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]


class PlanForm(forms.Form):
    target_percent = forms.IntegerField(
        label="Target: % of staff in scope trained by go-live", min_value=1, max_value=100
    )
    alert_margin_points = forms.IntegerField(
        label="Alert when behind plan by (percentage points)", min_value=1, max_value=50
    )
    cut_off_on = forms.DateField(
        label="Training cut-off (optional)",
        required=False,
        widget=DATE_WIDGET,
        help_text="Staff starting after this date are new starters with their own deadline. "
        "Empty: 14 days before the user go-live.",
    )
    new_starter_days = forms.IntegerField(
        label="Days a new starter has to complete their courses", min_value=1, max_value=365
    )
    points = forms.CharField(
        label="Planned trajectory",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One line per date: the date (YYYY-MM-DD) and the planned cumulative % "
        "trained, e.g. 2026-10-01, 40",
    )

    def clean_points(self) -> list[tuple[dt.date, Decimal]]:
        parsed = []
        problems = []
        for number, line in enumerate(self.cleaned_data["points"].splitlines(), start=1):
            if not line.strip():
                continue
            day_text, _, value_text = line.partition(",")
            try:
                day = dt.date.fromisoformat(day_text.strip())
                value = Decimal(value_text.strip().rstrip("%"))
            except (ValueError, InvalidOperation):
                problems.append(
                    f"Line {number}: write a date and a percentage, e.g. 2026-10-01, 40."
                )
                continue
            if not value.is_finite() or not 0 <= value <= 100:
                problems.append(f"Line {number}: the percentage must be between 0 and 100.")
                continue
            parsed.append((day, value.quantize(Decimal("0.1"))))
        if problems:
            raise forms.ValidationError(problems)
        return parsed

    @staticmethod
    def initial_for(plan: TrainingPlan, points: list[tuple[dt.date, float]]) -> dict[str, Any]:
        return {
            "target_percent": plan.target_percent,
            "alert_margin_points": plan.alert_margin_points,
            "cut_off_on": plan.cut_off_on,
            "new_starter_days": plan.new_starter_days,
            "points": "\n".join(f"{day.isoformat()}, {value:g}" for day, value in points),
        }


class RegisterForm(forms.Form):
    """A classroom register: who attended (or is booked on) a session of a course."""

    ATTENDED, BOOKED = "attended", "booked"
    action = forms.ChoiceField(
        label="What to record",
        choices=[(ATTENDED, "They attended and completed it"), (BOOKED, "They are booked on it")],
        widget=forms.RadioSelect,
        initial=ATTENDED,
    )
    course = forms.ModelChoiceField(
        queryset=Course.objects.none(),
        empty_label="Choose a course",
        error_messages={
            "invalid_choice": "Choose a course from the list.",
            "required": "Choose the course.",
        },
    )
    session_on = forms.DateField(
        label="Session date",
        widget=DATE_WIDGET,
        error_messages={"required": "Enter the date of the session."},
    )
    staff = forms.ModelMultipleChoiceField(
        label="Staff",
        queryset=StaffMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Tick at least one person.",
            "invalid_choice": "Tick only people on the list.",
        },
    )

    def __init__(
        self,
        *args: Any,
        courses: QuerySet[Course],
        staff: QuerySet[StaffMember],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]


class ScopeChangeForm(forms.Form):
    staff_number = forms.CharField(max_length=32, label="Staff number")
    kind = forms.ChoiceField(
        label="Change",
        choices=[("include", "Add to this go-live's training"), ("exclude", "Exclude")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        max_length=200, help_text="e.g. Bank nurse who will work here; long-term leave."
    )


class DrillDownForm(forms.Form):
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(), required=False, empty_label="All your areas"
    )
    role_group = forms.ChoiceField(
        choices=[("", "All role groups"), *RoleGroup.choices], required=False
    )
    course = forms.ModelChoiceField(
        queryset=Course.objects.none(), required=False, empty_label="Any required course"
    )
    status = forms.ChoiceField(
        choices=[
            ("", "Not trained, booked or overdue"),
            *[(key, STATUS_LABELS[key]) for key in (Status.NOT_TRAINED, Status.BOOKED)],
            (Status.OVERDUE, STATUS_LABELS[Status.OVERDUE]),
            (Status.TRAINED, STATUS_LABELS[Status.TRAINED]),
        ],
        required=False,
    )

    def __init__(
        self, *args: Any, areas: QuerySet[Area], courses: QuerySet[Course], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]

    def statuses(self) -> tuple[str, ...]:
        chosen = self.cleaned_data.get("status") if self.is_valid() else ""
        return (chosen,) if chosen else (Status.NOT_TRAINED, Status.BOOKED, Status.OVERDUE)


class ConfidenceForm(forms.Form):
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        label="Area",
        empty_label="Choose an area",
        error_messages={
            "invalid_choice": "Choose an area from the list.",
            "required": "Choose the area the check is about.",
        },
    )
    score = forms.TypedChoiceField(
        label="How ready do you feel to use the new system?",
        coerce=int,
        choices=[
            (1, "1 – not at all ready"),
            (2, "2"),
            (3, "3"),
            (4, "4"),
            (5, "5 – completely ready"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how ready you feel, from 1 to 5."},
    )
    worries = forms.MultipleChoiceField(
        label="Anything worrying you? (optional)",
        choices=ConfidenceResponse.Worry.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    comment = forms.CharField(
        label="Anything else (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    named = forms.BooleanField(
        label="Put my name to this so someone can follow up with me",
        required=False,
    )

    def __init__(self, *args: Any, areas: QuerySet[Area], can_name: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        if not can_name:
            del self.fields["named"]
