"""Extract imports over the API: upload a file, follow its batch, page through its problems,
commit the valid rows only, and keep mapping profiles. Querysets are scoped through
``Access``; the services decide what may be written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from adoption.imports import selectors, services, withdrawal
from adoption.imports.fields import FIELDS_BY_KIND
from adoption.imports.permissions import IMPORT_CAPABILITY, capability_for
from adoption.models import ImportBatch, ImportIssue, ImportKind, MappingProfile
from golive.access import Access, Capability
from golive.api_errors import (
    ERROR_RESPONSES,
    ErrorSerializer,
    Refused,
    call_service,
    refusal_responses,
)
from golive.api_permissions import RoleScopedAccess, api_access
from golive.http import signed_in_user
from golive.models import Programme, User

# Refused before any row work: the file or the profile (400), or the file already imported (409).
UPLOAD_REFUSALS = (
    "FILE_TOO_LARGE",
    "FILE_NOT_TEXT_CSV",
    "FILE_ENCODING",
    "HEADER_MISMATCH",
    "NO_DATA_ROWS",
    "LINE_TOO_LONG",
    "IDENTIFIER_IN_WRONG_COLUMN",
    "kind_not_supported",
    "profile_missing",
    "profile_kind",
    "profile_invalid",
)
BATCH_CONFLICTS = ("not_rejected", "too_many_rejected", "file_deleted", "ALREADY_IMPORTED")


# Serializers: shapes only.


class ImportUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportKind.choices, help_text="What the file holds.")
    profile = serializers.CharField(
        max_length=100,
        required=False,
        help_text="Mapping profile name; default golive-<kind>, Golive's reference format.",
    )
    # Empty files reach the service, which refuses them as NO_DATA_ROWS like every client.
    file = serializers.FileField(
        allow_empty_file=True, help_text="The extract: UTF-8 CSV, or CSV compressed as .csv.gz."
    )
    programme = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Programme id; needed only when you may import into several programmes.",
    )
    dry_run = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Check only: validate and report (counts by reason, unknown values, what "
        "would be inserted, updated or superseded), import nothing. The file is deleted when "
        "the check ends, and the same file can then be imported for real.",
    )
    correction = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Correct earlier imports: rows already imported with different content are "
        "replaced (without it they are CONFLICTING_DUPLICATE). Programme managers only (403).",
    )
    mark_leavers = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Staff lists: the file is the full list, so staff missing from it are marked "
        "as leavers (only staff placed solely in areas the uploader may import staff for). "
        "Default: the profile's full_extract.",
    )


COMMIT_VALID_ROWS_CONFIRMATION = "commit-valid-rows-only"


class CommitValidRowsSerializer(serializers.Serializer):
    confirm = serializers.ChoiceField(
        choices=[COMMIT_VALID_ROWS_CONFIRMATION],
        help_text=f'Exactly "{COMMIT_VALID_ROWS_CONFIRMATION}": you have read the problems and '
        "accept that the rejected rows will not be imported.",
        error_messages={
            "required": f'Set confirm to "{COMMIT_VALID_ROWS_CONFIRMATION}" to confirm that '
            "the rejected rows will not be imported.",
            "invalid_choice": f'confirm must be exactly "{COMMIT_VALID_ROWS_CONFIRMATION}".',
        },
    )


class BatchFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportKind.choices, required=False)
    status = serializers.ChoiceField(choices=ImportBatch.Status.choices, required=False)


class BatchCountersSerializer(serializers.Serializer):
    read = serializers.IntegerField(source="rows_read")
    inserted = serializers.IntegerField(source="rows_inserted")
    updated = serializers.IntegerField(source="rows_updated")
    unchanged = serializers.IntegerField(source="rows_unchanged")
    rejected = serializers.IntegerField(source="rows_rejected")
    duplicate = serializers.IntegerField(source="rows_duplicate")
    superseded = serializers.IntegerField(
        source="rows_superseded",
        help_text="Rows of this batch later replaced by a correction; for a dry run, rows of "
        "earlier batches it would replace.",
    )
    leavers = serializers.IntegerField(
        source="rows_leavers",
        help_text="Staff lists: staff marked (for a dry run, to be marked) as leavers.",
    )


class BatchTimingsSerializer(serializers.Serializer):
    uploaded_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    heartbeat_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class BatchProgressSerializer(serializers.Serializer):
    bytes_processed = serializers.IntegerField()
    bytes_total = serializers.IntegerField(help_text="Uncompressed size; 0 until known.")


class BatchLinksSerializer(serializers.Serializer):
    detail = serializers.HyperlinkedIdentityField(view_name="import-batch-detail")
    issues = serializers.HyperlinkedIdentityField(view_name="import-batch-issues")
    commit_valid_rows = serializers.HyperlinkedIdentityField(
        view_name="import-batch-commit-valid-rows"
    )


class ImportBatchSerializer(serializers.ModelSerializer):
    programme_name = serializers.CharField(source="programme.name", read_only=True)
    uploaded_by = serializers.CharField(source="uploaded_by.get_username", read_only=True)
    status_label = serializers.CharField(
        read_only=True, help_text='e.g. "Committed with 3 rows rejected".'
    )
    partial_confirmed_by = serializers.CharField(
        source="partial_confirmed_by.get_username", read_only=True, allow_null=True
    )
    counters = BatchCountersSerializer(source="*", read_only=True)
    timings = BatchTimingsSerializer(source="*", read_only=True)
    progress = BatchProgressSerializer(source="*", read_only=True)
    notices = serializers.ListField(child=serializers.CharField(), read_only=True)
    links = BatchLinksSerializer(source="*", read_only=True)
    withdrawn_by = serializers.CharField(
        source="withdrawn_by.get_username", read_only=True, allow_null=True
    )
    attempts = serializers.IntegerField(
        source="attempts_in_run",
        read_only=True,
        help_text="Attempts of the current run; committing the valid rows only is a new run "
        "(phase 'partial') and counts from 1 again.",
    )
    phase = serializers.SerializerMethodField(
        help_text="'import', or 'partial' once a programme manager confirmed committing the "
        "valid rows only."
    )
    issue_counts = serializers.DictField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text="Problems by reason code, all of them (the issues list may be capped).",
    )
    unknown_values = serializers.JSONField(
        read_only=True,
        help_text='Per Golive field: {"column": source column, "values": [[value, rows], ...] '
        '(most rows first, capped), "distinct": n}. Never identifiers.',
    )

    def get_phase(self, batch: ImportBatch) -> str:
        return "partial" if batch.partial_allowed else "import"

    class Meta:
        model = ImportBatch
        fields = (
            "id",
            "programme",
            "programme_name",
            "kind",
            "profile_name",
            "profile_version",
            "dry_run",
            "correction",
            "mark_leavers",
            "file_name",
            "file_size",
            "sha256",
            "uploaded_by",
            "status",
            "status_label",
            "attempts",
            "phase",
            "partial_allowed",
            "partial_confirmed_by",
            "partial_confirmed_at",
            "counters",
            "issues_total",
            "issue_counts",
            "unknown_values",
            "timings",
            "progress",
            "notices",
            "message",
            "withdrawn_at",
            "withdrawn_by",
            "withdrawal_reason",
            "links",
        )
        read_only_fields = fields


class ImportIssueSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportIssue
        fields = ("line", "column", "code", "message", "value", "expected")
        read_only_fields = fields


class MappingProfileSerializer(serializers.ModelSerializer):
    """A saved profile; ``{name, kind, description, spec}`` is also the export format."""

    updated_by = serializers.CharField(
        source="updated_by.get_username", read_only=True, allow_null=True
    )

    class Meta:
        model = MappingProfile
        fields = (
            "id",
            "programme",
            "name",
            "kind",
            "description",
            "spec",
            "updated_at",
            "updated_by",
        )
        read_only_fields = fields


class MappingProfileWriteSerializer(serializers.Serializer):
    """The import format: what an export gives back, or a hand-written profile."""

    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(
        choices=ImportKind.choices,
        required=False,
        help_text="Must agree with spec.kind; fills it in when the spec leaves it out.",
    )
    description = serializers.CharField(allow_blank=True, required=False, default="")
    spec = serializers.JSONField(
        help_text="columns, value_maps, date_format, time_zone, patient_id_type, "
        "dates_are_shifted, max_rejected_share."
    )


class MappingProfileCreateSerializer(MappingProfileWriteSerializer):
    programme = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Programme id; needed only when you may edit profiles of several programmes.",
    )


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="Why the batch is withdrawn (required); kept in its history."
    )


# Errors and permissions.


class ImportAccess(RoleScopedAccess):
    """The API's access rule, except that writes need at least one import capability:
    whether the caller may import this kind into this programme is decided per request, and
    again by the service."""

    def may_write(self, access: Access, view: Any) -> bool:
        return any(access.has(capability) for capability in IMPORT_CAPABILITY.values())


def _programme_for(
    access: Access, programme_id: int | None, allowed: Callable[[Programme], bool]
) -> Programme:
    """The programme named by the request, or the only one where ``allowed`` holds."""
    if programme_id is not None:
        programme = access.programmes().filter(pk=programme_id).first()
        if programme is None:
            raise serializers.ValidationError(
                {"programme": "There is no programme with this id that you can see."},
                code="does_not_exist",
            )
        if not allowed(programme):
            raise exceptions.PermissionDenied(f"You may not do this in {programme.name}.")
        return programme
    candidates = [programme for programme in access.programmes() if allowed(programme)]
    if not candidates:
        raise exceptions.PermissionDenied("You may not do this in any programme.")
    if len(candidates) > 1:
        raise serializers.ValidationError(
            {"programme": "You have access to several programmes; give the programme id."},
            code="required",
        )
    return candidates[0]


def _batch_location(request: Request, batch: ImportBatch) -> str:
    return request.build_absolute_uri(reverse("import-batch-detail", args=[batch.pk]))


# Views.

QUEUED_RESPONSE = OpenApiResponse(
    ImportBatchSerializer, description="Stored and queued for processing; poll Location."
)
LOCATION_HEADER = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    OpenApiParameter.HEADER,
    response=[202],
    description="The batch's URL, to poll until its status is final.",
)


@extend_schema_view(
    list=extend_schema(
        parameters=[BatchFilterSerializer],
        responses={200: ImportBatchSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(responses={200: ImportBatchSerializer, **ERROR_RESPONSES}),
)
class ImportBatchViewSet(viewsets.ReadOnlyModelViewSet):
    """Import batches: the uploader's own, and every batch of a programme one manages."""

    lookup_value_converter = "int"
    serializer_class = ImportBatchSerializer
    permission_classes = [ImportAccess]
    parser_classes = [MultiPartParser]

    def get_queryset(self) -> QuerySet[ImportBatch]:
        access = api_access(self.request)
        return selectors.visible_batches(access).select_related(
            "partial_confirmed_by", "withdrawn_by"
        )

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.action != "list":
            return queryset
        filters = BatchFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return queryset.filter(**filters.validated_data)

    @extend_schema(
        summary="Upload an extract",
        request={"multipart/form-data": ImportUploadSerializer},
        parameters=[LOCATION_HEADER],
        responses={
            202: QUEUED_RESPONSE,
            **refusal_responses(
                refused=UPLOAD_REFUSALS,
                conflicts=["ALREADY_IMPORTED", "ALREADY_QUEUED", "REJECTED_BEFORE"],
            ),
            403: OpenApiResponse(
                ErrorSerializer, description="You may not import this kind of file here."
            ),
            413: OpenApiResponse(
                ErrorSerializer,
                description="REQUEST_TOO_LARGE: the request body is over the upload limit "
                "(refused before it is read).",
            ),
            429: OpenApiResponse(
                ErrorSerializer,
                description="IMPORT_RATE_LIMITED: too many uploads lately; see Retry-After.",
            ),
        },
    )
    def create(self, request: Request) -> Response:
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        kind = data["kind"]
        if kind not in FIELDS_BY_KIND:
            raise Refused(f"Golive cannot read {kind} files yet.", "kind_not_supported")
        access = api_access(request)
        programme = _programme_for(
            access,
            data.get("programme"),
            lambda candidate: access.has(capability_for(kind), programme=candidate),
        )
        call_service(services.count_upload_attempt, user=signed_in_user(request))
        batch = call_service(
            services.create_import_batch,
            user=signed_in_user(request),
            programme=programme,
            kind=kind,
            profile_name=data.get("profile") or f"golive-{kind}",
            upload=data["file"],
            file_name=data["file"].name or "extract.csv",
            dry_run=data["dry_run"],
            correction=data["correction"],
            mark_leavers=data["mark_leavers"],
        )
        body = self.get_serializer(batch).data
        headers = {"Location": _batch_location(request, batch)}
        return Response(body, status=status.HTTP_202_ACCEPTED, headers=headers)

    @extend_schema(
        summary="Problems found in the file",
        responses={200: ImportIssueSerializer(many=True), **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["get"], serializer_class=ImportIssueSerializer)
    def issues(self, request: Request, pk: int) -> Response:
        batch = self.get_object()
        page = self.paginate_queryset(batch.issues.order_by("line", "pk"))
        return self.get_paginated_response(ImportIssueSerializer(page, many=True).data)

    @extend_schema(
        summary="Commit the valid rows only",
        description=(
            "The caller confirms, after reading the problems, that the rejected rows will be "
            f'left out, with the body {{"confirm": "{COMMIT_VALID_ROWS_CONFIRMATION}"}} (an '
            "empty body is refused with a field error). The batch is queued again in phase "
            "'partial', whose attempts count from 1, and ends 'Committed with N rows rejected'."
        ),
        request=CommitValidRowsSerializer,
        parameters=[LOCATION_HEADER],
        responses={202: QUEUED_RESPONSE, **refusal_responses(conflicts=BATCH_CONFLICTS)},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="commit-valid-rows",
        parser_classes=[JSONParser, FormParser, MultiPartParser],
    )
    def commit_valid_rows(self, request: Request, pk: int) -> Response:
        batch = self.get_object()
        # Who the caller is comes before what the body is (the service checks again).
        if not api_access(request).has(Capability.MANAGE_GO_LIVES, programme=batch.programme):
            raise exceptions.PermissionDenied("Only a programme manager may do this.")
        CommitValidRowsSerializer(data=request.data).is_valid(raise_exception=True)
        call_service(services.commit_valid_rows_only, batch=batch, user=signed_in_user(request))
        batch = self.get_queryset().get(pk=batch.pk)
        body = ImportBatchSerializer(batch, context=self.get_serializer_context()).data
        headers = {"Location": _batch_location(request, batch)}
        return Response(body, status=status.HTTP_202_ACCEPTED, headers=headers)

    @extend_schema(
        summary="Withdraw a committed batch",
        description=(
            "Programme managers only. The batch becomes 'Being withdrawn'; a worker then removes "
            "its rows and recomputes every figure computed from them, all or nothing, and the "
            "batch ends 'Withdrawn'. Staff lists cannot be withdrawn: upload a corrected list. "
            "A correction that replaced rows cannot be withdrawn (CORRECTION_NOT_WITHDRAWABLE), "
            "nor a batch whose rows a later batch re-sent (LATER_BATCH_RESENT_ROWS: withdraw "
            "the later batches first)."
        ),
        request=WithdrawSerializer,
        parameters=[LOCATION_HEADER],
        responses={
            202: QUEUED_RESPONSE,
            **refusal_responses(
                conflicts=[
                    "not_committed",
                    "staff_list",
                    "CORRECTION_NOT_WITHDRAWABLE",
                    "LATER_BATCH_RESENT_ROWS",
                ]
            ),
            400: OpenApiResponse(
                ErrorSerializer,
                description="field_errors names reason: required (missing or blank) or max_length.",
            ),
            403: OpenApiResponse(
                ErrorSerializer, description="Only a programme manager may withdraw a batch."
            ),
        },
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def withdraw(self, request: Request, pk: int) -> Response:
        batch = self.get_object()
        # The service checks, in order, who asks, the batch's state and then the reason, so
        # a non-manager gets 403 whatever the body holds.
        reason = request.data.get("reason") if isinstance(request.data, dict) else None
        call_service(
            withdrawal.request_withdrawal,
            batch=batch,
            user=signed_in_user(request),
            reason=reason if isinstance(reason, str) else "",
        )
        batch = self.get_queryset().get(pk=batch.pk)
        body = ImportBatchSerializer(batch, context=self.get_serializer_context()).data
        headers = {"Location": _batch_location(request, batch)}
        return Response(body, status=status.HTTP_202_ACCEPTED, headers=headers)


def _spec_of_kind(spec: Any, kind: str | None) -> Any:
    """The spec with ``kind`` filled in; the two must agree when both are given."""
    if kind is None or not isinstance(spec, dict):
        return spec
    if spec.get("kind", kind) != kind:
        raise serializers.ValidationError(
            {"kind": f"The spec reads {spec['kind']} files, not {kind}."}, code="kind_mismatch"
        )
    return {**spec, "kind": kind}


def _save_profile(
    *, programme: Programme, user: User, data: dict[str, Any], profile: MappingProfile | None
) -> MappingProfile:
    # The service refuses a name already used in the programme (a field error on "name").
    return call_service(
        services.save_mapping_profile,
        programme=programme,
        user=user,
        name=data["name"],
        description=data.get("description", ""),
        spec=_spec_of_kind(data["spec"], data.get("kind")),
        profile=profile,
    )


@extend_schema_view(
    list=extend_schema(responses={200: MappingProfileSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(
        summary="A profile (its name, kind, description and spec are the export format)",
        responses={200: MappingProfileSerializer, **ERROR_RESPONSES},
    ),
    create=extend_schema(
        request=MappingProfileCreateSerializer,
        responses={201: MappingProfileSerializer, **ERROR_RESPONSES},
    ),
    update=extend_schema(
        request=MappingProfileWriteSerializer,
        responses={200: MappingProfileSerializer, **ERROR_RESPONSES},
    ),
    partial_update=extend_schema(
        request=MappingProfileWriteSerializer,
        responses={200: MappingProfileSerializer, **ERROR_RESPONSES},
    ),
    destroy=extend_schema(responses={204: None, **ERROR_RESPONSES}),
)
class MappingProfileViewSet(viewsets.ModelViewSet):
    """Saved mapping profiles. Anyone who may import into a programme may read them; only
    those who may manage adoption there may change them."""

    lookup_value_converter = "int"
    serializer_class = MappingProfileSerializer
    parser_classes = [JSONParser]
    write_capability = Capability.MANAGE_ADOPTION

    def get_queryset(self) -> QuerySet[MappingProfile]:
        access = api_access(self.request)
        return selectors.visible_profiles(access).select_related("updated_by")

    def _editable(self) -> MappingProfile:
        profile: MappingProfile = self.get_object()
        if not selectors.can_edit_profiles(api_access(self.request), profile.programme):
            raise exceptions.PermissionDenied("You may not change this programme's profiles.")
        return profile

    def create(self, request: Request) -> Response:
        incoming = MappingProfileCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        access = api_access(request)
        programme = _programme_for(
            access,
            incoming.validated_data.get("programme"),
            lambda candidate: selectors.can_edit_profiles(access, candidate),
        )
        profile = _save_profile(
            programme=programme,
            user=signed_in_user(request),
            data=incoming.validated_data,
            profile=None,
        )
        location = request.build_absolute_uri(reverse("mapping-profile-detail", args=[profile.pk]))
        body = MappingProfileSerializer(profile).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})

    def update(self, request: Request, pk: int, partial: bool = False) -> Response:
        profile = self._editable()
        incoming = MappingProfileWriteSerializer(data=request.data, partial=partial)
        incoming.is_valid(raise_exception=True)
        data = {
            "name": profile.name,
            "description": profile.description,
            "spec": profile.spec,
            **incoming.validated_data,
        }
        saved = _save_profile(
            programme=profile.programme, user=signed_in_user(request), data=data, profile=profile
        )
        return Response(MappingProfileSerializer(saved).data)

    def destroy(self, request: Request, pk: int) -> Response:
        services.delete_mapping_profile(profile=self._editable())
        return Response(status=status.HTTP_204_NO_CONTENT)
