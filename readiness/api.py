"""Readiness over the API: criteria (with their live status), gates and sign-offs, the
frozen evidence pack, hazards, readiness groups and milestones. Querysets are scoped through
``Access``; writes go through ``readiness.services``, which apply the same rules as pages."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Q, QuerySet
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from golive.access import Access, Capability, access_for
from golive.api_errors import ERROR_RESPONSES, ErrorSerializer, service_errors
from golive.models import User
from readiness import risk, selectors, services
from readiness.models import (
    Action,
    Attendance,
    CommandCell,
    CommsItem,
    Criterion,
    Domain,
    EngagementEvent,
    Gate,
    Hazard,
    Milestone,
    Rag,
    ReadinessGroup,
    SignOff,
    SignOffRole,
    SitRep,
    Verdict,
)

RULE_CODES = "computed, evidence_required, decided, not_required, already_signed, note_required"


class RuleRefused(exceptions.APIException):
    """A readiness rule refused the request; ``code`` says which."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"
    default_detail = "The request breaks a readiness rule."


def _call(function: Any, **kwargs: Any) -> Any:
    """Run a service, turning its refusals into the API's error shape."""
    with service_errors(RuleRefused):
        return function(**kwargs)


def _access(request: Request) -> Access:
    return access_for(request._request)


WRITE_ERRORS = {
    400: OpenApiResponse(
        ErrorSerializer,
        description=f"Invalid input (field_errors) or a broken rule; code is one of {RULE_CODES}.",
    ),
    401: ErrorSerializer,
    403: OpenApiResponse(ErrorSerializer, description="Outside your areas or domains."),
    404: ErrorSerializer,
}


# Criteria.


class CriterionSerializer(serializers.ModelSerializer):
    rag = serializers.ChoiceField(
        choices=Rag.choices, read_only=True, help_text="The RAG recorded by hand."
    )
    title = serializers.CharField(source="template.title", read_only=True)
    domain = serializers.ChoiceField(
        choices=Domain.choices, source="template.domain", read_only=True
    )
    weight = serializers.IntegerField(source="template.weight", read_only=True)
    computed = serializers.BooleanField(source="template.is_computed", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    status = serializers.SerializerMethodField(
        help_text="The RAG, or a computed criterion's live status."
    )
    figure = serializers.SerializerMethodField(
        help_text="The live figure behind a computed status."
    )
    threshold = serializers.SerializerMethodField(help_text="The pass rule.")
    editable = serializers.SerializerMethodField(help_text="Whether you may assess it.")

    class Meta:
        model = Criterion
        fields = (
            "id",
            "go_live",
            "area",
            "area_name",
            "title",
            "domain",
            "weight",
            "computed",
            "status",
            "figure",
            "threshold",
            "editable",
            "rag",
            "evidence_link",
            "comment",
            "owner",
            "updated_at",
        )
        read_only_fields = fields

    def _state(self, criterion: Criterion) -> selectors.CriterionState:
        return cast(dict[int, selectors.CriterionState], self.context["states"])[criterion.pk]

    def get_status(self, criterion: Criterion) -> str:
        return self._state(criterion).rag

    def get_figure(self, criterion: Criterion) -> str:
        return self._state(criterion).figure

    def get_threshold(self, criterion: Criterion) -> str:
        return self._state(criterion).threshold

    def get_editable(self, criterion: Criterion) -> bool:
        return self._state(criterion).editable


class CriterionFilterSerializer(serializers.Serializer):
    go_live = serializers.IntegerField(required=False, min_value=1)
    area = serializers.IntegerField(required=False, min_value=1)
    domain = serializers.ChoiceField(choices=Domain.choices, required=False)


class AssessmentSerializer(serializers.Serializer):
    rag = serializers.ChoiceField(choices=Rag.choices)
    comment = serializers.CharField(allow_blank=True, required=False, default="", max_length=2000)
    evidence_link = serializers.URLField(
        allow_blank=True, required=False, default="", max_length=500
    )
    owner = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)


