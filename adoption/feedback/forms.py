"""Forms for staff feedback: the public survey, and the team's surveys, themes and tags.
They check input; services decide and write."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from adoption.feedback import respondents
from adoption.models import Agreement, FeedbackTheme, SurveyResponse
from golive.models import Area, RoleGroup

EXPIRED = "This page had expired. Check your answers and send them again."


def _agreement(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=Agreement.choices,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "nhsuk-radios__input"}),
        error_messages={
            "required": f"Say how far you agree: {label.lower()}.",
            "invalid_choice": "Choose one of the answers given.",
        },
    )


class SurveyAnswerForm(forms.Form):
    """The phone-sized survey: five agreement items, an area, optional role and comment."""

    submission = forms.UUIDField(widget=forms.HiddenInput)
    # The signed token issued with the page (``respondents.issue_token``); the page renders
    # a fresh one each time, so it is not the posted value that is shown back.
    respondent = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": EXPIRED},
    )
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        label="Where do you mostly work?",
        error_messages={
            "required": "Choose where you mostly work.",
            "invalid_choice": "Choose an area from the list.",
        },
    )
    role_group = forms.ChoiceField(
        label="Your staff group (optional)",
        choices=[("", "Prefer not to say"), *RoleGroup.choices],
        required=False,
    )
    comment = forms.CharField(
        label="Anything else you want to tell us? (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Do not include patient details or names. At most 1,000 characters.",
        error_messages={"max_length": "Keep your comment to 1,000 characters or fewer."},
    )

    def __init__(self, *args: Any, areas: QuerySet[Area], survey_token: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.survey_token = survey_token
        cast(forms.ModelChoiceField, self.fields["area"]).queryset = areas
        for name, label in SurveyResponse.ITEMS.items():
            self.fields[name] = _agreement(label)

    def clean_respondent(self) -> str:
        """The respondent id in the page's token; a token that is forged, expired or for
        another survey link is refused, and the page is shown again with a fresh one."""
        respondent_id = respondents.read_token(
            self.cleaned_data["respondent"], survey_token=self.survey_token
        )
        if respondent_id is None:
            raise forms.ValidationError(EXPIRED, code="expired")
        return respondent_id

    def item_fields(self) -> list[Any]:
        return [self[name] for name in SurveyResponse.ITEMS]

    def answers(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in SurveyResponse.ITEMS}


class OpenSurveyForm(forms.Form):
    title = forms.CharField(
        max_length=120, help_text="e.g. 'Two weeks after go-live'. Staff see this title."
    )


class ThemeForm(forms.Form):
    name = forms.CharField(max_length=120, label="Theme")
    you_said = forms.CharField(
        label="You said", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    we_did = forms.CharField(
        label="We did", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TagForm(forms.Form):
    theme = forms.ModelChoiceField(
        queryset=FeedbackTheme.objects.none(), required=False, empty_label="No theme"
    )

    def __init__(self, *args: Any, themes: QuerySet[FeedbackTheme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["theme"]).queryset = themes
