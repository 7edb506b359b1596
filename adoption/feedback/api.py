"""Staff feedback over the API: the net experience score per area and week, for the areas
the caller may see, under the small-number rule, with the repeats left out."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from adoption.feedback import selectors
from adoption.feedback.selectors import Figure
from golive import definitions, small_numbers
from golive.api_errors import ERROR_RESPONSES
from golive.api_permissions import api_access


def _suppressed_help() -> str:
    return f"True: {definitions.label(small_numbers.KEY).lower()}; responses and score are null."


class FigureSerializer(serializers.Serializer):
    """Help texts come from the definitions registry each time the fields are built (never
    frozen at import), so the schema says what the registry says."""

    responses = serializers.IntegerField(allow_null=True)
    score = serializers.IntegerField(allow_null=True)
    suppressed = serializers.BooleanField()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["responses"].help_text = definitions.text("adoption.feedback.responses")
        fields["score"].help_text = definitions.text("adoption.feedback.net_experience_score")
        fields["suppressed"].help_text = _suppressed_help()
        return fields


class WeekScoreSerializer(FigureSerializer):
    week = serializers.DateField(help_text="The Monday the week starts on.")


class AreaScoreSerializer(FigureSerializer):
    area = serializers.IntegerField()
    area_name = serializers.CharField()
    weeks = WeekScoreSerializer(many=True)


class FeedbackScoresSerializer(serializers.Serializer):
    go_live = serializers.IntegerField()
    min_responses = serializers.IntegerField()
    repeat_responses_excluded = serializers.IntegerField()
    areas = AreaScoreSerializer(many=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["min_responses"].help_text = definitions.text(small_numbers.KEY)
        fields["repeat_responses_excluded"].help_text = definitions.text(
            "adoption.feedback.repeat_responses"
        )
        return fields


class FeedbackQuerySerializer(serializers.Serializer):
    go_live = serializers.IntegerField()


def _figure(figure: Figure) -> dict[str, Any]:
    return {"responses": figure.responses, "score": figure.score, "suppressed": figure.suppressed}


@extend_schema(
    parameters=[FeedbackQuerySerializer],
    responses={200: FeedbackScoresSerializer, **ERROR_RESPONSES},
    summary="Net experience score per area and week, for areas you may see",
)
@api_view(["GET"])
def feedback_scores(request: Request) -> Response:
    query = FeedbackQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    access = api_access(request)
    go_live = access.go_lives().filter(pk=query.validated_data["go_live"]).first()
    if go_live is None:
        raise serializers.ValidationError(
            {"go_live": "There is no go-live with this id that you can see."}
        )
    rows, _ = selectors.scores_by_area(selectors.visible_responses(access, go_live))
    body = {
        "go_live": go_live.pk,
        "min_responses": small_numbers.MIN_RESPONSES,
        "repeat_responses_excluded": selectors.repeats_excluded(access, go_live, rows),
        "areas": [
            {
                "area": row.area.pk,
                "area_name": row.area.name,
                **_figure(row.total),
                "weeks": [{"week": w, **_figure(f)} for w, f in row.by_week.items()],
            }
            for row in rows
        ],
    }
    return Response(FeedbackScoresSerializer(body).data)
