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
from golive.api_fields import IdField
from golive.models import GoLive, Programme, User
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
    Meeting,
    Milestone,
    Rag,
    ReadinessGroup,
    SignOff,
    SignOffRole,
    SitRep,
    Verdict,
)

RULE_CODES = (
    "computed, evidence_required, decided, not_required, already_signed, note_required, "
    "stale, already_at_level, skips_level, duplicate"
)


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


def programme_user(programme: Programme, pk: int, field: str) -> User:
    """A user with a role on ``programme``: people are chosen by id, never outside it."""
    user = User.objects.filter(pk=pk, role_grants__programme=programme).distinct().first()
    if user is None:
        raise exceptions.ValidationError({field: "There is no such user on this programme."})
    return user


def visible_go_live(request: Request, pk: int) -> GoLive:
    go_live = _access(request).go_lives().filter(pk=pk).first()
    if go_live is None:
        raise exceptions.ValidationError({"go_live": "There is no such go-live you may see."})
    return go_live


def valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    incoming = serializer_class(data=request.data)
    incoming.is_valid(raise_exception=True)
    return dict(incoming.validated_data)


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
    # Declared, not generated: a generated read-only field drops allow_blank, and the schema
    # would then say every criterion has a link.
    evidence_link = serializers.URLField(read_only=True, allow_blank=True)
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
    go_live = IdField(required=False)
    area = IdField(required=False)
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
    def assess(self, request: Request, pk: int, **kwargs: Any) -> Response:
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
    def sign_off(self, request: Request, pk: int, **kwargs: Any) -> Response:
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
    def evidence_pack(self, request: Request, pk: int, **kwargs: Any) -> Response:
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
            Hazard.objects.filter(programme__in=_access(self.request).programmes())
            .prefetch_related("criteria", selectors.visible_ticket_links(_access(self.request)))
            .order_by("programme_id", "number")
        )

    def _save(self, programme: Programme, hazard: Hazard | None, data: dict[str, Any]) -> Hazard:
        data["owner"] = programme_user(programme, data["owner"], "owner")
        wanted = set(data.pop("criteria"))
        criteria = list(programme.criterion_templates.filter(pk__in=wanted))
        if len(criteria) != len(wanted):
            raise exceptions.ValidationError({"criteria": "Choose criteria of this programme."})
        version = data.pop("version", None)
        return cast(
            Hazard,
            _call(
                services.save_hazard, access=_access(self.request), programme=programme,
                hazard=hazard, fields=data, criteria=criteria, expected_version=version,
            ),
        )  # fmt: skip

    @extend_schema(
        summary="Add a hazard to a programme's log",
        request=HazardCreateSerializer,
        responses={201: HazardSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = valid(HazardCreateSerializer, request)
        programme = _access(request).programmes().filter(pk=data.pop("programme")).first()
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
        _call(
            services.sign_off_hazard, access=_access(request), user=cast(User, request.user),
            hazard=hazard, version=valid(HazardSignOffSerializer, request)["version"],
        )  # fmt: skip
        return Response(HazardSerializer(self.get_queryset().get(pk=hazard.pk)).data)


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


class GroupCreateSerializer(serializers.Serializer):
    programme = serializers.IntegerField(min_value=1)
    name = serializers.CharField(max_length=200)
    domains = serializers.ListField(
        child=serializers.ChoiceField(choices=Domain.choices), allow_empty=False
    )
    clinical_chair = serializers.IntegerField(min_value=1)
    operational_chair = serializers.IntegerField(min_value=1)
    members = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list
    )
    cadence = serializers.ChoiceField(
        choices=ReadinessGroup.Cadence.choices, default=ReadinessGroup.Cadence.WEEKLY
    )


class MeetingCreateSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    notes = serializers.CharField(allow_blank=True, required=False, default="", max_length=4000)
    decisions = serializers.ListField(
        child=serializers.CharField(max_length=2000), required=False, default=list
    )


class MeetingSerializer(serializers.ModelSerializer):
    decisions: serializers.Field = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="text"
    )

    class Meta:
        model = Meeting
        fields = ("id", "group", "held_on", "notes", "decisions")
        read_only_fields = fields


class ActionCreateSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=2000)
    owner = serializers.IntegerField(min_value=1)
    due_on = serializers.DateField()
    meeting = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)


class ActionStatusSerializer(serializers.Serializer):
    action = serializers.IntegerField(min_value=1, help_text="The action's id.")
    status = serializers.ChoiceField(choices=Action.Status.choices)


@extend_schema_view(
    list=extend_schema(responses={200: GroupSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: GroupSerializer, **ERROR_RESPONSES}),
)
class GroupViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Readiness groups of the caller's programmes, with their actions. Programme managers
    set up groups; co-chairs record meetings and actions; owners close their actions."""

    lookup_value_converter = "int"
    serializer_class = GroupSerializer
    write_capability = Capability.EDIT_READINESS

    def get_queryset(self) -> QuerySet[ReadinessGroup]:
        return (
            selectors.visible_groups(_access(self.request))
            .prefetch_related("actions", "members")
            .order_by("pk")
        )

    def _group(self, pk: int) -> Response:
        return Response(GroupSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(
        summary="Set up a readiness group (programme managers)",
        request=GroupCreateSerializer,
        responses={201: GroupSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = valid(GroupCreateSerializer, request)
        programme = _access(request).programmes().filter(pk=data.pop("programme")).first()
        if programme is None:
            raise exceptions.ValidationError({"programme": "There is no such programme."})
        for field in ("clinical_chair", "operational_chair"):
            data[field] = programme_user(programme, data[field], field)
        data["members"] = [programme_user(programme, pk, "members") for pk in data["members"]]
        group = _call(services.create_group, access=_access(request), programme=programme, **data)
        response = self._group(group.pk)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(
        summary="Record a meeting and its decisions (the group's co-chairs)",
        request=MeetingCreateSerializer,
        responses={201: MeetingSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def meetings(self, request: Request, pk: int, **kwargs: Any) -> Response:
        group = self.get_object()
        meeting = _call(
            services.record_meeting, access=_access(request), group=group,
            **valid(MeetingCreateSerializer, request),
        )  # fmt: skip
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Add an action (the group's co-chairs)",
        request=ActionCreateSerializer,
        responses={201: ActionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def actions(self, request: Request, pk: int, **kwargs: Any) -> Response:
        group = self.get_object()
        data = valid(ActionCreateSerializer, request)
        data["owner"] = programme_user(group.programme, data["owner"], "owner")
        if data["meeting"] is not None:
            data["meeting"] = group.meetings.filter(pk=data["meeting"]).first()
            if data["meeting"] is None:
                raise exceptions.ValidationError({"meeting": "Choose a meeting of this group."})
        row = _call(services.add_action, access=_access(request), group=group, **data)
        return Response(ActionSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Close or reopen an action (its owner or the group's co-chairs)",
        request=ActionStatusSerializer,
        responses={200: ActionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="action-status")
    def action_status(self, request: Request, pk: int, **kwargs: Any) -> Response:
        group = self.get_object()
        data = valid(ActionStatusSerializer, request)
        row = group.actions.filter(pk=data["action"]).first()
        if row is None:
            raise exceptions.ValidationError({"action": "Choose an action of this group."})
        _call(
            services.set_action_status, access=_access(request), user=cast(User, request.user),
            action=row, status=data["status"],
        )  # fmt: skip
        return Response(ActionSerializer(row).data)


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
        row = _call(services.add_milestone, access=_access(request), go_live=go_live, **data)
        return Response(MilestoneSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Rename, re-date or complete a milestone",
        request=MilestoneUpdateSerializer,
        responses={200: MilestoneSerializer, **WRITE_ERRORS},
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        row = self.get_object()
        data = valid(MilestoneUpdateSerializer, request)
        _call(services.update_milestone, access=_access(request), milestone=row, **data)
        return Response(MilestoneSerializer(row).data)

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
        row = _call(services.add_comms_item, access=_access(request), go_live=go_live, **data)
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
        _call(services.update_comms_item, access=_access(request), item=row, **data)
        return Response(CommsItemSerializer(row).data)

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
