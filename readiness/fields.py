"""Form pieces the readiness sub-packages' forms share."""

from __future__ import annotations

from typing import Any

from django import forms

CHECKBOXES = forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes__input"})


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)
