"""Designations, shifts, roster assignments and coverage over the API. Querysets are scoped
through ``Access`` (a ward manager and a champion see their areas; executives read all);
writes go through ``champions.services``, which apply the same rules as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from champions import selectors, services
from champions.models import Assignment, CoverRequest, Designation, Shift
from champions.person_fields import (
    PersonFieldsSerializer,
    detail_field,
    name_field,
    staff_field,
)
from golive.access import Capability
from golive.api_errors import ERROR_RESPONSES, ErrorSerializer, call_service, refusal_responses
from golive.api_fields import BoundedDateField, IdField
from golive.api_permissions import api_access
from golive.dashboard import visible_scope
from golive.http import signed_in_user
from golive.models import Area, GoLive, StaffMember
from golive.schema_hooks import SummaryListSchema

WRITE_ERRORS = {
    **refusal_responses(
        refused=[
            "other_area",
            "other_go_live",
            "staff_not_in_area",
            "area_not_in_scope",
            "same_person",
            "not_cover",
            "not_swap",
        ],
        conflicts=[
            "not_agreed",
            "withdrawn",
            "left",
            "untrained",
            "double_booked",
            "already_rostered",
            "shift_ended",
            "already_designated",
            "not_nominated",
            "already_withdrawn",
            "not_active",
            "already_open",
            "not_open",
        ],
    ),
    403: OpenApiResponse(ErrorSerializer, description="Not an area you manage, or read-only."),
}


# Designations.


class DesignationSerializer(PersonFieldsSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)
    staff = staff_field()
    staff_number = serializers.CharField(
        source="staff.staff_number",
        required=False,
        help_text="Left out for callers who may not see staff data (e.g. executives).",
    )
    staff_name = name_field("staff.full_name")
    systems_confidence = detail_field(serializers.IntegerField, min_value=1, max_value=5)
    leadership = detail_field(serializers.IntegerField, min_value=1, max_value=5)
    note = detail_field(serializers.CharField)
    withdrawal_reason = detail_field(serializers.CharField)
    trained = serializers.BooleanField(
        read_only=True, help_text="Has completed a super-user course of the programme."
    )
    role = serializers.ChoiceField(source="kind", choices=Designation.Kind.choices, read_only=True)
    counts = serializers.SerializerMethodField(
        help_text="Counts towards the area's target (agreed; trained if a super user)."
    )

    class Meta:
        model = Designation
        fields = (
            "id",
            "programme",
            "go_live",
            "area",
            "area_name",
            "staff",
            "staff_number",
            "staff_name",
            "role",
            "status",
            "systems_confidence",
            "leadership",
            "note",
            "trained",
            "counts",
            "nominated_at",
            "agreed_at",
            "withdrawn_at",
            "withdrawal_reason",
        )
        read_only_fields = fields

    def subject(self, instance: Designation) -> tuple[Area, StaffMember]:
        return instance.area, instance.staff

    def get_counts(self, designation: Designation) -> bool:
        return selectors.counts(designation)


class DesignationFilterSerializer(serializers.Serializer):
    go_live = IdField(required=False)
    area = IdField(required=False)
    role = serializers.ChoiceField(choices=Designation.Kind.choices, required=False)
    status = serializers.ChoiceField(choices=Designation.Status.choices, required=False)


class NominationSerializer(serializers.Serializer):
    go_live = serializers.IntegerField(min_value=1, help_text="The go-live the role is for.")
    whole_programme = serializers.BooleanField(
        default=False, help_text="For every go-live of the programme in this area instead."
    )
    area = serializers.IntegerField(min_value=1)
    staff = serializers.IntegerField(min_value=1)
    role = serializers.ChoiceField(choices=Designation.Kind.choices)
    systems_confidence = serializers.IntegerField(min_value=1, max_value=5)
    leadership = serializers.IntegerField(min_value=1, max_value=5)
    note = serializers.CharField(allow_blank=True, required=False, default="", max_length=2000)


class WithdrawalSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


def _visible(queryset: QuerySet[Any], pk: int, field: str, what: str) -> Any:
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise serializers.ValidationError(
            {field: f"There is no {what} with this id that you can see."}, code="does_not_exist"
        )
    return row


@extend_schema_view(
    list=extend_schema(
        parameters=[DesignationFilterSerializer],
        responses={200: DesignationSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(responses={200: DesignationSerializer, **ERROR_RESPONSES}),
)
class DesignationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Champions, super users and floorwalkers in the areas the caller may see."""

    lookup_value_converter = "int"
    serializer_class = DesignationSerializer
    write_capability = Capability.MANAGE_CHAMPIONS

    def get_queryset(self) -> QuerySet[Designation]:
        rows = api_access(self.request).filter_by_area(Designation.objects.all(), area_field="area")
        return selectors.with_training(rows).select_related("area__site", "staff").order_by("pk")

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.action != "list":
            return queryset
        filters = DesignationFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        if "go_live" in data:
            go_live = data["go_live"]
            queryset = queryset.filter(
                Q(go_live_id=go_live)
                | Q(go_live__isnull=True, programme__go_lives=go_live, area__go_lives=go_live)
            )
        if "area" in data:
            queryset = queryset.filter(area_id=data["area"])
        if "role" in data:
            queryset = queryset.filter(kind=data["role"])
        if "status" in data:
            queryset = queryset.filter(status=data["status"])
        return queryset

    @extend_schema(
        summary="Nominate someone",
        request=NominationSerializer,
        responses={201: DesignationSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request) -> Response:
        incoming = NominationSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        access = api_access(request)
        go_live: GoLive = _visible(access.go_lives(), data["go_live"], "go_live", "go-live")
        area = _visible(access.areas(), data["area"], "area", "area")
        staff = _visible(access.staff(), data["staff"], "staff", "staff member")
        designation = call_service(
            services.nominate,
            access=access,
            user=signed_in_user(request),
            programme=go_live.programme,
            go_live=None if data["whole_programme"] else go_live,
            area=area,
            staff=staff,
            kind=data["role"],
            systems_confidence=data["systems_confidence"],
            leadership=data["leadership"],
            note=data["note"],
        )
        body = self.get_serializer(self.get_queryset().get(pk=designation.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record that the nominee accepted the role agreement",
        request=None,
        responses={200: DesignationSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: int) -> Response:
        designation = self.get_object()
        call_service(
            services.accept_role_agreement,
            access=api_access(request),
            user=signed_in_user(request),
            designation=designation,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=designation.pk)).data)

    @extend_schema(
        summary="Withdraw a designation (cancels their shifts still to come)",
        request=WithdrawalSerializer,
        responses={200: DesignationSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: int) -> Response:
        designation = self.get_object()
        incoming = WithdrawalSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        call_service(
            services.withdraw,
            access=api_access(request),
            user=signed_in_user(request),
            designation=designation,
            reason=incoming.validated_data["reason"],
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=designation.pk)).data)


