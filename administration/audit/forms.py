"""The audit trail's filters."""

from __future__ import annotations

from typing import Any

from django import forms

from administration.audit.selectors import AuditFilters, type_labels

DATE_HELP = "For example, 27/11/2026"
DATE_ERRORS = {"invalid": "Enter a real date, for example 27/11/2026."}


class AuditFilterForm(forms.Form):
    object_type = forms.ChoiceField(label="Type of record", required=False)
    person = forms.CharField(
        label="Changed by", help_text="Name or username", required=False, max_length=100
    )
    date_from = forms.DateField(
        label="Changed from", help_text=DATE_HELP, required=False, error_messages=DATE_ERRORS
    )
    date_to = forms.DateField(
        label="Changed to", help_text=DATE_HELP, required=False, error_messages=DATE_ERRORS
    )
    q = forms.CharField(label="Name, title or reason", required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "All types"), *((label, label) for label in type_labels())]
        self.fields["object_type"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be on or after the start date.")
        return data

    def filters(self) -> AuditFilters:
        """The filters asked for (call after ``is_valid``)."""
        data = self.cleaned_data
        return AuditFilters(
            object_type=data.get("object_type") or "",
            person=data.get("person") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            text=data.get("q") or "",
        )
