"""Forms for assessment: they check input; services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from golive.models import Site, StaffMember, User
from readiness.fields import CHECKBOXES, UserChoiceField
from readiness.models import Action, Domain, Rag, ReadinessGroup
from readiness.people import PersonChoiceField, split


class BoardFilterForm(forms.Form):
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), required=False, empty_label="All sites"
    )
    domain = forms.ChoiceField(choices=[("", "All domains"), *Domain.choices], required=False)
    owner = UserChoiceField(queryset=User.objects.none(), required=False, empty_label="Any owner")
    status = forms.ChoiceField(choices=[("", "Any status"), *Rag.choices], required=False)

    def __init__(
        self, *args: Any, sites: QuerySet[Site], owners: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class CriterionForm(forms.Form):
    rag = forms.ChoiceField(
        label="Status",
        choices=Rag.choices,
        error_messages={"required": "Choose a status.", "invalid_choice": "Choose a status."},
    )
    evidence_link = forms.URLField(
        label="Evidence link",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="A link to the test log, sign-off or document, e.g. on SharePoint.",
        error_messages={"invalid": "Enter a full web address, starting https://"},
    )
    evidence_file = forms.FileField(
        label="Evidence file",
        required=False,
        help_text="PDF, image, Word, Excel or text, 10 MB at most.",
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    owner = UserChoiceField(queryset=User.objects.none(), required=False, empty_label="No owner")

    def __init__(self, *args: Any, owners: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class ApplyTemplatesForm(forms.Form):
    template_set = forms.ChoiceField(
        label="Template set", error_messages={"required": "Choose a template set."}
    )

    def __init__(self, *args: Any, sets: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template_set"].choices = [("", "Choose a set"), *((s, s) for s in sets)]  # type: ignore[attr-defined]


class GroupForm(forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the group's name."})
    domains = forms.MultipleChoiceField(
        choices=Domain.choices,
        widget=CHECKBOXES,
        error_messages={"required": "Choose at least one domain."},
    )
    clinical_chair = UserChoiceField(
        queryset=User.objects.none(), error_messages={"required": "Choose the clinical co-chair."}
    )
    operational_chair = UserChoiceField(
        queryset=User.objects.none(),
        error_messages={"required": "Choose the operational co-chair."},
    )
    members = forms.ModelMultipleChoiceField(queryset=User.objects.none(), required=False)
    cadence = forms.ChoiceField(choices=ReadinessGroup.Cadence.choices)

    def __init__(self, *args: Any, users: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("clinical_chair", "operational_chair", "members"):
            self.fields[name].queryset = users  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("clinical_chair") and data.get("clinical_chair") == data.get(
            "operational_chair"
        ):
            self.add_error("operational_chair", "The co-chairs must be different people.")
        return data


class MeetingForm(forms.Form):
    held_on = forms.DateField(
        label="Date held",
        help_text="For example, 27/11/2026",
        error_messages={
            "required": "Enter the date of the meeting.",
            "invalid": "Enter a real date, for example 27/11/2026.",
        },
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    decisions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="One decision per line.",
    )


class ActionForm(forms.Form):
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": "Describe the action."},
    )
    owner = PersonChoiceField(
        label="Owner",
        help_text="Someone who signs in, or someone on the staff list without an account.",
        error_messages={"required": "Choose who owns the action."},
    )
    due_on = forms.DateField(
        label="Due date",
        help_text="For example, 27/11/2026",
        error_messages={
            "required": "Enter the due date.",
            "invalid": "Enter a real date, for example 27/11/2026.",
        },
    )

    def __init__(
        self,
        *args: Any,
        users: QuerySet[User],
        staff: QuerySet[StaffMember] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, PersonChoiceField)  # noqa: S101 - declared above
        owner.set_people(users, staff if staff is not None else StaffMember.objects.none())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["owner"], data["owner_staff"] = split(data.get("owner"))
        return data


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Action.Status.choices)
