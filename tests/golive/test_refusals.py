"""One mapping of a service's refusal: to an API answer (golive/api_errors.py) and onto a
form (golive/refusals.py)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from rest_framework import serializers

from golive.api_errors import as_api_error
from golive.refusals import Conflict, apply_errors


def test_a_refusal_in_the_records_current_state_answers_409_with_its_code() -> None:
    error = as_api_error(Conflict("Already claimed by Sam.", "already_claimed"))

    assert (error.status_code, error.get_codes()) == (409, "already_claimed")


def test_a_refusal_of_the_request_as_made_answers_400_with_its_code() -> None:
    error = as_api_error(ValidationError("Scores are from 1 to 5.", "out_of_range"))

    assert (error.status_code, error.get_codes()) == (400, "out_of_range")


def test_a_refusal_naming_fields_answers_400_with_each_fields_code() -> None:
    error = as_api_error(ValidationError({"due_on": ValidationError("Too late.", "too_late")}))

    assert isinstance(error, serializers.ValidationError)
    assert (error.status_code, error.get_codes()) == (400, {"due_on": ["too_late"]})


class _NoteForm(forms.Form):
    note = forms.CharField()


def test_a_refusal_shows_beside_the_forms_field_and_other_fields_at_the_top() -> None:
    form = _NoteForm({"note": "x"})
    form.is_valid()
    refusal = ValidationError(
        {
            "note": ValidationError("Say more.", "short"),
            "staff": ValidationError("Tick someone.", "required"),
        }
    )

    apply_errors(form, refusal)

    assert form.errors == {"note": ["Say more."], "__all__": ["Tick someone."]}
