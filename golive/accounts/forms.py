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
