"""Forms for the adoption dashboard, the metric catalogue and change markers: they check
input; services and selectors decide and write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from adoption.analytics import before_after, metrics
from adoption.analytics.markers import MarkerView
from adoption.models import ChangeMarker, EventType, Metric, OrderType
from golive.forms import BoundedDateField, QuickSelect
from golive.models import Area, Programme, RoleGroup, Site
from golive.refusals import apply_errors

MAX_RANGE_DAYS = 366
# Dates far outside any extract only make arithmetic overflow; research extracts (MIMIC) are
# shifted into the 2100s, so the upper bound is generous.
EARLIEST_DAY = dt.date(1990, 1, 1)
LATEST_DAY = dt.date(2999, 12, 31)
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _checkboxes(label: str, choices: list[tuple[str, str]], help_text: str) -> forms.Field:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        help_text=help_text,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes__input"}),
    )


class DashboardFilterForm(forms.Form):
    """Filters kept in the URL (GET), so a filtered view can be bookmarked and shared."""

    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), required=False, empty_label="All sites", widget=QuickSelect
    )
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        required=False,
        empty_label="All your areas",
        widget=QuickSelect,
    )
    role_group = forms.ChoiceField(
        choices=[("", "All role groups"), *RoleGroup.choices], required=False, widget=QuickSelect
    )
    start = BoundedDateField(label="From", required=False, widget=DATE)
    end = BoundedDateField(label="To", required=False, widget=DATE)

    def __init__(self, *args: Any, areas: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [a.pk for a in areas]
        cast(forms.ModelChoiceField, self.fields["area"]).queryset = Area.objects.filter(
            pk__in=ids
        ).order_by("name")
        cast(forms.ModelChoiceField, self.fields["site"]).queryset = (
            Site.objects.filter(areas__in=ids).distinct().order_by("name")
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        for name, day in (("start", start), ("end", end)):
            if day and not EARLIEST_DAY <= day <= LATEST_DAY:
                self.add_error(
                    name, f"Choose a date between {EARLIEST_DAY:%Y} and {LATEST_DAY:%Y}."
                )
                return cleaned
        if start and end:
            if start > end:
                self.add_error("end", "The end date must be on or after the start date.")
            elif (end - start).days >= MAX_RANGE_DAYS:
                self.add_error("end", f"Choose a range of at most {MAX_RANGE_DAYS} days.")
        area, site = cleaned.get("area"), cleaned.get("site")
        if area and site and area.site_id != site.pk:
            self.add_error("area", f"{area.name} is not at {site.name}.")
        return cleaned


class BeforeAfterForm(forms.Form):
    metric = forms.ModelChoiceField(
        queryset=Metric.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose a metric from the list."},
    )
    marker = forms.ChoiceField(
        label="Change",
        error_messages={"invalid_choice": "Choose a change from the list."},
    )
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        required=False,
        empty_label="All areas the change touched",
        help_text="The areas compared: those the change touched, or one of them.",
    )
    days_before = forms.IntegerField(
        label="Days before",
        min_value=3,
        max_value=180,
        initial=28,
        error_messages={
            "min_value": "Use at least 3 days before.",
            "max_value": "Use at most 180 days before.",
        },
    )
    days_after = forms.IntegerField(
        label="Days after",
        min_value=3,
        max_value=180,
        initial=28,
        error_messages={
            "min_value": "Use at least 3 days after.",
            "max_value": "Use at most 180 days after.",
        },
    )
    settling_days = forms.IntegerField(
        label="Settling days",
        min_value=0,
        max_value=90,
        initial=7,
        help_text="Days just after the change that are left out while things settle.",
    )
    controls = forms.ModelMultipleChoiceField(
        label="Control areas",
        queryset=Area.objects.none(),
        required=False,
        help_text=(
            "Leave all unticked to compare with the areas of this go-live that the change "
            "did not touch."
        ),
        error_messages={"invalid_choice": "Choose control areas of this programme from the list."},
        widget=forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes__input"}),
    )

    def __init__(
        self,
        *args: Any,
        metrics: QuerySet[Metric],
        markers: list[MarkerView],
        areas: list[Area],
        control_areas: list[Area],
        **kwargs: Any,
    ) -> None:
        """``areas``: the go-live's areas the user sees; ``control_areas``: the programme's
        areas the user sees, which they may pick as controls."""
        super().__init__(*args, **kwargs)
        self.markers = {m.key: m for m in markers}
        cast(forms.ModelChoiceField, self.fields["metric"]).queryset = metrics
        cast(forms.ChoiceField, self.fields["marker"]).choices = [(m.key, m.label) for m in markers]
        cast(forms.ModelChoiceField, self.fields["area"]).queryset = Area.objects.filter(
            pk__in=[a.pk for a in areas]
        ).order_by("name")
        cast(forms.ModelMultipleChoiceField, self.fields["controls"]).queryset = (
            Area.objects.filter(pk__in=[a.pk for a in control_areas])
            .select_related("site")
            .order_by("site__name", "name")
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        marker = self.markers.get(cleaned.get("marker", ""))
        if marker is not None and cleaned.get("controls"):
            try:
                before_after.check_controls(marker, cleaned["controls"])
            except ValidationError as error:
                apply_errors(self, error)
        return cleaned


class MetricForm(forms.ModelForm):
    event_types = _checkboxes(
        "Event types",
        EventType.choices,
        "For a count: the events counted. For people (active users, shares of staff): who "
        "counts, those who did at least one of these that day. Leave all unticked for every "
        "type.",
    )
    order_types = _checkboxes(
        "Order types",
        OrderType.choices,
        "For a count: orders of these types. For people: those who placed an order of one of "
        "these types (then tick only 'Order placed', or no event type). Leave unticked for all.",
    )
    role_groups = _checkboxes("Role groups", RoleGroup.choices, "Leave unticked for everyone.")

    class Meta:
        model = Metric
        fields = [
            "name",
            "description",
            "aggregate",
            "event_types",
            "order_types",
            "role_groups",
            "numerator",
            "denominator",
            "unit",
            "higher_is_better",
            "is_headline",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "higher_is_better": forms.CheckboxInput(attrs={"class": "nhsuk-checkboxes__input"}),
            "is_headline": forms.CheckboxInput(attrs={"class": "nhsuk-checkboxes__input"}),
        }
        help_texts = {
            "numerator": "For a ratio: the metric on top.",
            "denominator": "For a ratio: the metric it is divided by.",
        }

    def __init__(
        self, *args: Any, programme: Programme, taken_names: Collection[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.taken_names = set(taken_names)
        parts = Metric.objects.filter(programme=programme).exclude(aggregate=Metric.Aggregate.RATIO)
        if self.instance.pk:
            parts = parts.exclude(pk=self.instance.pk)
        for name in ("numerator", "denominator"):
            field = cast(forms.ModelChoiceField, self.fields[name])
            field.queryset = parts
            field.empty_label = "None"

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if name in self.taken_names:
            raise ValidationError(f"There is already a metric called {name}. Choose another name.")
        return name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "aggregate" not in cleaned:
            return cleaned
        try:
            metrics.validate_definition(
                aggregate=cleaned["aggregate"],
                event_types=cleaned.get("event_types") or [],
                order_types=cleaned.get("order_types") or [],
                role_groups=cleaned.get("role_groups") or [],
                numerator=cleaned.get("numerator"),
                denominator=cleaned.get("denominator"),
                programme=self.programme,
                this=self.instance if self.instance.pk else None,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field, message)
        return cleaned


class MarkerForm(forms.Form):
    kind = forms.ChoiceField(choices=ChangeMarker.Kind.choices, label="What changed")
    on = forms.DateField(
        label="Date", widget=DATE, error_messages={"invalid": "Enter a real date, e.g. 2025-03-03."}
    )
    title = forms.CharField(max_length=120, help_text="e.g. 'Pathology order set simplified'.")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    areas = forms.ModelMultipleChoiceField(
        queryset=Area.objects.none(),
        required=False,
        help_text="The areas the change touched. Leave all unticked for the whole programme.",
        widget=forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes__input"}),
    )

    def __init__(self, *args: Any, areas: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["areas"]).queryset = areas

    def clean_on(self) -> dt.date:
        on: dt.date = self.cleaned_data["on"]
        if on.year < 2000:
            raise ValidationError("Enter a date from 2000 onwards.")
        return on
