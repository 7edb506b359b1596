"""Forms for the hazard log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from golive.models import User
from readiness.fields import UserChoiceField
from readiness.hazards.risk import LIKELIHOOD, SEVERITY
from readiness.models import CriterionTemplate, Hazard

SCALE = [("", "Choose")]


class HazardForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Name the hazard."})
    cause = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": "Describe the cause."},
    )
    effect = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": "Describe the effect on patients."},
    )
    initial_severity = forms.TypedChoiceField(
        coerce=int, choices=SCALE + [(str(k), f"{k} – {v}") for k, v in SEVERITY.items()]
    )
    initial_likelihood = forms.TypedChoiceField(
        coerce=int, choices=SCALE + [(str(k), f"{k} – {v}") for k, v in LIKELIHOOD.items()]
    )
    controls = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )
    residual_severity = forms.TypedChoiceField(
        coerce=int, choices=SCALE + [(str(k), f"{k} – {v}") for k, v in SEVERITY.items()]
    )
    residual_likelihood = forms.TypedChoiceField(
        coerce=int, choices=SCALE + [(str(k), f"{k} – {v}") for k, v in LIKELIHOOD.items()]
    )
    owner = UserChoiceField(
        queryset=User.objects.none(), error_messages={"required": "Choose the hazard's owner."}
    )
    status = forms.ChoiceField(choices=Hazard.Status.choices)
    criteria = forms.ModelMultipleChoiceField(
        queryset=CriterionTemplate.objects.none(), required=False, label="Linked criteria"
    )
    # The version the editor loaded: saving over a newer one is refused, not merged.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(
        self,
        *args: Any,
        users: QuerySet[User],
        templates: QuerySet[CriterionTemplate],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users  # type: ignore[attr-defined]
        self.fields["criteria"].queryset = templates  # type: ignore[attr-defined]
