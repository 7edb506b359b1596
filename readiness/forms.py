"""Forms for readiness: they check input; services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from golive.models import Area, RoleGroup, Site, User
from readiness.models import (
    Action,
    CommandCell,
    CommsItem,
    CriterionTemplate,
    Domain,
    EngagementEvent,
    Hazard,
    Milestone,
    Rag,
    ReadinessGroup,
    SignOffRole,
    StandDownCriterion,
    Verdict,
)
from readiness.risk import LIKELIHOOD, SEVERITY

CHECKBOXES = forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes__input"})


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


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
    owner = UserChoiceField(
        queryset=User.objects.none(), error_messages={"required": "Choose who owns the action."}
    )
    due_on = forms.DateField(
        label="Due date",
        help_text="For example, 27/11/2026",
        error_messages={
            "required": "Enter the due date.",
            "invalid": "Enter a real date, for example 27/11/2026.",
        },
    )

    def __init__(self, *args: Any, users: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users  # type: ignore[attr-defined]


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Action.Status.choices)


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


class DutyForm(forms.Form):
    cell = forms.ModelChoiceField(
        queryset=CommandCell.objects.none(), error_messages={"required": "Choose the cell."}
    )
    user = UserChoiceField(
        label="Person", queryset=User.objects.none(), error_messages={"required": "Choose who."}
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
        self, *args: Any, cells: QuerySet[CommandCell], users: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cell"].queryset = cells  # type: ignore[attr-defined]
        self.fields["user"].queryset = users  # type: ignore[attr-defined]


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
