"""Milestones over the API: those of the go-lives the caller may see; programme managers
plan them through ``readiness.timeline.services``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from golive.access import Capability
from golive.api_errors import ERROR_RESPONSES, call_service
from golive.api_permissions import api_access
from readiness.endpoints import WRITE_ERRORS, valid, visible_go_live
from readiness.models import Milestone
from readiness.timeline import selectors, services


class MilestoneSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Milestone.Kind.choices, read_only=True)

    class Meta:
        model = Milestone
        fields = ("id", "go_live", "name", "kind", "due_on", "completed_on")
        read_only_fields = fields


class MilestoneWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Milestone.Kind.choices, default=Milestone.Kind.OTHER)
    due_on = serializers.DateField()


class MilestoneCreateSerializer(MilestoneWriteSerializer):
    go_live = serializers.IntegerField(min_value=1)


class MilestoneUpdateSerializer(MilestoneWriteSerializer):
    completed_on = serializers.DateField(required=False, allow_null=True, default=None)


@extend_schema_view(
    list=extend_schema(responses={200: MilestoneSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: MilestoneSerializer, **ERROR_RESPONSES}),
)
class MilestoneViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Milestones of the go-lives the caller may see; programme managers plan them."""

    lookup_value_converter = "int"
    serializer_class = MilestoneSerializer
    write_capability = Capability.MANAGE_GO_LIVES

    @extend_schema(
        summary="Add a milestone to a go-live",
        request=MilestoneCreateSerializer,
        responses={201: MilestoneSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = valid(MilestoneCreateSerializer, request)
        go_live = visible_go_live(request, data.pop("go_live"))
        row = call_service(
            services.add_milestone, access=api_access(request), go_live=go_live, **data
        )
        return Response(MilestoneSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Rename, re-date or complete a milestone",
        request=MilestoneUpdateSerializer,
        responses={200: MilestoneSerializer, **WRITE_ERRORS},
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        row = self.get_object()
        data = valid(MilestoneUpdateSerializer, request)
        call_service(services.update_milestone, access=api_access(request), milestone=row, **data)
        return Response(MilestoneSerializer(row).data)

    def get_queryset(self) -> QuerySet[Milestone]:
        return selectors.visible_milestones(api_access(self.request)).order_by("due_on", "pk")
