"""Model fields for free text that people type (ticket descriptions, notes, reasons, comments).

People type NHS numbers into any box they are given, and none may be stored. A model declares
such a field as ``FreeTextField`` or ``FreeCharField``, and every path that writes it (a
form, the API, a service, ``create``, ``update``, ``bulk_create``/``bulk_update``) stores
it through ``identifiers.remove_nhs_numbers``: the one mechanism, so no call site has to
remember. The database column is the plain Django one (no migration): only what is written
changes.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from golive.identifiers import remove_nhs_numbers, remove_nhs_numbers_from_url


class _WithoutNhsNumbers:
    """Scrubs the value on save (the instance's attribute too, so nothing raw lingers in
    memory, history or a response) and whenever it is prepared for the database."""

    attname: str
    max_length: int | None
    # CharFields have a column as long as max_length: a removed number's marker is longer
    # than the number, so the scrubbed text is cut to fit rather than refused by the database.
    cut_to_max_length = False
    plain_path = ""

    @staticmethod
    def remove(text: str) -> str:
        return remove_nhs_numbers(text)

    def scrub(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        text = self.remove(value)
        if self.cut_to_max_length and self.max_length is not None:
            text = text[: self.max_length]
        return text

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = self.scrub(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value: Any) -> Any:
        return super().get_prep_value(self.scrub(value))  # type: ignore[misc]

    def deconstruct(self) -> Any:
        # Migrations see the plain field: the column is the same, only Python scrubs.
        name, _path, args, kwargs = super().deconstruct()  # type: ignore[misc]
        return name, self.plain_path, args, kwargs


class FreeTextField(_WithoutNhsNumbers, models.TextField):
    plain_path = "django.db.models.TextField"


class FreeCharField(_WithoutNhsNumbers, models.CharField):
    cut_to_max_length = True
    plain_path = "django.db.models.CharField"


class FreeURLField(_WithoutNhsNumbers, models.URLField):
    # A link someone pastes can carry a patient's number in its path or query string,
    # percent-encoded (``943%20476%205919``): it is looked for in the decoded link.
    cut_to_max_length = True
    plain_path = "django.db.models.URLField"

    @staticmethod
    def remove(text: str) -> str:
        return remove_nhs_numbers_from_url(text)


def scrub_history_change_reason(history_instance: models.Model, **kwargs: Any) -> None:
    """Receiver for simple-history's ``pre_create_historical_record``: the reason a person
    gives for a change is free text too, kept in every history table."""
    reason = getattr(history_instance, "history_change_reason", None)
    if isinstance(reason, str):
        history_instance.history_change_reason = remove_nhs_numbers(reason)  # type: ignore[attr-defined]