@extend_schema_view(
    list=extend_schema(
        parameters=[CriterionFilterSerializer],
        responses={200: CriterionSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(responses={200: CriterionSerializer, **ERROR_RESPONSES}),
)
class CriterionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Readiness criteria in the areas the caller may see, with their live status."""

    lookup_value_converter = "int"
    serializer_class = CriterionSerializer
    write_capability = Capability.EDIT_READINESS

    def get_queryset(self) -> QuerySet[Criterion]:
        rows = _access(self.request).filter_by_area(Criterion.objects.all(), area_field="area")
        rows = rows.filter(go_live__in=_access(self.request).go_lives())
        return rows.select_related("template", "area__site", "go_live__programme").order_by("pk")

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.action != "list":
            return queryset
        filters = CriterionFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        if "go_live" in data:
            queryset = queryset.filter(go_live_id=data["go_live"])
        if "area" in data:
            queryset = queryset.filter(area_id=data["area"])
        if "domain" in data:
            queryset = queryset.filter(template__domain=data["domain"])
        return queryset

    def _serialize(self, rows: list[Criterion], *, many: bool) -> Any:
        states = selectors.criterion_states(_access(self.request), rows, today=timezone.localdate())
        context = {**self.get_serializer_context(), "states": {s.criterion.pk: s for s in states}}
        return CriterionSerializer(rows if many else rows[0], many=many, context=context).data

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self._serialize(list(page or []), many=True))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._serialize([self.get_object()], many=False))

    @extend_schema(
        summary="Assess a manual criterion (RAG, evidence link, comment, owner)",
        request=AssessmentSerializer,
        responses={200: CriterionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def assess(self, request: Request, pk: int) -> Response:
        criterion = self.get_object()
        incoming = AssessmentSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        owner = None
        if data["owner"] is not None:
            owner = User.objects.filter(
                pk=data["owner"], role_grants__programme=criterion.go_live.programme
            ).first()
            if owner is None:
                raise exceptions.ValidationError(
                    {"owner": "There is no such user on this programme."}
                )
        _call(
            services.update_criterion,
            access=_access(request),
            user=cast(User, request.user),
            criterion=criterion,
            rag=data["rag"],
            comment=data["comment"],
            evidence_link=data["evidence_link"],
            evidence_file=None,
            owner=owner,
        )
        return Response(self._serialize([self.get_queryset().get(pk=criterion.pk)], many=False))


# Gates.


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
            Gate.objects.filter(go_live__in=_access(self.request).go_lives())
            .prefetch_related("sign_offs__signed_by")
            .order_by("pk")
        )

    @extend_schema(
        summary="Sign off one required role (go / go with conditions / no-go)",
        request=SignOffRequestSerializer,
        responses={201: GateSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, pk: int) -> Response:
        gate = self.get_object()
        incoming = SignOffRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        _call(
            services.sign_off_gate,
            access=_access(request),
            user=cast(User, request.user),
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
    def evidence_pack(self, request: Request, pk: int) -> Response:
        gate = self.get_object()
        if not selectors.sees_whole_go_live(_access(request), gate.go_live):
            raise exceptions.PermissionDenied("The evidence pack covers every area of the go-live.")
        pack = getattr(gate, "evidence_pack", None)
        if pack is None:
            raise exceptions.NotFound("This gate has not been decided yet.")
        return Response(EvidencePackSerializer(pack).data)


# Hazards, groups and milestones (read only over the API).


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
            "ticket_ids",
        )
        read_only_fields = fields

    def get_initial_risk(self, hazard: Hazard) -> int:
        return risk.risk_rating(hazard.initial_severity, hazard.initial_likelihood)

    def get_residual_risk(self, hazard: Hazard) -> int:
        return risk.risk_rating(hazard.residual_severity, hazard.residual_likelihood)

    def get_ticket_ids(self, hazard: Hazard) -> list[int]:
        return [link.ticket_id for link in hazard.ticket_links.all()]


@extend_schema_view(
    list=extend_schema(responses={200: HazardSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: HazardSerializer, **ERROR_RESPONSES}),
)
class HazardViewSet(viewsets.ReadOnlyModelViewSet):
    """The clinical safety hazard log of the caller's programmes."""

    lookup_value_converter = "int"
    serializer_class = HazardSerializer

    def get_queryset(self) -> QuerySet[Hazard]:
        return (
            Hazard.objects.filter(programme__in=_access(self.request).programmes())
            .prefetch_related("criteria", selectors.visible_ticket_links(_access(self.request)))
            .order_by("programme_id", "number")
        )


class ActionSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=Action.Status.choices, read_only=True)

    class Meta:
        model = Action
        fields = ("id", "description", "owner", "due_on", "status", "meeting")
        read_only_fields = fields


class GroupSerializer(serializers.ModelSerializer):
    cadence = serializers.ChoiceField(choices=ReadinessGroup.Cadence.choices, read_only=True)
    actions = ActionSerializer(many=True, read_only=True)
    domains = serializers.ListField(
        child=serializers.ChoiceField(choices=Domain.choices), read_only=True
    )

    class Meta:
        model = ReadinessGroup
        fields = (
            "id",
            "programme",
            "name",
            "domains",
            "clinical_chair",
            "operational_chair",
            "members",
            "cadence",
            "actions",
        )
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(responses={200: GroupSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: GroupSerializer, **ERROR_RESPONSES}),
)
class GroupViewSet(viewsets.ReadOnlyModelViewSet):
    """Readiness groups of the caller's programmes, with their actions."""

    lookup_value_converter = "int"
    serializer_class = GroupSerializer

    def get_queryset(self) -> QuerySet[ReadinessGroup]:
        return (
            selectors.visible_groups(_access(self.request))
            .prefetch_related("actions", "members")
            .order_by("pk")
        )


class MilestoneSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Milestone.Kind.choices, read_only=True)

    class Meta:
        model = Milestone
        fields = ("id", "go_live", "name", "kind", "due_on", "completed_on")
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(responses={200: MilestoneSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: MilestoneSerializer, **ERROR_RESPONSES}),
)
class MilestoneViewSet(viewsets.ReadOnlyModelViewSet):
    """Milestones of the go-lives the caller may see."""

    lookup_value_converter = "int"
    serializer_class = MilestoneSerializer

    def get_queryset(self) -> QuerySet[Milestone]:
        return selectors.visible_milestones(_access(self.request)).order_by("due_on", "pk")


class SitRepSerializer(serializers.ModelSerializer):
    go_live = serializers.IntegerField(source="cell.go_live_id", read_only=True)
    cell_level = serializers.ChoiceField(
        source="cell.level", choices=CommandCell.Level.choices, read_only=True
    )
    status = serializers.ChoiceField(choices=SitRep.Status.choices, read_only=True)

    class Meta:
        model = SitRep
        fields = (
            "id",
            "go_live",
            "cell",
            "cell_level",
            "period_start",
            "period_end",
            "status",
            "summary",
            "figures",
            "drafted_at",
            "published_at",
            "published_by",
        )
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(responses={200: SitRepSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: SitRepSerializer, **ERROR_RESPONSES}),
)
class SitRepViewSet(viewsets.ReadOnlyModelViewSet):
    """Sit-reps of the go-lives whose every area the caller may see (they cover them all)."""

    lookup_value_converter = "int"
    serializer_class = SitRepSerializer

    def get_queryset(self) -> QuerySet[SitRep]:
        access = _access(self.request)
        whole = [g.pk for g in access.go_lives() if selectors.sees_whole_go_live(access, g)]
        return SitRep.objects.filter(cell__go_live__in=whole).select_related("cell").order_by("pk")


class CommsItemSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=CommsItem.Status.choices, read_only=True)

    class Meta:
        model = CommsItem
        fields = ("id", "go_live", "title", "audience", "channel", "planned_on", "owner", "status")
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(responses={200: CommsItemSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: CommsItemSerializer, **ERROR_RESPONSES}),
)
class CommsItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Communications plan items of the go-lives the caller may see."""

    lookup_value_converter = "int"
    serializer_class = CommsItemSerializer

    def get_queryset(self) -> QuerySet[CommsItem]:
        go_lives = _access(self.request).go_lives()
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
        access = _access(self.request)
        return (
            EngagementEvent.objects.filter(go_live__in=access.go_lives())
            .filter(Q(area__isnull=True) | Q(area__in=access.areas()))
            .prefetch_related("attendance")
            .order_by("held_on", "pk")
        )
