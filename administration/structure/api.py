"""Programme set-up over the API: sites, programmes and releases, and writes on the core's
areas and go-lives (their reads stay as ``golive.api`` serves them to everyone). Writes need
MANAGE_GO_LIVES programme-wide on the programme or organisation concerned (creating a
programme: ADMINISTER); the services check it, the permission class refuses roles without
the capability at all. Areas also take a CSV in bulk (``POST areas/bulk/``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from administration.structure import bulk, selectors, services
from golive import api as core_api
from golive.access import Capability
from golive.api_errors import ERROR_RESPONSES, ErrorSerializer, call_service, refusal_responses
from golive.api_permissions import api_access
from golive.models import Area, GoLive, Organisation, Programme, Release, Site

C = Capability
MAX_ID = 2_147_483_647  # larger ids name nothing (and PostgreSQL refuses them)
WRITE_ERRORS = {
    **refusal_responses(
        refused=("duplicate", "invalid_area", "reason_required", "technical_after_user",
                 "stabilisation_before_user", "dual_running_before_technical"),
        conflicts=("already_retired", "not_retired"),
    ),
    403: OpenApiResponse(ErrorSerializer, description="You do not run this programme's set-up."),
}  # fmt: skip


def _valid(
    serializer_class: type[serializers.Serializer], request: Request, **kw: Any
) -> dict[str, Any]:
    incoming = serializer_class(data=request.data, **kw)
    incoming.is_valid(raise_exception=True)
    return dict(incoming.validated_data)


def _pick(queryset: QuerySet[Any], pk: int, field: str, what: str) -> Any:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise exceptions.ValidationError({field: f"There is no such {what} you may manage."})
    return found


# Sites


class SiteSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.ods_code", read_only=True)

    class Meta:
        model = Site
        fields = ("id", "organisation", "code", "name")


class SiteWriteSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=200)
    organisation = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="Needed only when you run several trusts.",
    )


def _organisation(request: Request, pk: int | None) -> Organisation:
    organisations = selectors.managed_organisations(api_access(request))
    if pk is not None:
        return _pick(organisations, pk, "organisation", "trust")
    if organisations.count() != 1:
        raise exceptions.ValidationError({"organisation": "Name the trust (its id)."})
    return organisations.get()


@extend_schema_view(
    list=extend_schema(responses={200: SiteSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: SiteSerializer, **ERROR_RESPONSES}),
)
class SiteViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet,
):  # fmt: skip
    """Sites of the trusts whose programmes you run."""

    lookup_value_converter = "int"
    serializer_class = SiteSerializer
    write_capability = C.MANAGE_GO_LIVES

    def get_queryset(self) -> QuerySet[Site]:
        return selectors.managed_sites(api_access(self.request)).order_by("pk")

    @extend_schema(request=SiteWriteSerializer, responses={201: SiteSerializer, **WRITE_ERRORS})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _valid(SiteWriteSerializer, request)
        organisation = _organisation(request, data.get("organisation"))
        site = call_service(
            services.save_site, access=api_access(request), organisation=organisation,
            site=None, code=data["code"], name=data["name"],
        )  # fmt: skip
        return Response(SiteSerializer(site).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SiteWriteSerializer, responses={200: SiteSerializer, **WRITE_ERRORS})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        site = self.get_object()
        data = _valid(SiteWriteSerializer, request)
        site = call_service(
            services.save_site, access=api_access(request), organisation=site.organisation,
            site=site, code=data["code"], name=data["name"],
        )  # fmt: skip
        return Response(SiteSerializer(site).data)


# Areas


class AreaWriteSerializer(serializers.Serializer):
    site = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The site's id.")
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=200)
    area_type = serializers.ChoiceField(choices=Area.AreaType.choices, default=Area.AreaType.WARD)
    specialty = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=services.REASON_MAX, required=False, default="", allow_blank=True
    )


class BulkAreasSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV: site_code, code, name, type[, specialty].")
    dry_run = serializers.BooleanField(default=True, help_text="Check and plan only (default).")
    organisation = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


class BulkPlanSerializer(serializers.Serializer):
    """What each line does (create, update, unchanged) and each line's problems."""

    valid = serializers.BooleanField()
    sha256 = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField())
    error_count = serializers.IntegerField()
    line_errors = serializers.ListField(
        child=serializers.DictField(), help_text="line, column, value, code, message"
    )
    rows = serializers.ListField(child=serializers.DictField())
    notices = serializers.ListField(child=serializers.CharField())


