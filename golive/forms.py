from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet

from golive.models import Area, GoLive, RoleGroup


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is inactive. Contact the Golive administrator.",
    }


class GoLiveSwitchForm(forms.Form):
    go_live = forms.ModelChoiceField(
        queryset=GoLive.objects.none(),
        label="Go-live",
        empty_label=None,
        error_messages={"invalid_choice": "Choose a go-live from the list."},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, go_lives: QuerySet[GoLive], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["go_live"].queryset = go_lives  # type: ignore[attr-defined]


class StaffFilterForm(forms.Form):
    q = forms.CharField(label="Name, staff number or job title", required=False, max_length=100)
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(), required=False, empty_label="All your areas"
    )
    role_group = forms.ChoiceField(
        choices=[("", "All role groups"), *RoleGroup.choices], required=False
    )

    def __init__(self, *args: Any, areas: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
