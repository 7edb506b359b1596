"""Scope changes over the API: people added to, or excluded from, a go-live's training scope
by hand."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from golive.access import Capability
from golive.api_errors import ERROR_RESPONSES, service_errors
from golive.api_fields import IdField
from golive.api_permissions import api_access
from golive.http import signed_in_user
from golive.models import StaffMember
from training import services
from training.api.scoping import visible_go_live
from training.models import ScopeChange

C = Capability


class ScopeChangeSerializer(serializers.ModelSerializer):
    staff_number = serializers.CharField(source="staff.staff_number", read_only=True)
    full_name = serializers.CharField(source="staff.full_name", read_only=True)

    class Meta:
        model = ScopeChange
        fields = ("id", "go_live", "staff_number", "full_name", "kind", "reason")
        read_only_fields = fields


class ScopeChangeRequestSerializer(serializers.Serializer):
    go_live = serializers.IntegerField(min_value=1)
    staff_number = serializers.CharField(max_length=32)
    # A plain string checked by the service: another "kind" enum would clash in the schema.
    kind = serializers.CharField(
        max_length=10,
        help_text="include (add to the scope) or exclude (take out of it).",
    )
    reason = serializers.CharField(max_length=200)


class ScopeChangeFilterSerializer(serializers.Serializer):
    go_live = IdField(required=False)


@extend_schema_view(
    list=extend_schema(
        summary="Manual scope changes for staff you may see",
        parameters=[ScopeChangeFilterSerializer],
        responses={200: ScopeChangeSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(responses={200: ScopeChangeSerializer, **ERROR_RESPONSES}),
    create=extend_schema(
        summary="Add someone to a go-live's training scope, or exclude them",
        request=ScopeChangeRequestSerializer,
        responses={201: ScopeChangeSerializer, **ERROR_RESPONSES},
    ),
    destroy=extend_schema(summary="Undo a scope change", responses={204: None, **ERROR_RESPONSES}),
)
class ScopeChangeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """People added to or excluded from a go-live's training scope by hand. Listed for
    staff the caller may see; changed only by programme-wide training leads."""

    lookup_value_converter = "int"
    serializer_class = ScopeChangeSerializer
    write_capability = C.MANAGE_TRAINING

    def get_queryset(self) -> QuerySet[ScopeChange]:
        access = api_access(self.request)
        rows = ScopeChange.objects.filter(
            go_live__in=access.go_lives(), staff__in=access.staff().values("pk")
        ).select_related("staff")
        if self.action == "list":
            filters = ScopeChangeFilterSerializer(data=self.request.query_params)
            filters.is_valid(raise_exception=True)
            if "go_live" in filters.validated_data:
                rows = rows.filter(go_live_id=filters.validated_data["go_live"])
        return rows.order_by("go_live_id", "staff__full_name", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        access = api_access(request)
        body = ScopeChangeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        go_live = visible_go_live(access, data["go_live"])
        # The service checks this too, but only after the staff number is looked up: asked
        # first, a lead who may not change the scope learns nothing of who has which number.
        if not access.has_programme_wide(C.MANAGE_TRAINING, go_live.programme):
            raise exceptions.PermissionDenied(services.PROGRAMME_WIDE_ONLY)
        staff = StaffMember.objects.filter(
            organisation_id=go_live.programme.organisation_id, staff_number=data["staff_number"]
        ).first()
        if staff is None:
            raise serializers.ValidationError(
                {"staff_number": ["No one on the staff list has that staff number."]}
            )
        with service_errors():
            change = services.change_scope(
                access=access,
                user=signed_in_user(request),
                go_live=go_live,
                staff=staff,
                kind=data["kind"],
                reason=data["reason"],
            )
        return Response(ScopeChangeSerializer(change).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with service_errors():
            services.undo_scope_change(access=api_access(request), change=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