def _area_details(request: Request, data: dict[str, Any]) -> services.AreaDetails:
    site = _pick(selectors.managed_sites(api_access(request)), data["site"], "site", "site")
    return services.AreaDetails(
        site=site, code=data["code"], name=data["name"],
        area_type=data["area_type"], specialty=data["specialty"],
    )  # fmt: skip


class AreaViewSet(core_api.AreaViewSet):
    """Areas you may see (every role); programme managers and administrators create, edit,
    retire and reinstate them, and load them in bulk from a CSV."""

    write_capability = C.MANAGE_GO_LIVES

    def _read(self, area: Area) -> dict[str, Any]:
        return core_api.AreaSerializer(Area.objects.select_related("site").get(pk=area.pk)).data

    @extend_schema(
        request=AreaWriteSerializer, responses={201: core_api.AreaSerializer, **WRITE_ERRORS}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        details = _area_details(request, _valid(AreaWriteSerializer, request))
        area = call_service(
            services.save_area, access=api_access(request), area=None, details=details
        )
        return Response(self._read(area), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=AreaWriteSerializer, responses={200: core_api.AreaSerializer, **WRITE_ERRORS}
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        area = self.get_object()
        details = _area_details(request, _valid(AreaWriteSerializer, request))
        area = call_service(
            services.save_area, access=api_access(request), area=area, details=details
        )
        return Response(self._read(area))

    @extend_schema(
        summary="Retire an area (hidden from new work; the reason is kept in its history)",
        request=ReasonSerializer, responses={200: core_api.AreaSerializer, **WRITE_ERRORS},
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: int, **kwargs: Any) -> Response:
        area = self.get_object()
        reason = _valid(ReasonSerializer, request)["reason"]
        area = call_service(
            services.retire_area, access=api_access(request), area=area, reason=reason
        )
        return Response(self._read(area))

    @extend_schema(
        summary="Reinstate a retired area",
        request=ReasonSerializer, responses={200: core_api.AreaSerializer, **WRITE_ERRORS},
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def reinstate(self, request: Request, pk: int, **kwargs: Any) -> Response:
        area = self.get_object()
        reason = _valid(ReasonSerializer, request)["reason"]
        area = call_service(
            services.reinstate_area, access=api_access(request), area=area, reason=reason
        )
        return Response(self._read(area))

    @extend_schema(
        summary="Create and update areas from a CSV, all or nothing",
        description=(
            "With dry_run (the default) the file is checked and planned and nothing is written: "
            "200 with the plan, valid or not. Without it, a valid file is written in one "
            "transaction (201 with the plan); a file with any line problem writes nothing and "
            "is refused with 400, code invalid_rows, each problem in field_errors as "
            "'line <n>.<column>', and the plan. File-level problems (FILE_TOO_LARGE, "
            "FILE_NOT_TEXT_CSV, ENCODING, EMPTY_FILE, HEADER_MISMATCH, NO_DATA_ROWS, "
            "TOO_MANY_ROWS) are 400 with that code."
        ),
        request={"multipart/form-data": BulkAreasSerializer},
        responses={200: BulkPlanSerializer, 201: BulkPlanSerializer, **WRITE_ERRORS},
    )  # fmt: skip
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def bulk(self, request: Request, **kwargs: Any) -> Response:
        data = _valid(BulkAreasSerializer, request)
        organisation = _organisation(request, data.get("organisation"))
        parsed = call_service(bulk.read_file, content=data["file"].read(bulk.MAX_BYTES + 1))
        plan = bulk.plan_import(organisation=organisation, parsed=parsed)
        if data["dry_run"]:
            return Response(plan.as_data())
        if not plan.is_valid:
            return Response(_invalid_rows(plan), status=status.HTTP_400_BAD_REQUEST)
        plan = call_service(
            bulk.import_areas, access=api_access(request), organisation=organisation, parsed=parsed
        )
        return Response(plan.as_data(), status=status.HTTP_201_CREATED)


def _invalid_rows(plan: bulk.Plan) -> dict[str, Any]:
    return {
        "code": "invalid_rows",
        "message": f"{plan.error_count} line problem(s); nothing was written.",
        "field_errors": [
            {"field": f"line {e.line}.{e.column or 'line'}", "code": e.code, "message": e.message}
            for e in plan.errors
        ],
        "plan": plan.as_data(),
    }


# Go-lives


class GoLiveWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    approach = serializers.ChoiceField(choices=GoLive.Approach.choices)
    technical_go_live_date = serializers.DateField(required=False, allow_null=True, default=None)
    dual_running_ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    user_go_live_date = serializers.DateField()
    stabilisation_ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    stage = serializers.ChoiceField(choices=GoLive.Stage.choices, default=GoLive.Stage.PLANNING)
    scope_note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    area_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), default=list
    )
    reason = serializers.CharField(
        max_length=services.REASON_MAX, required=False, default="", allow_blank=True
    )


class GoLiveCreateSerializer(GoLiveWriteSerializer):
    programme = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class GoLiveViewSet(core_api.GoLiveViewSet):
    """Go-lives you may see (every role); programme managers and administrators create and
    edit them: dates, stage, approach, scope and the patient cohort."""

    write_capability = C.MANAGE_GO_LIVES

    def _save(self, programme: Programme, go_live: GoLive | None, data: dict[str, Any]) -> GoLive:
        wanted = set(data.pop("area_ids"))
        areas = list(Area.objects.filter(pk__in=wanted, site__organisation=programme.organisation))
        if len(areas) != len(wanted):
            raise exceptions.ValidationError(
                {"area_ids": "Choose areas of this programme's trust."}
            )
        reason = data.pop("reason")
        return call_service(
            services.save_go_live, access=api_access(self.request), programme=programme,
            go_live=go_live, details=services.GoLiveDetails(**data), areas=areas, reason=reason,
        )  # fmt: skip

    def _read(self, go_live: GoLive) -> dict[str, Any]:
        return core_api.GoLiveSerializer(self.get_queryset().get(pk=go_live.pk)).data

    @extend_schema(
        request=GoLiveCreateSerializer, responses={201: core_api.GoLiveSerializer, **WRITE_ERRORS}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _valid(GoLiveCreateSerializer, request)
        managed = selectors.managed_programmes(api_access(request))
        programme = _pick(managed, data.pop("programme"), "programme", "programme")
        go_live = self._save(programme, None, data)
        return Response(self._read(go_live), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=GoLiveWriteSerializer, responses={200: core_api.GoLiveSerializer, **WRITE_ERRORS}
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        go_live = self.get_object()
        go_live = self._save(go_live.programme, go_live, _valid(GoLiveWriteSerializer, request))
        return Response(self._read(go_live))


# Programmes


class ProgrammeSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.ods_code", read_only=True)

    class Meta:
        model = Programme
        fields = ("id", "organisation", "name", "epr_supplier", "journey_stage", "description")


class ProgrammeWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    epr_supplier = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True
    )
    journey_stage = serializers.ChoiceField(
        choices=Programme.JourneyStage.choices, default=Programme.JourneyStage.IMPLEMENTATION
    )
    description = serializers.CharField(
        max_length=4000, required=False, default="", allow_blank=True
    )


class ProgrammeCreateSerializer(ProgrammeWriteSerializer):
    organisation = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


@extend_schema_view(
    list=extend_schema(responses={200: ProgrammeSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: ProgrammeSerializer, **ERROR_RESPONSES}),
)
class ProgrammeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet,
):  # fmt: skip
    """Programmes you hold a role on; their managers edit them, administrators create them."""

    lookup_value_converter = "int"
    serializer_class = ProgrammeSerializer

    @property
    def write_capability(self) -> Capability:
        return C.ADMINISTER if self.action == "create" else C.MANAGE_GO_LIVES

    def get_queryset(self) -> QuerySet[Programme]:
        return api_access(self.request).programmes().select_related("organisation").order_by("pk")

    @extend_schema(
        request=ProgrammeCreateSerializer, responses={201: ProgrammeSerializer, **WRITE_ERRORS}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _valid(ProgrammeCreateSerializer, request)
        organisation = _organisation(request, data.pop("organisation", None))
        programme = call_service(
            services.create_programme, access=api_access(request), organisation=organisation,
            details=services.ProgrammeDetails(**data),
        )  # fmt: skip
        return Response(ProgrammeSerializer(programme).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ProgrammeWriteSerializer, responses={200: ProgrammeSerializer, **WRITE_ERRORS}
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        programme = self.get_object()
        details = services.ProgrammeDetails(**_valid(ProgrammeWriteSerializer, request))
        programme = call_service(
            services.update_programme,
            access=api_access(request),
            programme=programme,
            details=details,
        )
        return Response(ProgrammeSerializer(programme).data)


# Releases


class GoLiveReleaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Release
        fields = ("id", "go_live", "name", "version", "planned_date", "description")


class ReleaseWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    version = serializers.CharField(max_length=50, required=False, default="", allow_blank=True)
    planned_date = serializers.DateField(required=False, allow_null=True, default=None)
    description = serializers.CharField(
        max_length=4000, required=False, default="", allow_blank=True
    )


class ReleaseCreateSerializer(ReleaseWriteSerializer):
    go_live = serializers.IntegerField(min_value=1, max_value=MAX_ID)


@extend_schema_view(
    list=extend_schema(responses={200: GoLiveReleaseSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: GoLiveReleaseSerializer, **ERROR_RESPONSES}),
    destroy=extend_schema(responses={204: None, **WRITE_ERRORS}),
)
class ReleaseViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Releases of the go-lives of programmes you run."""

    lookup_value_converter = "int"
    serializer_class = GoLiveReleaseSerializer
    write_capability = C.MANAGE_GO_LIVES

    def get_queryset(self) -> QuerySet[Release]:
        return selectors.managed_releases(api_access(self.request)).order_by("go_live_id", "pk")

    @extend_schema(
        request=ReleaseCreateSerializer, responses={201: GoLiveReleaseSerializer, **WRITE_ERRORS}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _valid(ReleaseCreateSerializer, request)
        managed = selectors.managed_go_lives(api_access(request))
        go_live = _pick(managed, data.pop("go_live"), "go_live", "go-live")
        release = call_service(
            services.save_release, access=api_access(request), go_live=go_live, release=None,
            details=services.ReleaseDetails(**data),
        )  # fmt: skip
        return Response(GoLiveReleaseSerializer(release).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ReleaseWriteSerializer, responses={200: GoLiveReleaseSerializer, **WRITE_ERRORS}
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        release = self.get_object()
        details = services.ReleaseDetails(**_valid(ReleaseWriteSerializer, request))
        release = call_service(
            services.save_release, access=api_access(request), go_live=release.go_live,
            release=release, details=details,
        )  # fmt: skip
        return Response(GoLiveReleaseSerializer(release).data)

    def perform_destroy(self, instance: Release) -> None:
        call_service(services.delete_release, access=api_access(self.request), release=instance)
