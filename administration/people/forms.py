"""Forms of the people-and-access pages. Choices are limited to the programme's sites, areas
and known people; the services check everything again."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet

from administration.models import Invitation
from administration.people import selectors
from administration.people.services import Invitee, Scope
from golive.models import Area, Programme, Role, Site, User

PROGRAMME, SITE, AREAS = "programme", "site", "areas"
SCOPE_CHOICES = [
    (PROGRAMME, "The whole programme"),
    (SITE, "One site (every area of it, including areas added later)"),
    (AREAS, "Named areas"),
]


class _AreaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.site.name})"


class _UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.email or obj.username})"


class ScopeForm(forms.Form):
    """Where and when a role applies: the programme, one site, or named areas; optional dates."""

    scope = forms.ChoiceField(
        label="Where the role applies", choices=SCOPE_CHOICES, widget=forms.RadioSelect,
        initial=PROGRAMME,
    )  # fmt: skip
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), required=False, empty_label="Choose a site",
        help_text="Only if the role applies to one site.",
    )  # fmt: skip
    areas = _AreaChoiceField(
        queryset=Area.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Areas", help_text="Only if the role applies to named areas.",
    )  # fmt: skip
    starts_on = forms.DateField(
        label="Starts on (optional)", required=False, help_text="For example, 2027-03-01.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    ends_on = forms.DateField(
        label="Ends on (optional)", required=False, help_text="Leave empty for no end.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip

    def __init__(
        self, *args: Any, programme: Programme, keep_areas: Iterable[int] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(  # type: ignore[attr-defined]
            organisation_id=programme.organisation_id
        ).order_by("name")
        self.fields["areas"].queryset = selectors.areas(  # type: ignore[attr-defined]
            programme, keep=keep_areas
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scope = data.get("scope")
        if scope == SITE and not data.get("site"):
            self.add_error("site", "Choose the site the role applies to.")
        if scope == AREAS and not data.get("areas"):
            self.add_error(
                "areas", "Choose at least one area, or grant the role for the whole programme."
            )
        return data

    def grant_scope(self) -> Scope:
        data = self.cleaned_data
        return Scope(
            site=data["site"] if data["scope"] == SITE else None,
            areas=list(data["areas"]) if data["scope"] == AREAS else [],
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
        )


def scope_initial(
    *, site: Site | None, areas: QuerySet[Area], starts_on: Any, ends_on: Any
) -> dict[str, Any]:
    listed = list(areas)
    scope = SITE if site is not None else AREAS if listed else PROGRAMME
    return {
        "scope": scope,
        "site": site,
        "areas": listed,
        "starts_on": starts_on,
        "ends_on": ends_on,
    }


class InviteForm(ScopeForm):
    field_order = ["email", "first_name", "last_name", "kind", "role"]

    email = forms.EmailField(label="E-mail address")
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    kind = forms.ChoiceField(
        label="How they will sign in", choices=Invitation.Kind.choices, widget=forms.RadioSelect,
        initial=Invitation.Kind.EMAIL,
    )  # fmt: skip
    role = forms.ChoiceField(label="Role", choices=[("", "Choose a role"), *Role.choices])

    def invitee(self) -> Invitee:
        data = self.cleaned_data
        return Invitee(
            email=data["email"], first_name=data["first_name"], last_name=data["last_name"]
        )


class GrantForm(ScopeForm):
    field_order = ["user", "role"]

    user = _UserChoiceField(
        queryset=User.objects.none(), label="Person", empty_label="Choose a person"
    )
    role = forms.ChoiceField(label="Role", choices=[("", "Choose a role"), *Role.choices])
    reason = forms.CharField(label="Reason (optional)", required=False, max_length=500)

    def __init__(
        self, *args: Any, programme: Programme, users: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, programme=programme, **kwargs)
        self.fields["user"].queryset = users  # type: ignore[attr-defined]


class ChangeGrantForm(ScopeForm):
    reason = forms.CharField(
        label="Reason for the change (optional)", required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give a reason."},
    )  # fmt: skip


class ApproveForm(ScopeForm):
    field_order = ["role"]

    role = forms.ChoiceField(label="Role to grant", choices=[("", "Choose a role"), *Role.choices])


class AccessRequestForm(forms.Form):
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(), label="Programme", empty_label="Choose a programme"
    )
    requested_role = forms.ChoiceField(
        label="Role you need (optional)",
        required=False,
        choices=[("", "Not sure"), *[(v, n) for v, n in Role.choices if v != Role.ADMINISTRATOR]],
    )
    message = forms.CharField(
        label="What do you need access for? (optional)", required=False, max_length=2000,
        help_text="For example: ward manager of Ward 7B. Do not include patient details.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def __init__(self, *args: Any, programmes: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        if programmes.count() == 1:
            self.fields["programme"].initial = programmes.first()


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label="Search by name or e-mail", required=False, max_length=100)
