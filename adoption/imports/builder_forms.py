"""Forms of the mapping-profile builder's steps. Step forms are built from the analysis kept
in the session: one select per column (step 1, named by position) and one per unmapped value
(step 2, named by a hash of the value, ``builder.code_key``, so a value keeps its name if the
list changes between showing and posting the form); no vendor value travels in a field name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from adoption.imports.builder import code_key, field_choices
from adoption.imports.fields import FIELDS_BY_KIND
from adoption.imports.forms import UniqueProfileName, kind_label
from adoption.imports.profiles import ISO, PATIENT_ID_TYPES
from adoption.imports.references import Target
from golive.models import Area, Site

NOT_NEEDED = ""
PATIENT_ID_LABELS = {
    "nhs_number": "NHS number",
    "mrn": "Hospital number (MRN)",
    "other": "Another patient identifier",
}


class SampleForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of file")
    file = forms.FileField(
        label="Sample file",
        help_text="A CSV file (UTF-8, comma separated) or .csv.gz from the report you want to "
        "import. Only its first 50,000 rows are read, and the file is not kept.",
        error_messages={
            "required": "Choose a sample file.",
            "empty": "The file is empty: it has no header and no rows.",
        },
        widget=forms.FileInput(
            attrs={"accept": ".csv,.gz,text/csv", "class": "nhsuk-file-upload__input"}
        ),
    )

    def __init__(self, *args: Any, kinds: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, kind_label(kind)) for kind in kinds]  # type: ignore[attr-defined]


class StartFromForm(forms.Form):
    """Start from a saved or built-in profile, or from a checked batch."""

    start = forms.ChoiceField(
        label="Start from",
        error_messages={"required": "Choose where to start from."},
    )

    def __init__(
        self, *args: Any, choices: Sequence[tuple[str, Any]], label: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["start"]
        field.choices = [("", "Choose one"), *choices]  # type: ignore[attr-defined]
        field.label = label


class ColumnsForm(forms.Form):
    date_format = forms.CharField(
        label="How dates are written",
        help_text="'iso' for 2026-10-01 09:00:00, or a pattern such as %d/%m/%Y %H:%M.",
        max_length=40,
    )
    time_zone = forms.CharField(
        label="Time zone of the file's times",
        help_text="For example Europe/London; times with their own offset keep it.",
        max_length=60,
    )

    def __init__(
        self, *args: Any, kind: str, columns: Sequence[dict[str, Any]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.column_names = [column["name"] for column in columns]
        choices = [(NOT_NEEDED, "Not needed"), *field_choices(kind)]
        for position, name in enumerate(self.column_names):
            self.fields[f"column_{position}"] = forms.ChoiceField(
                label=f"Golive field for {name}", choices=choices, required=False
            )
        if kind == "events":
            self.fields["patient_id_type"] = forms.ChoiceField(
                label="What the patient column holds",
                choices=[(value, PATIENT_ID_LABELS[value]) for value in PATIENT_ID_TYPES],
            )
            self.fields["event_id_columns"] = forms.MultipleChoiceField(
                label="Columns that together make the event id (optional)",
                help_text="When no single column is unique, choose two or more: their values "
                "joined make the event id.",
                choices=[(name, name) for name in self.column_names],
                required=False,
            )

    def column_fields(self) -> list[tuple[str, forms.BoundField]]:
        return [(name, self[f"column_{i}"]) for i, name in enumerate(self.column_names)]

    def clean_date_format(self) -> str:
        value: str = self.cleaned_data["date_format"].strip()
        if value.lower() == ISO:
            return ISO
        if "%" not in value:
            raise forms.ValidationError(
                "Enter 'iso' or a pattern such as %d/%m/%Y %H:%M (%d day, %m month, %Y year)."
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen: dict[str, str] = {}
        for position, name in enumerate(self.column_names):
            target = cleaned.get(f"column_{position}")
            if not target:
                continue
            if target in chosen:
                self.add_error(
                    f"column_{position}",
                    f"{chosen[target]} already feeds {target}: choose one column per field.",
                )
            chosen.setdefault(target, name)
        composite = cleaned.get("event_id_columns") or []
        if len(composite) == 1:
            self.add_error("event_id_columns", "Choose two or more columns, or none.")
        if len(composite) >= 2:
            chosen.pop("event_id", None)
        missing = [
            spec.name
            for spec in FIELDS_BY_KIND[self.kind]
            if spec.required and spec.name not in chosen
        ]
        if missing:
            self.add_error(None, f"Choose a column for each required field: {', '.join(missing)}.")
        cleaned["mapping"] = chosen
        cleaned["composite"] = {"event_id": composite} if len(composite) >= 2 else {}
        return cleaned


class CodesForm(forms.Form):
    """A select per unmapped value; ``values``: coded field -> [[value, rows], ...]."""

    def __init__(
        self,
        *args: Any,
        values: dict[str, list[list[Any]]],
        targets: dict[str, list[Target]],
        fallbacks: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.values = values
        for name, entries in values.items():
            choices = [("", "Leave unmapped"), *((t.code, t.label) for t in targets[name])]
            for value, rows in entries:
                self.fields[self.key(name, value)] = forms.ChoiceField(
                    label=f"{value} ({rows:,} row{'' if rows == 1 else 's'})",
                    choices=choices,
                    required=False,
                )
        for name, fallback in fallbacks.items():
            self.fields[f"fallback_{name}"] = forms.ChoiceField(
                label=f"Any other {name.replace('_', ' ')} code becomes",
                help_text="Optional: rows with a code not mapped above are read as this "
                "instead of being rejected.",
                choices=[("", "Reject the row"), *((t.code, t.label) for t in targets[name])],
                required=False,
                initial=fallback,
            )

    @staticmethod
    def key(name: str, value: str) -> str:
        return f"map_{name}_{code_key(value)}"

    def groups(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """(heading, field name, a select per value) for each coded field."""
        return [
            (
                name.replace("_", " ").capitalize(),
                name.replace("_", " "),
                [self[self.key(name, value)] for value, _ in entries],
            )
            for name, entries in self.values.items()
        ]

    def fallback_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("fallback_")]

    def additions(self) -> dict[str, dict[str, str]]:
        return {
            name: {
                value: self.cleaned_data[self.key(name, value)]
                for value, _ in entries
                if self.cleaned_data[self.key(name, value)]
            }
            for name, entries in self.values.items()
        }

    def chosen_fallbacks(self) -> dict[str, str]:
        return {
            name.removeprefix("fallback_"): self.cleaned_data[name]
            for name in self.fields
            if name.startswith("fallback_")
        }


class NewAreaForm(forms.Form):
    site = forms.ModelChoiceField(queryset=Site.objects.none(), label="Site")
    code = forms.CharField(label="Area code", max_length=32, help_text="For example W7B.")
    name = forms.CharField(label="Area name", max_length=200, help_text="For example Ward 7B.")
    area_type = forms.ChoiceField(label="Type of area", choices=Area.AreaType.choices)

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "area")
        super().__init__(*args, **kwargs)
        sites = Site.objects.filter(organisation_id=organisation_id).order_by("name")
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]


class SaveForm(UniqueProfileName):
    name = forms.CharField(
        max_length=100, help_text="Chosen when uploading a file, e.g. 'Vendor audit log v2'."
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional: which report this profile reads.",
    )
