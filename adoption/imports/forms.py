"""Forms for imports and mapping profiles: they check input, services decide and write."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any, cast

from django import forms

from adoption.models import ImportBatch, ImportKind

PROFILE_FILE_MAX_BYTES = 1_000_000


# In running text: "reads staff lists", "New profile for EPR event extracts".
KIND_PLURALS: dict[str, str] = {
    ImportKind.EVENTS: "EPR event extracts",
    ImportKind.STAFF: "staff lists",
    ImportKind.TRAINING: "training completions",
    ImportKind.ROSTER: "e-roster extracts",
}


def kind_label(kind: str) -> str:
    return str(dict(ImportKind.choices).get(kind, kind))


def kind_plural(kind: str) -> str:
    return KIND_PLURALS.get(kind, kind)


class BatchFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of file", choices=[("", "All kinds"), *ImportKind.choices], required=False
    )
    status = forms.ChoiceField(
        choices=[("", "All statuses"), *ImportBatch.Status.choices], required=False
    )


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of file",
        error_messages={"invalid_choice": "Choose a kind of file you may import."},
    )
    profile = forms.ChoiceField(
        label="Mapping profile",
        help_text="How the file's columns, codes and dates are read. The built-in profiles "
        "read Golive's own reference format.",
        error_messages={"invalid_choice": "Choose a mapping profile from the list."},
    )
    file = forms.FileField(
        label="File",
        help_text="A CSV file (UTF-8, comma separated), or one compressed as .csv.gz.",
        error_messages={
            "required": "Choose the file to upload.",
            "empty": "The file is empty: it has no header and no rows.",
        },
        widget=forms.FileInput(
            attrs={"accept": ".csv,.gz,text/csv", "class": "nhsuk-file-upload__input"}
        ),
    )

    dry_run = forms.BooleanField(
        label="Check only (dry run): validate and report, import nothing",
        required=False,
    )
    correction = forms.BooleanField(
        label="Correct earlier imports: replace rows already imported with different content",
        help_text="Programme managers only, e.g. after fixing a mapping profile. Without it, "
        "such rows are rejected as conflicting.",
        required=False,
    )
    mark_leavers = forms.TypedChoiceField(
        label="This is the full staff list: mark staff missing from it as leavers",
        help_text="Staff lists only. A profile can say its lists are always full. Only staff "
        "placed solely in areas you may import staff for are marked.",
        choices=[("", "As the mapping profile says"), ("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
    )

    def __init__(
        self, *args: Any, kinds: Collection[str], profiles: Mapping[str, str], **kwargs: Any
    ) -> None:
        """``kinds``: the kinds the user may import; ``profiles``: usable profile name ->
        the kind it reads."""
        super().__init__(*args, **kwargs)
        self.profile_kinds = dict(profiles)
        kind_field = cast(forms.ChoiceField, self.fields["kind"])
        kind_field.choices = [(kind, kind_label(kind)) for kind in kinds]
        cast(forms.ChoiceField, self.fields["profile"]).choices = [
            (
                kind_label(kind),
                [(name, name) for name, reads in self.profile_kinds.items() if reads == kind],
            )
            for kind in kinds
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind, profile = cleaned.get("kind"), cleaned.get("profile")
        if kind and profile and self.profile_kinds.get(profile) != kind:
            reads = kind_plural(self.profile_kinds.get(profile, ""))
            self.add_error(
                "profile",
                f"The profile {profile} reads {reads}. Choose a profile for {kind_plural(kind)}.",
            )
        return cleaned


class CommitValidRowsForm(forms.Form):
    confirm = forms.BooleanField(
        widget=forms.CheckboxInput(attrs={"class": "nhsuk-checkboxes__input"}),
        error_messages={
            "required": "Confirm that you have read the error report and accept that the "
            "rejected rows will not be imported."
        },
    )

    def __init__(self, *args: Any, rows_rejected: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = (
            f"I have read the error report and accept that {rows_rejected:,} rows will not "
            "be imported"
        )


def _json_object(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise forms.ValidationError(f"Enter valid JSON: {error}", "invalid_json") from None


class UniqueProfileName(forms.Form):
    """A form with a profile ``name`` that must not be one of ``taken_names``."""

    def __init__(self, *args: Any, taken_names: Collection[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.taken_names = set(taken_names)

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if name in self.taken_names:
            raise forms.ValidationError(
                f"There is already a profile called {name}. Choose another name, or edit "
                "that profile."
            )
        return name


class MappingProfileForm(UniqueProfileName):
    name = forms.CharField(
        max_length=100, help_text="Chosen when uploading a file, e.g. 'Vendor audit log v2'."
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional: which report this profile reads.",
    )
    spec = forms.CharField(
        label="Mapping (JSON)",
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false", "class": "golive-code"}),
        help_text="columns maps each Golive field to the file's column name; value_maps "
        "translate codes; date_format is 'iso' or a pattern such as %d/%m/%Y %H:%M.",
    )

    def clean_spec(self) -> Any:
        return _json_object(self.cleaned_data["spec"])


class ProfileImportForm(forms.Form):
    file = forms.FileField(
        label="Profile file (JSON)",
        help_text="A file exported from Golive: an object with name, description and spec. "
        "A profile with the same name is updated; otherwise a new one is created.",
        error_messages={"required": "Choose the profile file to import."},
        widget=forms.FileInput(
            attrs={"accept": ".json,application/json", "class": "nhsuk-file-upload__input"}
        ),
    )

    def clean_file(self) -> dict[str, Any]:
        upload = self.cleaned_data["file"]
        if upload.size > PROFILE_FILE_MAX_BYTES:
            raise forms.ValidationError("The file is larger than 1 MB; a profile is smaller.")
        try:
            data = _json_object(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text.") from None
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            raise forms.ValidationError(
                'The file must hold a JSON object with a "name" and a "spec".'
            )
        name = data["name"].strip()
        if not name or len(name) > 100:
            raise forms.ValidationError('"name" must be text of 1 to 100 characters.')
        if not isinstance(data.get("description", ""), str):
            raise forms.ValidationError('"description" must be text.')
        return {
            "name": name,
            "description": data.get("description", ""),
            "spec": data.get("spec"),
        }


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why are you withdrawing this batch?",
        help_text="For example, the ward codes were mapped to the wrong site. The reason is "
        "shown on the batch and kept in its history.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Say why the batch is being withdrawn.",
            "max_length": "The reason must be 2,000 characters or fewer.",
        },
    )
