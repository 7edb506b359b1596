from __future__ import annotations

from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Security code",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())

    def refuse(self) -> None:
        self.add_error("code", self.wrong_code_message)

    wrong_code_message = (
        "The code is not right, or was used already. Enter the code your authenticator app "
        "shows now."
    )


class SetUpForm(CodeForm):
    pass


class VerifyForm(CodeForm):
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        max_length=20,
        error_messages={"required": "Enter the code from your authenticator app."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )
    wrong_code_message = (
        "The code is not right, or was used already. Enter the code your authenticator app "
        "shows now, or an unused recovery code. After several wrong codes you must wait "
        "before trying again."
    )


def _days_label(days: int) -> str:
    return "1 year" if days == 365 else f"{days} days"


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, so you know which one to revoke later. For example, "
        "Nightly LMS export script.",
        error_messages={
            "required": "Enter a name for the token.",
            "max_length": "Name must be 100 characters or fewer.",
        },
    )
    days = forms.TypedChoiceField(
        label="Expires after",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose when the token expires.",
            "invalid_choice": "Choose one of the lifetimes shown.",
        },
    )
    read_only = forms.BooleanField(
        label="Read only: the token may read data but not change anything",
        required=False,
    )

    def __init__(self, *args: object, expiry_choices: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        days = self.fields["days"]
        days.choices = [(n, _days_label(n)) for n in expiry_choices]  # type: ignore[attr-defined]
        days.initial = 90 if 90 in expiry_choices else expiry_choices[-1]
