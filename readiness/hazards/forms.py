"""Forms for the hazard log, and the form's starting values for a hazard raised from a
desk ticket."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from golive.models import User
from readiness.fields import UserChoiceField
from readiness.hazards.risk import LIKELIHOOD, SEVERITY
from readiness.models import CriterionTemplate, Hazard
from support.models import Priority, Ticket

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


# A first estimate from the desk's priority, for the officer to confirm or change.
SEVERITY_BY_PRIORITY = {Priority.P1: 4, Priority.P2: 3, Priority.P3: 2, Priority.P4: 2}
LIKELIHOOD_FIRST_ESTIMATE = 3


def hazard_initial(ticket: Ticket, owner: User) -> dict[str, Any]:
    """The hazard form's starting values, drawn from the ticket."""
    category = ticket.category.name if ticket.category is not None else "Service desk report"
    severity = SEVERITY_BY_PRIORITY.get(Priority(ticket.priority), 2)
    return {
        "title": f"{category}: {ticket.description}"[:200],
        "cause": ticket.description[:2000],
        "effect": (
            f"Reported to the service desk as {ticket.reference} ({ticket.area.name}, "
            f"{ticket.priority}): care may be delayed, or given on wrong or missing "
            "information, until this is resolved."
        ),
        "initial_severity": severity,
        "initial_likelihood": LIKELIHOOD_FIRST_ESTIMATE,
        "residual_severity": severity,
        "residual_likelihood": LIKELIHOOD_FIRST_ESTIMATE,
        "owner": owner.pk,
        "status": Hazard.Status.OPEN,
    }
