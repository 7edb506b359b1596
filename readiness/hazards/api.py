"""The hazard log over the API: hazards of the caller's programmes with their risk ratings
and the desk tickets (of areas the caller may see) linked to them; clinical safety officers
add and edit hazards and sign off the version they read."""

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
from golive.models import Programme
from readiness.endpoints import WRITE_ERRORS, programme_user, valid
from readiness.hazards import risk, selectors, services
from readiness.models import Hazard


class HazardSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=Hazard.Status.choices, read_only=True)
    reference = serializers.CharField(read_only=True)
    initial_risk = serializers.SerializerMethodField()
    residual_risk = serializers.SerializerMethodField()
    ticket_ids = serializers.SerializerMethodField()

    class Meta:
        model = Hazard
        fields = (
            "id",
            "reference",
            "programme",
            "title",
            "cause",
            "effect",
            "initial_severity",
            "initial_likelihood",
            "initial_risk",
            "controls",
            "residual_severity",
            "residual_likelihood",
            "residual_risk",
            "owner",
            "status",
            "criteria",
            "cso_signed_off_by",
            "cso_signed_off_at",
            "version",
            "cso_signed_version",
            "ticket_ids",
        )
        read_only_fields = fields

    def get_initial_risk(self, hazard: Hazard) -> int:
        return risk.risk_rating(hazard.initial_severity, hazard.initial_likelihood)

    def get_residual_risk(self, hazard: Hazard) -> int:
        return risk.risk_rating(hazard.residual_severity, hazard.residual_likelihood)

    def get_ticket_ids(self, hazard: Hazard) -> list[int]:
        return [link.ticket_id for link in hazard.ticket_links.all()]


class HazardWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    cause = serializers.CharField(max_length=2000)
    effect = serializers.CharField(max_length=2000)
    initial_severity = serializers.IntegerField(min_value=1, max_value=5)
    initial_likelihood = serializers.IntegerField(min_value=1, max_value=5)
    controls = serializers.CharField(max_length=4000, allow_blank=True, required=False, default="")
    residual_severity = serializers.IntegerField(min_value=1, max_value=5)
    residual_likelihood = serializers.IntegerField(min_value=1, max_value=5)
    owner = serializers.IntegerField(min_value=1)
    status = serializers.ChoiceField(choices=Hazard.Status.choices, default=Hazard.Status.OPEN)
    criteria = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list,
        help_text="Criterion template ids of the same programme.",
    )  # fmt: skip


class HazardCreateSerializer(HazardWriteSerializer):
    programme = serializers.IntegerField(min_value=1)


class HazardUpdateSerializer(HazardWriteSerializer):
    version = serializers.IntegerField(
        min_value=1, help_text="The version you read; a newer one is refused with code stale."
    )


class HazardSignOffSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The version you are signing.")


@extend_schema_view(
    list=extend_schema(responses={200: HazardSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: HazardSerializer, **ERROR_RESPONSES}),
)
class HazardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The clinical safety hazard log of the caller's programmes; clinical safety officers
    add and edit hazards and sign off the version they read."""

    lookup_value_converter = "int"
    serializer_class = HazardSerializer
    write_capability = Capability.MANAGE_HAZARDS

    def get_queryset(self) -> QuerySet[Hazard]:
        return (
            Hazard.objects.filter(programme__in=api_access(self.request).programmes())
            .prefetch_related("criteria", selectors.visible_ticket_links(api_access(self.request)))
            .order_by("programme_id", "number")
        )

    def _save(self, programme: Programme, hazard: Hazard | None, data: dict[str, Any]) -> Hazard:
        data["owner"] = programme_user(programme, data["owner"], "owner")
        wanted = set(data.pop("criteria"))
        criteria = list(programme.criterion_templates.filter(pk__in=wanted))
        if len(criteria) != len(wanted):
            raise exceptions.ValidationError({"criteria": "Choose criteria of this programme."})
        version = data.pop("version", None)
        return call_service(
            services.save_hazard, access=api_access(self.request), programme=programme,
            hazard=hazard, fields=data, criteria=criteria, expected_version=version,
        )  # fmt: skip

    @extend_schema(
        summary="Add a hazard to a programme's log",
        request=HazardCreateSerializer,
        responses={201: HazardSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = valid(HazardCreateSerializer, request)
        programme = api_access(request).programmes().filter(pk=data.pop("programme")).first()
        if programme is None:
            raise exceptions.ValidationError({"programme": "There is no such programme."})
        hazard = self._save(programme, None, data)
        body = HazardSerializer(self.get_queryset().get(pk=hazard.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Edit a hazard (clears its CSO sign-off; refused if you read an old version)",
        request=HazardUpdateSerializer,
        responses={200: HazardSerializer, **WRITE_ERRORS},
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        hazard = self.get_object()
        hazard = self._save(hazard.programme, hazard, valid(HazardUpdateSerializer, request))
        return Response(HazardSerializer(self.get_queryset().get(pk=hazard.pk)).data)

    @extend_schema(
        summary="Sign off the version of the hazard you read (clinical safety officers)",
        request=HazardSignOffSerializer,
        responses={200: HazardSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, pk: int, **kwargs: Any) -> Response:
        hazard = self.get_object()
        call_service(
            services.sign_off_hazard, access=api_access(request), user=signed_in_user(request),
            hazard=hazard, version=valid(HazardSignOffSerializer, request)["version"],
        )  # fmt: skip
        return Response(HazardSerializer(self.get_queryset().get(pk=hazard.pk)).data)
