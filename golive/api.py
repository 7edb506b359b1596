"""Read API for the shared core. Every queryset is scoped through ``Access``."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from golive import definitions
from golive.access import Capability
from golive.api_errors import ERROR_RESPONSES
from golive.api_permissions import api_access
from golive.models import Area, GoLive, Release, Role, StaffMember


class AreaSerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="site.name", read_only=True)
    site_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = Area
        fields = ("id", "code", "name", "site", "site_id", "area_type", "specialty", "is_active")


class ReleaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Release
        fields = ("id", "name", "version", "planned_date", "description")


class GoLiveSerializer(serializers.ModelSerializer):
    programme = serializers.CharField(source="programme.name", read_only=True)
    releases = ReleaseSerializer(many=True, read_only=True)
    area_ids = serializers.SerializerMethodField()

    class Meta:
        model = GoLive
        fields = (
            "id",
            "name",
            "programme",
            "approach",
            "stage",
            "technical_go_live_date",
            "dual_running_ends_on",
            "user_go_live_date",
            "stabilisation_ends_on",
            "scope_note",
            "releases",
            "area_ids",
        )

    def get_area_ids(self, go_live: GoLive) -> list[int]:
        # Only the scope areas the caller may see (prefetched by the view).
        return [area.pk for area in go_live.visible_areas]  # type: ignore[attr-defined]


class StaffMemberSerializer(serializers.ModelSerializer):
    area_ids = serializers.SerializerMethodField()

    class Meta:
        model = StaffMember
        fields = (
            "id",
            "staff_number",
            "full_name",
            "role_group",
            "job_title",
            "start_date",
            "area_ids",
        )

    def get_area_ids(self, member: StaffMember) -> list[int]:
        return [area.pk for area in member.visible_areas]  # type: ignore[attr-defined]


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))
    is_read_only = serializers.BooleanField()


@extend_schema_view(
    list=extend_schema(responses={200: AreaSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: AreaSerializer, **ERROR_RESPONSES}),
)
class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_converter = "int"
    serializer_class = AreaSerializer

    def get_queryset(self) -> QuerySet[Area]:
        return api_access(self.request).areas().order_by("site__name", "name")


@extend_schema_view(
    list=extend_schema(responses={200: GoLiveSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: GoLiveSerializer, **ERROR_RESPONSES}),
)
class GoLiveViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_converter = "int"
    serializer_class = GoLiveSerializer

    def get_queryset(self) -> QuerySet[GoLive]:
        access = api_access(self.request)
        return (
            access.go_lives()
            .prefetch_related(
                "releases",
                Prefetch("areas", queryset=access.areas().order_by("pk"), to_attr="visible_areas"),
            )
            .order_by("user_go_live_date", "pk")
        )


@extend_schema_view(
    list=extend_schema(responses={200: StaffMemberSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: StaffMemberSerializer, **ERROR_RESPONSES}),
)
class StaffMemberViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_converter = "int"
    serializer_class = StaffMemberSerializer

    def get_queryset(self) -> QuerySet[StaffMember]:
        access = api_access(self.request)
        return (
            access.staff()
            .prefetch_related(
                Prefetch(
                    "areas",
                    queryset=access.areas(Capability.VIEW_STAFF).order_by("pk"),
                    to_attr="visible_areas",
                )
            )
            .order_by("staff_number")
        )


@extend_schema(responses={200: MeSerializer, **ERROR_RESPONSES})
@api_view(["GET"])
def me(request: Request) -> Response:
    """Who the caller is and what they may do."""
    access = api_access(request)
    user = request.user
    data = {
        "username": user.get_username(),
        "display_name": getattr(user, "display_name", user.get_username()),
        "roles": sorted(access.roles),
        "is_read_only": access.is_read_only,
    }
    return Response(MeSerializer(data).data)


class FigureDefinitionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Stable identifier of the figure.")
    name = serializers.CharField(help_text="What the figure is called wherever it is shown.")
    definition = serializers.CharField(help_text="How the figure is computed.")


@extend_schema(
    responses={200: FigureDefinitionSerializer(many=True), **ERROR_RESPONSES},
    summary="Every figure's name and definition, as pages, exports and board packs show them",
)
@api_view(["GET"])
def figure_definitions(request: Request) -> Response:
    api_access(request)  # signed in and past the second factor, like every other endpoint
    body = [
        {"key": d.key, "name": d.label, "definition": d.text} for d in definitions.all_definitions()
    ]
    return Response(FigureDefinitionSerializer(body, many=True).data)
