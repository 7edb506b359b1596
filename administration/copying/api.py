"""Go-lives set up from previous ones, over the API: the copies of programmes the caller
manages go-lives for, and a new copy (or, with ``dry_run``, its preview)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from administration.copying import selectors, services
from administration.models import GoLiveCopy
from golive.access import Access, Capability
from golive.api_errors import ERROR_RESPONSES, call_service, refusal_responses
from golive.api_permissions import api_access
from golive.http import signed_in_user
from golive.models import Area, GoLive

REFUSED = ("name_taken", "no_areas", "area_not_in_programme", "technical_after_user", "too_far")
MAX_ID = 2**63 - 1


class GoLiveCopySerializer(serializers.ModelSerializer):
    target_name = serializers.CharField(source="target.name", read_only=True)
    source_name = serializers.CharField(source="source.name", read_only=True)
    created = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="What each copy step created: {step key: [item labels]}.",
    )

    class Meta:
        model = GoLiveCopy
        fields = (
            "id",
            "source",
            "source_name",
            "target",
            "target_name",
            "created_by",
            "created_at",
            "offset_days",
            "created",
        )
        read_only_fields = fields


class CopyRequestSerializer(serializers.Serializer):
    # DRF's stubs type ``Field.source`` and ``Field.label`` as attributes; these are fields.
    source = serializers.IntegerField(  # type: ignore[assignment]
        min_value=1, max_value=MAX_ID, help_text="The go-live to copy from."
    )
    name = serializers.CharField(max_length=200)
    user_go_live_date = serializers.DateField()
    technical_go_live_date = serializers.DateField(required=False, allow_null=True, default=None)
    approach = serializers.ChoiceField(
        choices=GoLive.Approach.choices,
        required=False,
        default="",
        help_text="Default: the source's approach.",
    )
    areas = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        allow_null=True,
        default=None,
        help_text="Area ids; default: the source's active areas.",
    )
    dry_run = serializers.BooleanField(
        default=False, help_text="Preview what would be created, and create nothing."
    )


class StepPlanSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    note = serializers.CharField()
    count = serializers.IntegerField()
    items = serializers.ListField(child=serializers.CharField())


class CopyPlanSerializer(serializers.Serializer):
    source = serializers.IntegerField(source="source.pk")  # type: ignore[assignment]
    name = serializers.CharField(source="target.name")
    user_go_live_date = serializers.DateField(source="target.user_go_live_date")
    technical_go_live_date = serializers.DateField(
        source="target.technical_go_live_date", allow_null=True
    )
    approach = serializers.CharField()
    areas = serializers.SerializerMethodField()
    offset_days = serializers.IntegerField()
    existing_target = serializers.SerializerMethodField(
        help_text="The go-live an earlier run of this copy created, if any."
    )
    total = serializers.IntegerField()
    steps = StepPlanSerializer(many=True)

    def get_areas(self, plan: services.CopyPlan) -> list[int]:
        return [area.pk for area in plan.target.areas]

    def get_existing_target(self, plan: services.CopyPlan) -> int | None:
        return plan.target.existing.pk if plan.target.existing else None


def _source(access: Access, pk: int) -> GoLive:
    go_live = selectors.managed_go_lives(access).filter(pk=pk).first()
    if go_live is None:
        raise exceptions.ValidationError(
            {"source": "There is no such go-live of a programme you manage."}
        )
    return go_live


def _areas(pks: list[int] | None) -> list[Area] | None:
    if pks is None:
        return None
    areas = list(Area.objects.filter(pk__in=pks).select_related("site"))
    if len(areas) != len(set(pks)):
        raise exceptions.ValidationError({"areas": "There is no such area."})
    return areas


@extend_schema_view(
    list=extend_schema(responses={200: GoLiveCopySerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: GoLiveCopySerializer, **ERROR_RESPONSES}),
)
class GoLiveCopyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Go-lives set up from previous ones, in programmes whose go-lives the caller manages
    (programme-wide)."""

    lookup_value_converter = "int"
    serializer_class = GoLiveCopySerializer
    write_capability = Capability.MANAGE_GO_LIVES

    @extend_schema(
        summary="Set up a go-live from a previous one (or preview it with dry_run)",
        request=CopyRequestSerializer,
        responses={
            201: GoLiveCopySerializer,
            200: OpenApiResponse(CopyPlanSerializer, description="dry_run: what would be created."),
            **refusal_responses(refused=REFUSED),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = CopyRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        access = api_access(request)
        arguments = {
            **data,
            "access": access,
            "source": _source(access, data["source"]),
            "areas": _areas(data["areas"]),
        }
        if arguments.pop("dry_run"):
            plan = call_service(services.preview_copy, **arguments)
            return Response(CopyPlanSerializer(plan).data)
        record = call_service(services.copy_go_live, by=signed_in_user(request), **arguments)
        return Response(GoLiveCopySerializer(record).data, status=status.HTTP_201_CREATED)

    def get_queryset(self) -> QuerySet[GoLiveCopy]:
        return selectors.visible_copies(api_access(self.request))
