"""Forms for gates: they check input; services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from golive.models import User
from readiness.fields import CHECKBOXES
from readiness.models import SignOffRole, Verdict


class SignOffForm(forms.Form):
    role = forms.ChoiceField(
        label="Signing as", error_messages={"required": "Choose the role you are signing for."}
    )
    verdict = forms.ChoiceField(
        label="Decision",
        choices=Verdict.choices,
        widget=forms.RadioSelect(attrs={"class": "nhsuk-radios__input"}),
        error_messages={"required": "Choose go, go with conditions or no-go."},
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text="Needed for go with conditions or no-go.",
    )

    def __init__(self, *args: Any, roles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Choose a role"), *((r, SignOffRole(r).label) for r in roles)]
        self.fields["role"].choices = choices  # type: ignore[attr-defined]


class GateForm(forms.Form):
    name = forms.CharField(
        max_length=50,
        help_text="For example, T-7.",
        error_messages={"required": "Name the gate, for example T-7."},
    )
    days_before = forms.IntegerField(
        label="Days before the user go-live",
        min_value=0,
        max_value=365,
        error_messages={
            "required": "Enter how many days before the user go-live the gate sits.",
            "invalid": "Enter a whole number of days.",
            "min_value": "Enter 0 or more days.",
            "max_value": "Enter at most 365 days.",
        },
    )
    required_roles = forms.MultipleChoiceField(
        label="Required sign-offs",
        choices=SignOffRole.choices,
        widget=CHECKBOXES,
        error_messages={"required": "Choose at least one required sign-off."},
    )


class SignatoriesForm(forms.Form):
    role = forms.ChoiceField(
        label="Sign-off", error_messages={"required": "Choose the sign-off to name people for."}
    )
    users = forms.ModelMultipleChoiceField(
        label="Named signatories",
        queryset=User.objects.none(),
        required=False,
        widget=CHECKBOXES,
        help_text="Only these people may give this sign-off. Choose nobody to let any "
        "programme-wide signatory give it.",
    )

    def __init__(self, *args: Any, roles: list[str], users: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Choose a sign-off"), *((r, SignOffRole(r).label) for r in roles)]
        self.fields["role"].choices = choices  # type: ignore[attr-defined]
        field = self.fields["users"]
        field.queryset = users  # type: ignore[attr-defined]
        field.label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]
