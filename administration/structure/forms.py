"""Forms of the set-up pages. Choices are always narrowed to what the user runs; areas are
offered only while active (retired areas are hidden from new work)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from administration.structure.bulk import MAX_BYTES
from administration.structure.services import (
    REASON_MAX,
    AreaDetails,
    GoLiveDetails,
    ProgrammeDetails,
    ReleaseDetails,
)
from golive.forms import QuickSelect
from golive.models import Area, GoLive, Organisation, Programme, Site

DATE = forms.DateInput(attrs={"type": "date"})


def _queryset(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    cast(forms.ModelChoiceField, form.fields[name]).queryset = queryset


class OrganisationChoiceForm(forms.Form):
    """A trust to act on, asked only when the user runs more than one."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Trust",
        error_messages={"required": "Choose the trust."},
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "organisation", organisations)
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0]
            self.fields["organisation"].widget = forms.HiddenInput()


class SiteForm(OrganisationChoiceForm):
    code = forms.CharField(max_length=32, help_text="Short and stable, e.g. NGH.")
    name = forms.CharField(max_length=200)


class AreaForm(forms.Form):
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(),
        widget=QuickSelect,
        error_messages={"required": "Choose the site."},
    )
    code = forms.CharField(max_length=32, help_text="As the EPR and extracts name it, e.g. W7B.")
    name = forms.CharField(max_length=200)
    area_type = forms.ChoiceField(label="Type", choices=Area.AreaType.choices)
    specialty = forms.CharField(max_length=100, required=False)

    def __init__(self, *args: Any, sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "site", sites)

    def details(self) -> AreaDetails:
        data = self.cleaned_data
        return AreaDetails(
            site=data["site"], code=data["code"], name=data["name"],
            area_type=data["area_type"], specialty=data["specialty"],
        )  # fmt: skip


class AreaFilterForm(forms.Form):
    q = forms.CharField(label="Code or name", required=False, max_length=100)
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), required=False, empty_label="All sites"
    )
    area_type = forms.ChoiceField(
        label="Type", choices=[("", "All types"), *Area.AreaType.choices], required=False
    )
    status = forms.ChoiceField(
        choices=[("", "Active and retired"), ("active", "Active"), ("retired", "Retired")],
        required=False,
    )

    def __init__(self, *args: Any, sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "site", sites)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why."},
        help_text="Kept in the audit trail. Do not include patient details.",
    )

    def __init__(self, *args: Any, required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required


class AreaImportForm(OrganisationChoiceForm):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "Columns site_code, code, name, type and (optionally) specialty, with a header "
            f"line; UTF-8; at most {MAX_BYTES // 1000:,} KB."
        ),
        error_messages={"required": "Choose a CSV file."},
    )


class ProgrammeForm(forms.Form):
    name = forms.CharField(max_length=200)
    epr_supplier = forms.CharField(label="EPR supplier", max_length=200, required=False)
    journey_stage = forms.ChoiceField(choices=Programme.JourneyStage.choices)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )

    def details(self) -> ProgrammeDetails:
        return ProgrammeDetails(**self.cleaned_data)


class NewProgrammeForm(OrganisationChoiceForm, ProgrammeForm):
    def details(self) -> ProgrammeDetails:
        data = {k: v for k, v in self.cleaned_data.items() if k != "organisation"}
        return ProgrammeDetails(**data)


class GoLiveForm(forms.Form):
    name = forms.CharField(max_length=200)
    approach = forms.ChoiceField(choices=GoLive.Approach.choices)
    technical_go_live_date = forms.DateField(
        label="Technical go-live", required=False, widget=DATE,
        help_text="When the system is switched on, if before the user go-live.",
    )  # fmt: skip
    dual_running_ends_on = forms.DateField(
        label="Dual running ends on", required=False, widget=DATE,
        help_text="Old and new systems both in use until this day.",
    )  # fmt: skip
    user_go_live_date = forms.DateField(label="User go-live", widget=DATE)
    stabilisation_ends_on = forms.DateField(
        label="End of stabilisation", required=False, widget=DATE
    )
    stage = forms.ChoiceField(choices=GoLive.Stage.choices)
    scope_note = forms.CharField(
        label="Patient cohort", max_length=200, required=False,
        help_text="Who the go-live covers within its areas, e.g. 'adult inpatients only'.",
    )  # fmt: skip
    areas = forms.ModelMultipleChoiceField(
        queryset=Area.objects.none(), required=False, label="Scope",
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    reason = forms.CharField(
        label="Reason for the change (optional)", max_length=REASON_MAX, required=False,
        help_text="Kept in the audit trail with changed dates or scope.",
    )  # fmt: skip

    def __init__(self, *args: Any, areas: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "areas", areas)

    def details(self) -> GoLiveDetails:
        data = self.cleaned_data
        return GoLiveDetails(
            name=data["name"], approach=data["approach"], stage=data["stage"],
            user_go_live_date=data["user_go_live_date"],
            technical_go_live_date=data["technical_go_live_date"],
            dual_running_ends_on=data["dual_running_ends_on"],
            stabilisation_ends_on=data["stabilisation_ends_on"],
            scope_note=data["scope_note"],
        )  # fmt: skip

    def sites(self) -> list[tuple[str, list[tuple[Area, bool, str]]]]:
        """The scope's checkboxes grouped by site: (site name, [(area, checked, input id)]);
        the first input's id is the one the error summary links to."""
        chosen = {str(v) for v in (self["areas"].value() or [])}
        groups: dict[str, list[tuple[Area, bool, str]]] = {}
        field = cast(forms.ModelMultipleChoiceField, self.fields["areas"])
        for index, area in enumerate(cast(QuerySet[Area], field.queryset)):
            entry = (area, str(area.pk) in chosen, f"{self['areas'].auto_id}_{index}")
            groups.setdefault(area.site.name, []).append(entry)
        return list(groups.items())


class NewGoLiveForm(GoLiveForm):
    field_order = ("programme",)
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(), error_messages={"required": "Choose the programme."}
    )

    def __init__(self, *args: Any, programmes: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "programme", programmes)
        if len(programmes) == 1:
            self.fields["programme"].initial = programmes[0]
            self.fields["programme"].widget = forms.HiddenInput()


class ReleaseForm(forms.Form):
    name = forms.CharField(max_length=200)
    version = forms.CharField(max_length=50, required=False)
    planned_date = forms.DateField(label="Planned date", required=False, widget=DATE)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )

    def details(self) -> ReleaseDetails:
        return ReleaseDetails(**self.cleaned_data)
