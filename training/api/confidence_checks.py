"""Confidence checks over the API: recorded one at a time, read back only as aggregates
(through the go-live's confidence summary)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from golive import small_numbers
from golive.access import Capability
from golive.api_errors import ERROR_RESPONSES, service_errors
from golive.api_permissions import api_access
from golive.http import signed_in_user
from golive.models import StaffMember
from training import services
from training.api.scoping import visible_go_live
from training.models import ConfidenceResponse

C = Capability


class ConfidenceCheckSerializer(serializers.Serializer):
    go_live = serializers.IntegerField(min_value=1)
    area = serializers.IntegerField(min_value=1, help_text="An area of the go-live you may see.")
    score = serializers.IntegerField(
        min_value=1, max_value=5, help_text="How ready the person feels: 1 (not) to 5 (very)."
    )
    worries = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        default=list,
        help_text="Any of: " + ", ".join(ConfidenceResponse.Worry.values),
    )
    comment = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
    named = serializers.BooleanField(
        default=False,
        help_text="True: the caller answers for themselves, by name (their login must be "
        "linked to a staff record). False: an anonymous check for the area.",
    )


class ConfidenceReceiptSerializer(serializers.Serializer):
    go_live = serializers.IntegerField()
    area = serializers.IntegerField()
    named = serializers.BooleanField()
    recorded_at = serializers.DateTimeField()


@extend_schema_view(
    create=extend_schema(
        summary="Record a confidence check",
        description="Answers are read back only as aggregates, through "
        "/api/v1/training/go-lives/{id}/confidence/, where groups with fewer than "
        f"{small_numbers.MIN_RESPONSES} answers are suppressed (the small-number rule shared "
        "with staff surveys).",
        request=ConfidenceCheckSerializer,
        responses={201: ConfidenceReceiptSerializer, **ERROR_RESPONSES},
    ),
)
class ConfidenceCheckViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Write-only: one confidence check. Nobody reads single answers over the API."""

    serializer_class = ConfidenceCheckSerializer
    # Anyone signed in may answer for themselves; the service refuses anonymous checks from
    # read-only roles and areas the caller cannot see.
    write_capability = C.VIEW

    def get_queryset(self) -> QuerySet[ConfidenceResponse]:
        return ConfidenceResponse.objects.none()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        access = api_access(request)
        if access.is_read_only:
            # As on the confidence page: read-only roles write nothing, not even a check.
            raise exceptions.PermissionDenied("Your role is read only.")
        body = ConfidenceCheckSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        go_live = visible_go_live(access, data["go_live"])
        area = access.areas().filter(pk=data["area"], go_lives=go_live).first()
        if area is None:
            raise serializers.ValidationError(
                {"area": ["There is no area with this id in the go-live that you can see."]}
            )
        user = signed_in_user(request)
        staff = None
        if data["named"]:
            staff = StaffMember.objects.filter(user=user).first()
            if staff is None:
                raise serializers.ValidationError(
                    {"named": ["Your login is not linked to a staff record; answer anonymously."]}
                )
        with service_errors():
            response = services.record_confidence(
                access=access,
                user=user,
                go_live=go_live,
                area=area,
                score=data["score"],
                worries=data["worries"],
                comment=data["comment"],
                staff=staff,
            )
        receipt = {
            "go_live": go_live.pk,
            "area": area.pk,
            "named": staff is not None,
            "recorded_at": response.submitted_at,
        }
        return Response(ConfidenceReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)
