"""Assessment over the API: criteria (with their live status, assessed by hand when manual)
and readiness groups with their meetings and actions. Querysets are scoped through
``Access``; writes go through ``readiness.assessment.services``, which apply the same rules
as pages."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from golive.access import Capability
from golive.api_errors import ERROR_RESPONSES, call_service
from golive.api_fields import IdField
from golive.api_permissions import api_access
from golive.http import signed_in_user
from golive.models import User
from readiness.assessment import selectors, services
from readiness.endpoints import WRITE_ERRORS, programme_user, valid, visible_staff_member
from readiness.models import Action, Criterion, Domain, Meeting, Rag, ReadinessGroup

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
        rows = api_access(self.request).filter_by_area(Criterion.objects.all(), area_field="area")
        rows = rows.filter(go_live__in=api_access(self.request).go_lives())
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
        states = selectors.criterion_states(
            api_access(self.request), rows, today=timezone.localdate()
        )
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
        call_service(
            services.update_criterion,
            access=api_access(request),
            user=signed_in_user(request),
            criterion=criterion,
            rag=data["rag"],
            comment=data["comment"],
            evidence_link=data["evidence_link"],
            evidence_file=None,
            owner=owner,
        )
        return Response(self._serialize([self.get_queryset().get(pk=criterion.pk)], many=False))


class ActionSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=Action.Status.choices, read_only=True)

    class Meta:
        model = Action
        fields = (
            "id",
            "description",
            "owner",
            "owner_staff",
            "owner_name",
            "due_on",
            "status",
            "meeting",
        )
        read_only_fields = fields

    owner_name = serializers.SerializerMethodField()

    def get_owner_name(self, action: Action) -> str:
        """The owner's name, whether they sign in or are on the staff list."""
        if action.owner_staff is not None:
            return action.owner_staff.full_name
        return action.owner.display_name if action.owner is not None else ""


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
    owner = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None,
        help_text="A user with a role on the programme; or send owner_staff instead.",
    )  # fmt: skip
    owner_staff = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None,
        help_text="A staff member without an account, whom you may see; or send owner.",
    )  # fmt: skip
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
            selectors.visible_groups(api_access(self.request))
            .prefetch_related(
                Prefetch("actions", Action.objects.select_related("owner", "owner_staff")),
                "members",
            )
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
        programme = api_access(request).programmes().filter(pk=data.pop("programme")).first()
        if programme is None:
            raise exceptions.ValidationError({"programme": "There is no such programme."})
        for field in ("clinical_chair", "operational_chair"):
            data[field] = programme_user(programme, data[field], field)
        data["members"] = [programme_user(programme, pk, "members") for pk in data["members"]]
        group = call_service(
            services.create_group, access=api_access(request), programme=programme, **data
        )
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
        meeting = call_service(
            services.record_meeting, access=api_access(request), group=group,
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
        if data["owner"] is not None:
            data["owner"] = programme_user(group.programme, data["owner"], "owner")
        if data["owner_staff"] is not None:
            data["owner_staff"] = visible_staff_member(
                api_access(request), group.programme, data["owner_staff"], "owner_staff"
            )
        if data["meeting"] is not None:
            data["meeting"] = group.meetings.filter(pk=data["meeting"]).first()
            if data["meeting"] is None:
                raise exceptions.ValidationError({"meeting": "Choose a meeting of this group."})
        row = call_service(services.add_action, access=api_access(request), group=group, **data)
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
        call_service(
            services.set_action_status, access=api_access(request), user=signed_in_user(request),
            action=row, status=data["status"],
        )  # fmt: skip
        return Response(ActionSerializer(row).data)
