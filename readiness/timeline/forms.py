"""Forms for the milestone timeline."""

from __future__ import annotations

from django import forms

from readiness.models import Milestone


class MilestoneForm(forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "Name the milestone."})
    kind = forms.ChoiceField(label="Type", choices=Milestone.Kind.choices)
    due_on = forms.DateField(
        label="Due date",
        help_text="For example, 27/11/2026",
        error_messages={
            "required": "Enter the due date.",
            "invalid": "Enter a real date, for example 27/11/2026.",
        },
    )