# Shifts and assignments.


class RosteredSerializer(PersonFieldsSerializer):
    staff = staff_field()
    staff_name = name_field("staff.full_name")
    role = serializers.ChoiceField(
        source="designation.kind", choices=Designation.Kind.choices, read_only=True
    )

    class Meta:
        model = Assignment
        fields = ("id", "designation", "staff", "staff_name", "role")
        read_only_fields = fields

    def subject(self, instance: Assignment) -> tuple[Area, StaffMember]:
        return instance.shift.area, instance.staff


class ShiftSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)
    rostered = RosteredSerializer(source="active", many=True, read_only=True)

    class Meta:
        model = Shift
        fields = (
            "id",
            "go_live",
            "area",
            "area_name",
            "name",
            "day",
            "starts_at",
            "ends_at",
            "planned_staff",
            "rostered",
        )
        read_only_fields = fields


class ShiftFilterSerializer(serializers.Serializer):
    go_live = IdField(required=False)
    area = IdField(required=False)
    day_from = BoundedDateField(required=False, help_text="First local day, YYYY-MM-DD.")
    day_to = BoundedDateField(required=False, help_text="Last local day, YYYY-MM-DD.")


def _filter_shifts(queryset: QuerySet[Any], params: Any, prefix: str = "") -> QuerySet[Any]:
    filters = ShiftFilterSerializer(data=params)
    filters.is_valid(raise_exception=True)
    data = filters.validated_data
    lookups = {
        "go_live": f"{prefix}go_live_id",
        "area": f"{prefix}area_id",
        "day_from": f"{prefix}day__gte",
        "day_to": f"{prefix}day__lte",
    }
    return queryset.filter(**{lookups[key]: value for key, value in data.items()})


