"""Forms for the service desk: they check input; services decide and write."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from golive.forms import BoundedDateTimeField
from golive.models import Area, User
from support.models import Category, KnownIssue, Priority, ResolverGroup, Ticket, TicketComment
from training.models import Course


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.site.name})"


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class QuickLogForm(forms.Form):
    """The front door: three required fields and nothing more."""

    reporter = forms.CharField(
        label="Who is reporting, and how to reach them",
        help_text="Name and a phone extension, bleep or email, e.g. Sam Patel, ext 4321.",
        max_length=200,
        error_messages={"required": "Enter who is reporting and how to reach them."},
    )
    area = AreaChoiceField(
        label="Where",
        queryset=Area.objects.none(),
        empty_label="Choose the ward or department",
        error_messages={
            "required": "Choose where the problem is.",
            "invalid_choice": "Choose a ward or department from the list.",
        },
    )
    description = forms.CharField(
        label="What happened",
        help_text="In your own words. Do not include patient details.",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Describe what happened."},
    )

    def __init__(self, *args: Any, areas: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["area"])
        field.queryset = Area.objects.filter(pk__in=[a.pk for a in areas]).select_related("site")
        if len(areas) == 1 and not self.is_bound:
            self.initial.setdefault("area", areas[0].pk)
        # The suggestion panel refreshes as people type (htmx) and also on a plain submit.
        self.fields["description"].widget.attrs.update({"autocomplete": "off"})

    def split_reporter(self) -> tuple[str, str]:
        """ "Sam Patel, ext 4321" → ("Sam Patel", "ext 4321"); with no comma, the contact is
        the whole text (a phone number alone is enough to call back)."""
        text = self.cleaned_data["reporter"].strip()
        name, _, contact = text.partition(",")
        return (name.strip(), contact.strip()) if contact.strip() else (text, text)


class PhoneLogForm(QuickLogForm):
    """The same front door for a desk agent on a call, with optional triage fields."""

    category = CategoryChoiceField(
        queryset=Category.objects.none(), required=False, empty_label="Use the suggestion"
    )
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.P3)
    is_clinical_safety = forms.BooleanField(
        label="This could harm a patient (clinical safety concern)", required=False
    )
    assign_to_me = forms.BooleanField(label="Assign to me", required=False, initial=True)

    def __init__(self, *args: Any, categories: QuerySet[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["category"])
        field.queryset = categories


class TicketFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "All statuses"), ("open", "All open"), *Ticket.Status.choices],
        required=False,
    )
    category = CategoryChoiceField(
        queryset=Category.objects.none(), required=False, empty_label="All categories"
    )
    priority = forms.ChoiceField(
        choices=[("", "All priorities"), *Priority.choices], required=False
    )
    area = AreaChoiceField(queryset=Area.objects.none(), required=False, empty_label="All areas")
    assignee = forms.ChoiceField(
        choices=[("", "Anyone"), ("me", "Assigned to me"), ("none", "Unassigned")],
        required=False,
    )
    logged_by = forms.ChoiceField(
        label="Logged by", choices=[("", "Anyone"), ("me", "Me")], required=False
    )

    def __init__(
        self, *args: Any, categories: QuerySet[Category], areas: QuerySet[Area], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        category = cast(forms.ModelChoiceField, self.fields["category"])
        area = cast(forms.ModelChoiceField, self.fields["area"])
        category.queryset = categories
        area.queryset = areas


class TriageForm(forms.Form):
    category = CategoryChoiceField(
        queryset=Category.objects.none(), required=False, empty_label="Not categorised"
    )
    priority = forms.ChoiceField(choices=Priority.choices)
    resolver_group = forms.ModelChoiceField(
        queryset=ResolverGroup.objects.all(), required=False, empty_label="None yet"
    )
    assignee = UserChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Unassigned"
    )
    is_clinical_safety = forms.BooleanField(
        label="Clinical safety concern (goes to the clinical safety officer)", required=False
    )

    def __init__(
        self,
        *args: Any,
        categories: QuerySet[Category],
        assignees: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        category = cast(forms.ModelChoiceField, self.fields["category"])
        assignee = cast(forms.ModelChoiceField, self.fields["assignee"])
        category.queryset = categories
        assignee.queryset = assignees


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Move to", choices=Ticket.Status.choices)
    resolution_type = forms.ChoiceField(
        label="Resolution type (when resolving)",
        choices=[("", "Choose when resolving"), *Ticket.ResolutionType.choices],
        required=False,
    )
    course = forms.ModelChoiceField(
        label="Course that should have covered it (training gaps)",
        queryset=Course.objects.none(),
        required=False,
        empty_label="No course",
    )
    resolution_note = forms.CharField(
        label="Resolution note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, courses: QuerySet[Course], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["course"]).queryset = courses


class CommentForm(forms.Form):
    visibility = forms.ChoiceField(
        label="Who sees this", choices=TicketComment.Visibility.choices, initial="internal"
    )
    body = forms.CharField(
        label="Comment",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter a comment."},
    )

    def __init__(self, *args: Any, desk: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not desk:
            field = cast(forms.ChoiceField, self.fields["visibility"])
            field.choices = [(TicketComment.Visibility.REPORTER, "Added to the ticket")]
            field.initial = TicketComment.Visibility.REPORTER


class LinkKnownIssueForm(forms.Form):
    known_issue = forms.ModelChoiceField(
        label="Known issue",
        queryset=KnownIssue.objects.none(),
        required=False,
        empty_label="Not linked",
    )

    def __init__(self, *args: Any, issues: QuerySet[KnownIssue], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["known_issue"])
        field.queryset = issues
        # Only open issues are offered, but one fixed since the page was drawn still
        # validates, so the service can say why it cannot be linked.
        field.widget.choices = [
            ("", field.empty_label),
            *((issue.pk, str(issue)) for issue in issues.filter(status=KnownIssue.Status.OPEN)),
        ]


class KnownIssueForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title."})
    description = forms.CharField(
        required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    workaround = forms.CharField(
        required=False,
        max_length=4000,
        help_text="What staff should do until it is fixed.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    category = CategoryChoiceField(
        queryset=Category.objects.none(), required=False, empty_label="Any category"
    )
    is_published = forms.BooleanField(
        label="Publish the workaround to the desk and floorwalkers", required=False
    )

    def __init__(self, *args: Any, categories: QuerySet[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["category"])
        field.queryset = categories


class EscalateForm(forms.Form):
    summary = forms.CharField(max_length=300)
    category = forms.ModelChoiceField(queryset=Category.objects.all(), required=False)
    area = forms.ModelChoiceField(queryset=Area.objects.none(), required=False)

    def __init__(self, *args: Any, areas: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["area"])
        field.queryset = areas


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label="How well was your problem handled?",
        coerce=int,
        choices=[
            (5, "Very well"),
            (4, "Well"),
            (3, "Neither well nor poorly"),
            (2, "Poorly"),
            (1, "Very poorly"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how well your problem was handled."},
    )
    comment = forms.CharField(
        label="Anything to add? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BoardMomentForm(forms.Form):
    at = BoundedDateTimeField(
        label="Show the board as it was at",
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Leave empty for now. Useful to review a past go-live hour by hour.",
    )
