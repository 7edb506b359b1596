"""Dip and recovery over the API: per area of a go-live and per live wave of its programme,
for the areas the caller may see. Each figure's field is described (``help_text``) from
the definitions registry when the schema is made, and each response carries the figures'
names and definitions, so an API client reads the same words as the dashboard."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from adoption.analytics import dip, dip_figures
from adoption.analytics.dip import Dip
from adoption.definitions import DIP_KEYS
from golive import definitions
from golive.api import FigureDefinitionSerializer
from golive.api_errors import ERROR_RESPONSES
from golive.api_permissions import api_access
from golive.dashboard import visible_scope
from golive.models import RoleGroup

# Each figure's fields and the registry key that defines them.
FIELD_KEYS = {
    "baseline": "adoption.dip.baseline",
    "baseline_source": "adoption.dip.baseline",
    "baseline_by_weekday": "adoption.dip.baseline",
    "go_live_day_change_percent": "adoption.dip.go_live_day",
    "deepest_day_change_percent": "adoption.dip.deepest_day",
    "deepest_day": "adoption.dip.deepest_day",
    "deepest_7_day_mean_change_percent": "adoption.dip.deepest_week",
    "deepest_7_day_mean_last_day": "adoption.dip.deepest_week",
    "recovered_daily_day": "adoption.recovery.daily",
    "recovered_daily": "adoption.recovery.daily",
    "recovered_7_day_mean_day": "adoption.recovery.smoothed",
    "recovered_7_day_mean": "adoption.recovery.smoothed",
}
# What each field holds, beyond its figure's definition.
FIELD_NOTES = {
    "baseline": "Events per day; null when there is not enough data.",
    "baseline_source": f'"{dip.BEFORE_GO_LIVE}", "{dip.STEADY_STATE}", or "".',
    "baseline_by_weekday": "Whether single days were compared with their weekday's mean.",
    "go_live_day_change_percent": "% change from the baseline (that weekday's mean); null "
    "without data that day.",
    "deepest_day_change_percent": "% change from the baseline (that weekday's mean).",
    "deepest_day": "Days after go-live (0 is the go-live day).",
    "deepest_7_day_mean_change_percent": "% change from the baseline.",
    "deepest_7_day_mean_last_day": "Days after go-live of the last of the 7 days.",
    "recovered_daily_day": "Days after go-live, counted from the go-live day (0 when there "
    "was no dip); null unless recovered.",
    "recovered_daily": 'As shown: "Day N", "Not yet", "No dip" or "Not enough data".',
    "recovered_7_day_mean_day": "Days after go-live, counted from the first full week; null "
    "unless recovered.",
    "recovered_7_day_mean": 'As shown: "Day N", "Not yet", "No dip" or "Not enough data".',
}


class DipSerializer(serializers.Serializer):
    baseline = serializers.FloatField(allow_null=True)
    baseline_source = serializers.CharField()
    baseline_by_weekday = serializers.BooleanField()
    go_live_day_change_percent = serializers.FloatField(allow_null=True)
    deepest_day_change_percent = serializers.FloatField(allow_null=True)
    deepest_day = serializers.IntegerField(allow_null=True)
    deepest_7_day_mean_change_percent = serializers.FloatField(allow_null=True)
    deepest_7_day_mean_last_day = serializers.IntegerField(allow_null=True)
    recovered_daily_day = serializers.IntegerField(allow_null=True)
    recovered_daily = serializers.CharField()
    recovered_7_day_mean_day = serializers.IntegerField(allow_null=True)
    recovered_7_day_mean = serializers.CharField()

    def get_fields(self) -> dict[str, serializers.Field]:
        """Describe each field from the registry as it is now, not as it was at import."""
        fields: dict[str, serializers.Field] = super().get_fields()
        for name, field in fields.items():
            key = FIELD_KEYS[name]
            field.help_text = (
                f"{definitions.label(key)}: {definitions.text(key)} {FIELD_NOTES[name]}"
            )
        return fields


class AreaDipSerializer(serializers.Serializer):
    area = serializers.IntegerField()
    name = serializers.CharField()
    site = serializers.CharField()
    dip = DipSerializer()


class WaveDipSerializer(serializers.Serializer):
    go_live = serializers.IntegerField()
    name = serializers.CharField()
    user_go_live_date = serializers.DateField()
    areas = serializers.IntegerField(help_text="Areas of the wave you may see.")
    dip = DipSerializer()


class DipResponseSerializer(serializers.Serializer):
    go_live = serializers.IntegerField()
    user_go_live_date = serializers.DateField()
    role_group = serializers.CharField(help_text='"" for every role group.')
    areas = AreaDipSerializer(many=True, help_text="Each area of the go-live you may see.")
    waves = WaveDipSerializer(
        many=True, help_text="Each live wave of the programme, over the areas you may see."
    )
    definitions = FigureDefinitionSerializer(many=True, help_text="What each figure means.")


class DipQuerySerializer(serializers.Serializer):
    go_live = serializers.IntegerField(help_text="The go-live whose areas are measured.")
    role_group = serializers.ChoiceField(choices=RoleGroup.choices, required=False)


def dip_body(figures: Dip) -> dict[str, Any]:
    def change(point: Any) -> float | None:
        return None if point is None else round(point.change, 1)

    return {
        "baseline": None if figures.baseline is None else round(figures.baseline, 2),
        "baseline_source": figures.baseline_source,
        "baseline_by_weekday": figures.by_weekday,
        "go_live_day_change_percent": change(figures.go_live_day),
        "deepest_day_change_percent": change(figures.deepest_day),
        "deepest_day": figures.deepest_day.day if figures.deepest_day else None,
        "deepest_7_day_mean_change_percent": change(figures.deepest_week),
        "deepest_7_day_mean_last_day": figures.deepest_week.day if figures.deepest_week else None,
        "recovered_daily_day": figures.recovery_daily,
        "recovered_daily": figures.recovery_daily_text,
        "recovered_7_day_mean_day": figures.recovery_smoothed,
        "recovered_7_day_mean": figures.recovery_smoothed_text,
    }


@extend_schema(
    parameters=[DipQuerySerializer],
    responses={200: DipResponseSerializer, **ERROR_RESPONSES},
    summary="Dip and recovery at go-live, per area and per wave",
)
@api_view(["GET"])
def dip_view(request: Request) -> Response:
    """EPR events per day around the go-live for each of its areas you may see, and around
    each live wave of its programme: measured from 28 days before each go-live to 180 days
    after, whatever dates are asked for elsewhere."""
    query = DipQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    access = api_access(request)
    go_live = access.go_lives().filter(pk=query.validated_data["go_live"]).first()
    if go_live is None:
        raise serializers.ValidationError(
            {"go_live": "There is no go-live with this id that you can see."}
        )
    role_group = query.validated_data.get("role_group", "")
    areas = list(visible_scope(access, go_live))
    dips = dip_figures.area_dips(go_live.user_go_live_date, tuple(a.pk for a in areas), role_group)
    waves = dip_figures.wave_rows(
        access, go_live, today=timezone.localdate(), role_group=role_group
    )
    body = {
        "go_live": go_live.pk,
        "user_go_live_date": go_live.user_go_live_date,
        "role_group": role_group,
        "areas": [
            {"area": a.pk, "name": a.name, "site": a.site.name, "dip": dip_body(dips[a.pk])}
            for a in areas
        ],
        "waves": [
            {
                "go_live": row.go_live.pk,
                "name": row.go_live.name,
                "user_go_live_date": row.go_live.user_go_live_date,
                "areas": row.areas,
                "dip": dip_body(row.dip),
            }
            for row in waves
        ],
        "definitions": [
            {"key": key, "name": definitions.label(key), "definition": definitions.text(key)}
            for key in DIP_KEYS
        ],
    }
    return Response(DipResponseSerializer(body).data)
