"""Staff feedback over the API: the net experience score per area and week, for the areas
the caller may see."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from adoption.feedback import selectors
from golive.api_errors import ERROR_RESPONSES
from golive.api_permissions import api_access


class WeekScoreSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The Monday the week starts on.")
    score = serializers.IntegerField(allow_null=True)


class AreaScoreSerializer(serializers.Serializer):
    area = serializers.IntegerField()
    area_name = serializers.CharField()
    responses = serializers.IntegerField()
    score = serializers.IntegerField(
        allow_null=True, help_text="% agree − % disagree over every answer: −100 to +100."
    )
    weeks = WeekScoreSerializer(many=True)


class FeedbackQuerySerializer(serializers.Serializer):
    go_live = serializers.IntegerField()


@extend_schema(
    parameters=[FeedbackQuerySerializer],
    responses={200: AreaScoreSerializer(many=True), **ERROR_RESPONSES},
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
    body = [
        {
            "area": row.area.pk,
            "area_name": row.area.name,
            "responses": row.responses,
            "score": row.score,
            "weeks": [{"week": w, "score": s} for w, s in row.by_week.items()],
        }
        for row in rows
    ]
    return Response(AreaScoreSerializer(body, many=True).data)
