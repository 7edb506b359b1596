from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.renderers import BaseRenderer
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from golive.accounts.second_factor import local_login_allowed_for
from golive.models import Area, GoLive, RoleGroup


class QuickSelect(forms.Select):
    """A select drawn in Python rather than one template per option: a filter listing every
    area of a trust has dozens of options, and Django's option templates took about a sixth
    of a dashboard's time (bench/README.md). The markup is Django's own."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = [
            _optgroup(group, options) if group else _options(options)
            for group, options, _ in widget["optgroups"]
        ]
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            format_html_join("", "{}", ((group,) for group in groups)),
        )


def _options(options: list[dict[str, Any]]) -> SafeString:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((o["value"], flatatt(o["attrs"]), o["label"]) for o in options),
    )


def _optgroup(label: str, options: list[dict[str, Any]]) -> SafeString:
    return format_html('<optgroup label="{}">{}</optgroup>', label, _options(options))


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is inactive. Contact the Golive administrator.",
        "local_login_off": (
            "Sign in with your organisation account. Signing in with a Golive password is "
            "turned off."
        ),
    }

    def clean(self) -> dict[str, Any]:
        if not settings.LOCAL_LOGIN:
            # Refused before the password is checked, so the form tells nothing about it.
            username = self.cleaned_data.get("username") or ""
            user_model = get_user_model()
            user = user_model._default_manager.filter(
                **{user_model.USERNAME_FIELD: username}
            ).first()
            if not local_login_allowed_for(user):
                raise ValidationError(
                    self.error_messages["local_login_off"], code="local_login_off"
                )
        return super().clean()


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


# Dates a filter or a replay may name: wide enough for any programme, narrow enough that date
# arithmetic (a week before, a day after) cannot leave the calendar (issue 22, F7: 0001-01-01
# on the live board was a 500).
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
OUT_OF_RANGE = "Enter a date between 2000 and 2100."


class _Bounded:
    def clean(self, value: Any) -> Any:
        cleaned = super().clean(value)  # type: ignore[misc]
        day = cleaned.date() if isinstance(cleaned, dt.datetime) else cleaned
        if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
            raise forms.ValidationError(OUT_OF_RANGE, code="out_of_range")
        return cleaned


class BoundedDateField(_Bounded, forms.DateField):
    """A date between 2000 and 2100, else a field message."""


class BoundedDateTimeField(_Bounded, forms.DateTimeField):
    """A date and time between 2000 and 2100, else a field message."""
