"""The communications and engagement plan over the API: plan items (programme managers add
and change them) and engagement events with attendance (read only)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from golive.access import Capability
from golive.api_errors import ERROR_RESPONSES, call_service
from golive.api_permissions import api_access
from readiness.comms import services
from readiness.endpoints import WRITE_ERRORS, programme_user, valid, visible_go_live
from readiness.models import Attendance, CommsItem, EngagementEvent


class CommsItemSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=CommsItem.Status.choices, read_only=True)

    class Meta:
        model = CommsItem
        fields = ("id", "go_live", "title", "audience", "channel", "planned_on", "owner", "status")
        read_only_fields = fields


class CommsItemWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    audience = serializers.CharField(max_length=200)
    channel = serializers.ChoiceField(choices=CommsItem.Channel.choices)
    planned_on = serializers.DateField()
    owner = serializers.IntegerField(min_value=1)


class CommsItemCreateSerializer(CommsItemWriteSerializer):
    go_live = serializers.IntegerField(min_value=1)


class CommsItemUpdateSerializer(CommsItemWriteSerializer):
    status = serializers.ChoiceField(choices=CommsItem.Status.choices)


@extend_schema_view(
    list=extend_schema(responses={200: CommsItemSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: CommsItemSerializer, **ERROR_RESPONSES}),
)
class CommsItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Communications plan items of the go-lives the caller may see; programme managers
    plan them."""

    lookup_value_converter = "int"
    serializer_class = CommsItemSerializer
    write_capability = Capability.MANAGE_GO_LIVES

    @extend_schema(
        summary="Add an item to a go-live's communications plan",
        request=CommsItemCreateSerializer,
        responses={201: CommsItemSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = valid(CommsItemCreateSerializer, request)
        go_live = visible_go_live(request, data.pop("go_live"))
        data["owner"] = programme_user(go_live.programme, data["owner"], "owner")
        row = call_service(
            services.add_comms_item, access=api_access(request), go_live=go_live, **data
        )
        return Response(CommsItemSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a communications plan item",
        request=CommsItemUpdateSerializer,
        responses={200: CommsItemSerializer, **WRITE_ERRORS},
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        row = self.get_object()
        data = valid(CommsItemUpdateSerializer, request)
        data["owner"] = programme_user(row.go_live.programme, data["owner"], "owner")
        call_service(services.update_comms_item, access=api_access(request), item=row, **data)
        return Response(CommsItemSerializer(row).data)

    def get_queryset(self) -> QuerySet[CommsItem]:
        go_lives = api_access(self.request).go_lives()
        return CommsItem.objects.filter(go_live__in=go_lives).order_by("planned_on", "pk")


class AttendanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attendance
        fields = ("role_group", "count")
        read_only_fields = fields


class EngagementEventSerializer(serializers.ModelSerializer):
    attendance = AttendanceSerializer(many=True, read_only=True)

    class Meta:
        model = EngagementEvent
        fields = ("id", "go_live", "kind", "title", "held_on", "area", "attendance")
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(responses={200: EngagementEventSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: EngagementEventSerializer, **ERROR_RESPONSES}),
)
class EngagementEventViewSet(viewsets.ReadOnlyModelViewSet):
    """Engagement events: trust-wide ones, and those in areas the caller may see."""

    lookup_value_converter = "int"
    serializer_class = EngagementEventSerializer

    def get_queryset(self) -> QuerySet[EngagementEvent]:
        access = api_access(self.request)
        return (
            EngagementEvent.objects.filter(go_live__in=access.go_lives())
            .filter(Q(area__isnull=True) | Q(area__in=access.areas()))
            .prefetch_related("attendance")
            .order_by("held_on", "pk")
        )