@extend_schema_view(
    list=extend_schema(
        parameters=[ShiftFilterSerializer],
        responses={200: ShiftSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(responses={200: ShiftSerializer, **ERROR_RESPONSES}),
)
class ShiftViewSet(viewsets.ReadOnlyModelViewSet):
    """Shifts in the caller's areas, with who is rostered on each."""

    lookup_value_converter = "int"
    serializer_class = ShiftSerializer

    def get_queryset(self) -> QuerySet[Shift]:
        rows = api_access(self.request).filter_by_area(Shift.objects.all(), area_field="area")
        active = Assignment.objects.filter(status=Assignment.Status.ACTIVE).select_related(
            "staff", "designation", "shift__area__site"
        )
        return (
            rows.select_related("area")
            .prefetch_related(Prefetch("assignments", queryset=active, to_attr="active"))
            .order_by("starts_at", "pk")
        )

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.action != "list":
            return queryset
        return _filter_shifts(queryset, self.request.query_params)


class AssignmentSerializer(PersonFieldsSerializer):
    staff = staff_field()
    staff_name = name_field("staff.full_name")
    area = serializers.IntegerField(source="shift.area_id", read_only=True)

    class Meta:
        model = Assignment
        fields = (
            "id",
            "shift",
            "area",
            "designation",
            "staff",
            "staff_name",
            "starts_at",
            "ends_at",
            "status",
            "assigned_at",
            "cancelled_at",
        )
        read_only_fields = fields

    def subject(self, instance: Assignment) -> tuple[Area, StaffMember]:
        return instance.shift.area, instance.staff


class AssignmentCreateSerializer(serializers.Serializer):
    shift = serializers.IntegerField(min_value=1)
    designation = serializers.IntegerField(min_value=1)


@extend_schema_view(
    list=extend_schema(
        parameters=[ShiftFilterSerializer],
        responses={200: AssignmentSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(responses={200: AssignmentSerializer, **ERROR_RESPONSES}),
    destroy=extend_schema(
        summary="Take someone off a shift (the row is kept, cancelled)",
        responses={204: None, **WRITE_ERRORS},
    ),
)
class AssignmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Who is rostered on which shift, in the caller's areas."""

    lookup_value_converter = "int"
    serializer_class = AssignmentSerializer
    write_capability = Capability.MANAGE_CHAMPIONS

    def get_queryset(self) -> QuerySet[Assignment]:
        rows = api_access(self.request).filter_by_area(
            Assignment.objects.all(), area_field="shift__area"
        )
        return rows.select_related("staff", "shift__area__site").order_by("starts_at", "pk")

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.action != "list":
            return queryset
        return _filter_shifts(queryset, self.request.query_params, prefix="shift__")

    @extend_schema(
        summary="Roster a designated person on a shift",
        request=AssignmentCreateSerializer,
        responses={201: AssignmentSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request) -> Response:
        incoming = AssignmentCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        access = api_access(request)
        shift = _visible(
            access.filter_by_area(Shift.objects.all(), area_field="area"),
            incoming.validated_data["shift"],
            "shift",
            "shift",
        )
        designation = _visible(
            access.filter_by_area(Designation.objects.all(), area_field="area"),
            incoming.validated_data["designation"],
            "designation",
            "designation",
        )
        assignment = call_service(
            services.assign_to_shift,
            access=access,
            user=signed_in_user(request),
            shift=shift,
            designation=designation,
        )
        body = self.get_serializer(self.get_queryset().get(pk=assignment.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, pk: int) -> Response:
        call_service(
            services.cancel_assignment,
            access=api_access(request),
            user=signed_in_user(request),
            assignment=self.get_object(),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# Coverage.


class CoverageQuerySerializer(serializers.Serializer):
    go_live = serializers.IntegerField(min_value=1)
    area = serializers.IntegerField(required=False, min_value=1)
    day_from = BoundedDateField(required=False)
    day_to = BoundedDateField(required=False)


class CoverageCellSerializer(serializers.Serializer):
    shift = serializers.IntegerField(source="shift_id")
    area = serializers.IntegerField(source="area_id")
    area_name = serializers.CharField()
    day = serializers.DateField()
    shift_name = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    staff_on_shift = serializers.IntegerField()
    staff_from_roster = serializers.BooleanField(
        help_text="True: counted from the e-roster; false: the pattern's planned staffing."
    )
    needed = serializers.IntegerField(help_text="Super users or champions the target needs.")
    on_duty = serializers.IntegerField(help_text="Super users and champions rostered.")
    floorwalkers = serializers.IntegerField()
    gap = serializers.IntegerField()
    covered = serializers.BooleanField()


class CoverageSerializer(serializers.Serializer):
    go_live = serializers.IntegerField()
    shifts_total = serializers.IntegerField()
    shifts_covered = serializers.IntegerField()
    shifts_with_gaps = serializers.IntegerField()
    supporters_needed = serializers.IntegerField()
    supporters_missing = serializers.IntegerField()
    covered_share = serializers.FloatField(allow_null=True)
    cells = CoverageCellSerializer(many=True)


class CoverageViewSet(viewsets.ViewSet):
    """Super users and champions on duty against the target, per shift and area."""

    schema = SummaryListSchema()

    @extend_schema(
        operation_id="coverage_list",  # as it was named while documented as a list
        summary="Coverage of a go-live's shifts in the caller's areas",
        parameters=[CoverageQuerySerializer],
        responses={200: CoverageSerializer, **ERROR_RESPONSES},
    )
    def list(self, request: Request) -> Response:
        query = CoverageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        access = api_access(request)
        go_live = _visible(access.go_lives(), data["go_live"], "go_live", "go-live")
        areas = visible_scope(access, go_live)
        if "area" in data:
            areas = areas.filter(pk=data["area"])
        period = None
        if "day_from" in data or "day_to" in data:
            period = (data.get("day_from", dt.date.min), data.get("day_to", dt.date.max))
        summary = selectors.coverage_for(go_live, areas, period)
        body = {
            "go_live": go_live.pk,
            "shifts_total": summary.shifts_total,
            "shifts_covered": summary.shifts_covered,
            "shifts_with_gaps": summary.shifts_with_gaps,
            "supporters_needed": summary.supporters_needed,
            "supporters_missing": summary.supporters_missing,
            "covered_share": summary.covered_share,
            "cells": summary.cells,
        }
        return Response(CoverageSerializer(body).data)


# Cover requests and swaps.


class CoverRequestSerializer(PersonFieldsSerializer):
    shift = serializers.IntegerField(source="assignment.shift_id", read_only=True)
    staff_name = name_field("assignment.staff.full_name")
    reason = detail_field(serializers.CharField)
    request_type = serializers.ChoiceField(
        source="kind", choices=CoverRequest.Kind.choices, read_only=True
    )

    class Meta:
        model = CoverRequest
        fields = (
            "id",
            "request_type",
            "assignment",
            "shift",
            "staff_name",
            "swap_with",
            "reason",
            "status",
            "requested_at",
            "resolved_at",
        )
        read_only_fields = fields

    def subject(self, instance: CoverRequest) -> tuple[Area, StaffMember]:
        return instance.assignment.shift.area, instance.assignment.staff


class CoverRequestCreateSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(min_value=1, help_text="The shift that needs cover.")
    swap_with = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="Another person's assignment to swap with; leave out to ask for cover.",
    )
    reason = serializers.CharField(allow_blank=True, required=False, default="", max_length=2000)


class CoverAcceptSerializer(serializers.Serializer):
    designation = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="For a cover request: the designation of the person who covers.",
    )


@extend_schema_view(
    list=extend_schema(responses={200: CoverRequestSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: CoverRequestSerializer, **ERROR_RESPONSES}),
)
class CoverRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Requests for cover, and proposed swaps, on shifts in the caller's areas."""

    lookup_value_converter = "int"
    serializer_class = CoverRequestSerializer
    write_capability = Capability.MANAGE_CHAMPIONS

    def get_queryset(self) -> QuerySet[CoverRequest]:
        rows = api_access(self.request).filter_by_area(
            CoverRequest.objects.all(), area_field="assignment__shift__area"
        )
        return rows.select_related("assignment__staff", "assignment__shift__area__site").order_by(
            "-requested_at", "pk"
        )

    def _assignment(self, pk: int, field: str) -> Assignment:
        visible = api_access(self.request).filter_by_area(
            Assignment.objects.all(), area_field="shift__area"
        )
        assignment: Assignment = _visible(visible, pk, field, "shift assignment")
        return assignment

    @extend_schema(
        summary="Ask for cover, or propose a swap",
        request=CoverRequestCreateSerializer,
        responses={201: CoverRequestSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request) -> Response:
        incoming = CoverRequestCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        common = {
            "access": api_access(request),
            "user": signed_in_user(request),
            "assignment": self._assignment(data["assignment"], "assignment"),
            "reason": data["reason"],
        }
        if "swap_with" in data:
            other = self._assignment(data["swap_with"], "swap_with")
            cover_request = call_service(services.request_swap, swap_with=other, **common)
        else:
            cover_request = call_service(services.request_cover, **common)
        body = self.get_serializer(self.get_queryset().get(pk=cover_request.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Accept: someone covers the shift, or the swap goes ahead",
        request=CoverAcceptSerializer,
        responses={200: CoverRequestSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: int) -> Response:
        cover_request = self.get_object()
        incoming = CoverAcceptSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        access = api_access(request)
        if cover_request.kind == CoverRequest.Kind.SWAP:
            call_service(
                services.accept_swap,
                access=access,
                user=signed_in_user(request),
                cover_request=cover_request,
            )
        else:
            if "designation" not in incoming.validated_data:
                raise serializers.ValidationError(
                    {"designation": "Say who covers the shift."}, code="required"
                )
            designation = _visible(
                access.filter_by_area(Designation.objects.all(), area_field="area"),
                incoming.validated_data["designation"],
                "designation",
                "designation",
            )
            call_service(
                services.accept_cover,
                access=access,
                user=signed_in_user(request),
                cover_request=cover_request,
                designation=designation,
            )
        return Response(self.get_serializer(self.get_queryset().get(pk=cover_request.pk)).data)

    @extend_schema(
        summary="Withdraw the request",
        request=None,
        responses={200: CoverRequestSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: int) -> Response:
        cover_request = self.get_object()
        call_service(
            services.cancel_cover_request,
            access=api_access(request),
            user=signed_in_user(request),
            cover_request=cover_request,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=cover_request.pk)).data)
