"""Gates over the API: the go-lives' gates, signing off a required role, and the evidence
pack frozen at the decision. Writes go through ``readiness.gates.services``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from golive.access import Capability
from golive.api_errors import ERROR_RESPONSES, call_service
from golive.api_permissions import api_access
from golive.http import signed_in_user
from readiness.endpoints import WRITE_ERRORS
from readiness.gates import services
from readiness.guards import sees_whole_go_live
from readiness.models import Gate, SignOff, SignOffRole, Verdict


class SignOffSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=SignOffRole.choices, read_only=True)
    verdict = serializers.ChoiceField(choices=Verdict.choices, read_only=True)
    signed_by = serializers.CharField(source="signed_by.display_name", read_only=True)

    class Meta:
        model = SignOff
        fields = ("role", "verdict", "note", "signed_by", "signed_at")
        read_only_fields = fields


class GateSerializer(serializers.ModelSerializer):
    sign_offs = SignOffSerializer(many=True, read_only=True)
    required_roles = serializers.ListField(
        child=serializers.ChoiceField(choices=SignOffRole.choices), read_only=True
    )
    decision = serializers.ChoiceField(
        choices=Verdict.choices,
        read_only=True,
        allow_blank=True,
        help_text="Empty until the gate is decided.",
    )

    class Meta:
        model = Gate
        fields = (
            "id",
            "go_live",
            "name",
            "days_before",
            "required_roles",
            "decision",
            "decided_at",
            "sign_offs",
        )
        read_only_fields = fields


class SignOffRequestSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=SignOffRole.choices)
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    note = serializers.CharField(allow_blank=True, required=False, default="", max_length=2000)


class EvidencePackSerializer(serializers.Serializer):
    gate = serializers.IntegerField(source="gate_id")
    frozen_at = serializers.DateTimeField()
    checksum = serializers.CharField()
    snapshot = serializers.JSONField()


@extend_schema_view(
    list=extend_schema(responses={200: GateSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: GateSerializer, **ERROR_RESPONSES}),
)
class GateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Go/no-go gates of the go-lives the caller may see."""

    lookup_value_converter = "int"
    serializer_class = GateSerializer
    write_capability = Capability.SIGN_OFF_GATES

    def get_queryset(self) -> QuerySet[Gate]:
        return (
            Gate.objects.filter(go_live__in=api_access(self.request).go_lives())
            .prefetch_related("sign_offs__signed_by")
            .order_by("pk")
        )

    @extend_schema(
        summary="Sign off one required role (go / go with conditions / no-go)",
        request=SignOffRequestSerializer,
        responses={201: GateSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, pk: int, **kwargs: Any) -> Response:
        gate = self.get_object()
        incoming = SignOffRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        call_service(
            services.sign_off_gate,
            access=api_access(request),
            user=signed_in_user(request),
            gate=gate,
            **incoming.validated_data,
        )
        body = self.get_serializer(self.get_queryset().get(pk=gate.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The evidence frozen when the gate was decided",
        responses={200: EvidencePackSerializer, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["get"], url_path="evidence-pack")
    def evidence_pack(self, request: Request, pk: int, **kwargs: Any) -> Response:
        gate = self.get_object()
        if not sees_whole_go_live(api_access(request), gate.go_live):
            raise exceptions.PermissionDenied("The evidence pack covers every area of the go-live.")
        pack = getattr(gate, "evidence_pack", None)
        if pack is None:
            raise exceptions.NotFound("This gate has not been decided yet.")
        return Response(EvidencePackSerializer(pack).data)
