"""Forms for the criteria library: they check input; services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms

from golive.models import Role
from readiness.assessment.providers import provider_choices
from readiness.library.services import REASON_MAX, WEIGHT_MAX, WEIGHT_MIN, TemplateDetails
from readiness.models import Domain

MANUAL = ""
WEIGHT_MESSAGE = f"Weight must be a whole number from {WEIGHT_MIN} to {WEIGHT_MAX}."


class LibraryFilterForm(forms.Form):
    set = forms.ChoiceField(label="Template set", required=False)

    def __init__(self, *args: Any, sets: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["set"].choices = [("", "All sets"), *((s, s) for s in sets)]  # type: ignore[attr-defined]


class TemplateForm(forms.Form):
    """A template's details; on a new template, the set it joins as well."""

    template_set = forms.CharField(
        label="Template set",
        max_length=100,
        help_text="The set this template belongs to, e.g. Standard inpatient ward. "
        "A new name starts a new set.",
        error_messages={"required": "Enter a template set name."},
    )
    title = forms.CharField(
        max_length=200, error_messages={"required": "Enter the criterion's title."}
    )
    key = forms.SlugField(
        max_length=64,
        help_text="A short unique name within the set: lower-case letters, numbers and "
        "hyphens, e.g. sso-login-tested.",
        error_messages={
            "required": "Enter a key.",
            "invalid": "Use only lower-case letters, numbers, hyphens and underscores.",
        },
    )
    domain = forms.ChoiceField(
        choices=[("", "Choose a domain"), *Domain.choices],
        error_messages={"required": "Choose a domain.", "invalid_choice": "Choose a domain."},
    )
    owner_role = forms.ChoiceField(
        label="Owner role",
        choices=[("", "Choose a role"), *Role.choices],
        help_text="Who assesses this criterion in each area.",
        error_messages={"required": "Choose an owner role.", "invalid_choice": "Choose a role."},
    )
    weight = forms.IntegerField(
        min_value=WEIGHT_MIN,
        max_value=WEIGHT_MAX,
        help_text=f"From {WEIGHT_MIN} (least) to {WEIGHT_MAX} (most) in the readiness score.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter a weight.",
            "invalid": WEIGHT_MESSAGE,
            "min_value": WEIGHT_MESSAGE,
            "max_value": WEIGHT_MESSAGE,
        },
    )
    evidence_required = forms.CharField(
        label="Evidence required",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    pass_rule = forms.CharField(
        label="Pass rule",
        required=False,
        max_length=2000,
        help_text="What green means, e.g. Tested on every workstation and signed off.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    computed_key = forms.ChoiceField(
        label="How the status is set",
        required=False,
        help_text="A person's assessment, or a live figure from another part of Golive.",
    )

    def __init__(self, *args: Any, new: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["computed_key"].choices = [  # type: ignore[attr-defined]
            (MANUAL, "Assessed by a person (RAG and evidence)"),
            *provider_choices(),
        ]
        if not new:
            del self.fields["template_set"]

    def details(self) -> TemplateDetails:
        data = self.cleaned_data
        return TemplateDetails(
            key=data["key"],
            title=data["title"],
            domain=data["domain"],
            owner_role=data["owner_role"],
            weight=data["weight"],
            evidence_required=data["evidence_required"],
            pass_rule=data["pass_rule"],
            computed_key=data["computed_key"],
        )


class DeleteTemplateForm(forms.Form):
    reason = forms.CharField(
        label="Why is it being deleted?",
        max_length=REASON_MAX,
        help_text="Kept in the library's history. Do not include patient details.",
        error_messages={"required": "Enter why the template is deleted."},
    )


class CopySetForm(forms.Form):
    source_set = forms.ChoiceField(
        label="Copy the set",
        error_messages={
            "required": "Choose a template set to copy.",
            "invalid_choice": "Choose a template set from the list.",
        },
    )
    new_set = forms.CharField(
        label="Name of the new set",
        max_length=100,
        help_text="For example, Day-case units. Its templates can then be edited apart.",
        error_messages={"required": "Enter a name for the new set."},
    )

    def __init__(self, *args: Any, sets: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source_set"].choices = [("", "Choose a set"), *((s, s) for s in sets)]  # type: ignore[attr-defined]
