"""Command and control over the API: cells (with their live stand-down status), the
escalations they handle, stepped up one level at a time, and sit-reps. Scoped to go-lives
whose every area the caller may see; writes go through ``readiness.command.services``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from golive.access import Access, Capability
from golive.api_errors import ERROR_RESPONSES, call_service
from golive.api_permissions import api_access
from golive.http import signed_in_user
from golive.models import GoLive
from readiness.command import selectors, services
from readiness.endpoints import WRITE_ERRORS, programme_user, valid, visible_go_live
from readiness.guards import sees_whole_go_live
from readiness.models import CommandCell, SitRep, StandDownCriterion
from support.models import Escalation
from support.selectors import visible_escalations


class StandDownStateSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="criterion.pk")
    title = serializers.CharField(source="criterion.title")
    kind = serializers.ChoiceField(source="criterion.kind", choices=StandDownCriterion.Kind.choices)
    met = serializers.BooleanField()
    figure = serializers.CharField(help_text="The live figure, or the lead's note.")


class CommandCellSerializer(serializers.ModelSerializer):
    level = serializers.ChoiceField(choices=CommandCell.Level.choices, read_only=True)
    stand_down_met = serializers.SerializerMethodField()
    stand_down_criteria = serializers.SerializerMethodField()

    class Meta:
        model = CommandCell
        fields = (
            "id",
            "go_live",
            "level",
            "name",
            "lead",
            "stood_down_at",
            "stood_down_by",
            "stand_down_override",
            "stand_down_met",
            "stand_down_criteria",
        )
        read_only_fields = fields

    def _states(self, cell: CommandCell) -> list[selectors.StandDownState]:
        return selectors.stand_down_states(cell, now=timezone.now())

    @extend_schema_field(serializers.BooleanField())
    def get_stand_down_met(self, cell: CommandCell) -> bool:
        return selectors.stand_down_met(self._states(cell))

    @extend_schema_field(StandDownStateSerializer(many=True))
    def get_stand_down_criteria(self, cell: CommandCell) -> Any:
        return StandDownStateSerializer(self._states(cell), many=True).data


class CellCreateSerializer(serializers.Serializer):
    go_live = serializers.IntegerField(min_value=1)
    level = serializers.ChoiceField(choices=CommandCell.Level.choices)
    name = serializers.CharField(max_length=100)
    lead = serializers.IntegerField(min_value=1)


class CellUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    lead = serializers.IntegerField(min_value=1)


def _whole_go_lives(access: Access) -> list[int]:
    # Cells, escalations and sit-reps speak for every area of a go-live.
    return [g.pk for g in access.go_lives() if sees_whole_go_live(access, g)]


@extend_schema_view(
    list=extend_schema(responses={200: CommandCellSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: CommandCellSerializer, **ERROR_RESPONSES}),
)
class CommandCellViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Bronze, silver and gold cells of the go-lives whose every area the caller may see,
    with whether their stand-down criteria are met now; programme managers set them up."""

    lookup_value_converter = "int"
    serializer_class = CommandCellSerializer
    write_capability = Capability.MANAGE_GO_LIVES

    def get_queryset(self) -> QuerySet[CommandCell]:
        whole = _whole_go_lives(api_access(self.request))
        return CommandCell.objects.filter(go_live__in=whole).order_by("pk")

    @extend_schema(
        summary="Set up a command cell",
        request=CellCreateSerializer,
        responses={201: CommandCellSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = valid(CellCreateSerializer, request)
        go_live = visible_go_live(request, data.pop("go_live"))
        data["lead"] = programme_user(go_live.programme, data["lead"], "lead")
        row = call_service(
            services.create_cell, access=api_access(request), go_live=go_live, **data
        )
        return Response(CommandCellSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Rename a cell or hand it to a new lead",
        request=CellUpdateSerializer,
        responses={200: CommandCellSerializer, **WRITE_ERRORS},
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        row = self.get_object()
        data = valid(CellUpdateSerializer, request)
        data["lead"] = programme_user(row.go_live.programme, data["lead"], "lead")
        call_service(services.update_cell, access=api_access(request), cell=row, **data)
        return Response(CommandCellSerializer(row).data)


class StepSerializer(serializers.Serializer):
    from_level = serializers.ChoiceField(choices=CommandCell.Level.choices)
    to_level = serializers.ChoiceField(choices=CommandCell.Level.choices)
    by = serializers.CharField(source="by.display_name")
    at = serializers.DateTimeField()
    note = serializers.CharField()


class EscalationSerializer(serializers.ModelSerializer):
    level = serializers.ChoiceField(choices=Escalation.Level.choices, read_only=True)
    steps = serializers.SerializerMethodField(
        help_text="The raise from bronze, then each step up, oldest first."
    )

    class Meta:
        model = Escalation
        fields = ("id", "go_live", "level", "summary", "ticket", "area", "escalated_at", "steps")
        read_only_fields = fields

    @extend_schema_field(StepSerializer(many=True))
    def get_steps(self, escalation: Escalation) -> Any:
        return StepSerializer(selectors.escalation_trail(escalation), many=True).data


class StepUpSerializer(serializers.Serializer):
    to_level = serializers.ChoiceField(
        choices=CommandCell.Level.choices, help_text="The next level up (gold from silver)."
    )
    note = serializers.CharField(max_length=2000)


@extend_schema_view(
    list=extend_schema(responses={200: EscalationSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: EscalationSerializer, **ERROR_RESPONSES}),
)
class EscalationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Escalations to the command cells, with every step; the lead of the cell holding one
    (or a programme manager) steps it up."""

    lookup_value_converter = "int"
    serializer_class = EscalationSerializer
    # Cell leads hold no particular capability: the service decides who may step up.
    write_capability = Capability.VIEW

    def get_queryset(self) -> QuerySet[Escalation]:
        access = api_access(self.request)
        rows = Escalation.objects.none()
        for go_live in GoLive.objects.filter(pk__in=_whole_go_lives(access)):
            rows = rows | visible_escalations(access, go_live)
        return rows.select_related("escalated_by", "go_live__programme").order_by("pk")

    @extend_schema(
        summary="Step an escalation up one level, saying why",
        request=StepUpSerializer,
        responses={201: EscalationSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="step-up")
    def step_up(self, request: Request, pk: int, **kwargs: Any) -> Response:
        row = self.get_object()
        access = api_access(request)
        # Who may step it up is known before the body is read: refuse others (executives
        # included) with a 403, not a 400 about the note they should not be writing.
        if not selectors.can_step_up(access, row):
            raise PermissionDenied(
                "Only a programme manager or the lead of the cell holding the escalation may "
                "step it up."
            )
        call_service(
            services.step_up_escalation, access=access, user=signed_in_user(request),
            escalation=row, **valid(StepUpSerializer, request),
        )  # fmt: skip
        body = EscalationSerializer(self.get_queryset().get(pk=row.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


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
        whole = _whole_go_lives(api_access(self.request))
        return SitRep.objects.filter(cell__go_live__in=whole).select_related("cell").order_by("pk")
