"""Classroom registers over the API: completions (including a register of attendance) and
bookings on sessions, both posted as a go-live, a course and a list of staff numbers."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from golive.access import Access, Capability
from golive.api_errors import ERROR_RESPONSES, service_errors
from golive.api_permissions import api_access
from golive.http import signed_in_user
from golive.models import GoLive
from training import services
from training.api.scoping import visible_go_live
from training.models import Booking, Completion, Course

C = Capability


class CompletionSerializer(serializers.ModelSerializer):
    staff_number = serializers.CharField(source="staff.staff_number", read_only=True)
    course_code = serializers.CharField(source="course.code", read_only=True)
    recorded_through = serializers.SerializerMethodField()

    class Meta:
        model = Completion
        fields = (
            "id",
            "staff",
            "staff_number",
            "course",
            "course_code",
            "completed_on",
            "recorded_through",
        )
        read_only_fields = fields

    def get_recorded_through(self, completion: Completion) -> str:
        return "import" if completion.batch_id else "register"


class RegisterSerializer(serializers.Serializer):
    go_live = serializers.IntegerField(min_value=1)
    course = serializers.IntegerField(min_value=1)
    completed_on = serializers.DateField()
    staff_numbers = serializers.ListField(
        child=serializers.CharField(max_length=32), min_length=1, max_length=500
    )


class RegisterResultSerializer(serializers.Serializer):
    recorded = serializers.IntegerField()
    unchanged = serializers.IntegerField(help_text="Already recorded on that date or later.")


@extend_schema_view(
    list=extend_schema(responses={200: CompletionSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: CompletionSerializer, **ERROR_RESPONSES}),
    create=extend_schema(
        summary="Record a classroom register",
        request=RegisterSerializer,
        responses={201: RegisterResultSerializer, **ERROR_RESPONSES},
    ),
)
class CompletionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Completions of staff the caller may see. LMS exports arrive through imports
    (``kind=training``); a register posted here records hand-taken attendance."""

    lookup_value_converter = "int"
    serializer_class = CompletionSerializer
    write_capability = C.RECORD_COMPLETIONS

    def get_queryset(self) -> QuerySet[Completion]:
        staff = api_access(self.request).staff().values("pk")
        return (
            Completion.objects.filter(staff__in=staff)
            .select_related("staff", "course")
            .order_by("-completed_on", "pk")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        access = api_access(request)
        data, go_live, course, staff_ids = _register(access, RegisterSerializer(data=request.data))
        with service_errors():
            recorded, unchanged = services.record_completions(
                access=access,
                user=signed_in_user(request),
                go_live=go_live,
                course=course,
                completed_on=data["completed_on"],
                staff_ids=staff_ids,
            )
        result = RegisterResultSerializer({"recorded": recorded, "unchanged": unchanged})
        return Response(result.data, status=status.HTTP_201_CREATED)


MISSING_SHOWN = 20


def _register(
    access: Access, body: serializers.Serializer
) -> tuple[dict[str, Any], GoLive, Course, list[int]]:
    """A register (completions or bookings): the go-live and course it names, checked
    against what the caller may see, and the staff numbers resolved to staff ids."""
    body.is_valid(raise_exception=True)
    data = cast(dict[str, Any], body.validated_data)
    go_live = visible_go_live(access, data["go_live"])
    course = Course.objects.filter(pk=data["course"], programme=go_live.programme).first()
    if course is None:
        raise serializers.ValidationError(
            {"course": ["There is no course with this id in the go-live's programme."]}
        )
    if not access.has(C.RECORD_COMPLETIONS, programme=go_live.programme):
        raise exceptions.PermissionDenied("You may not record training for this programme.")
    numbers = set(data["staff_numbers"])
    # Resolved only among the staff this caller may record for: a number on the trust's
    # list but outside the caller's areas gets the same answer as one on no list at all,
    # so the API cannot be used to learn who works elsewhere.
    found = dict(
        services.staff_in_reach(access, go_live)
        .filter(staff_number__in=numbers)
        .values_list("staff_number", "pk")
    )
    missing = sorted(numbers - set(found))
    if missing:
        shown = ", ".join(missing[:MISSING_SHOWN]) + ("…" if len(missing) > MISSING_SHOWN else "")
        raise serializers.ValidationError(
            {
                "staff_numbers": [
                    f"Not among the staff you may record training for: {len(missing)} of "
                    f"them ({shown})."
                ]
            }
        )
    return data, go_live, course, list(found.values())


class BookingSerializer(serializers.ModelSerializer):
    staff_number = serializers.CharField(source="staff.staff_number", read_only=True)
    course_code = serializers.CharField(source="course.code", read_only=True)

    class Meta:
        model = Booking
        fields = ("id", "staff_number", "course", "course_code", "session_on")
        read_only_fields = fields


class BookingRequestSerializer(serializers.Serializer):
    go_live = serializers.IntegerField(min_value=1)
    course = serializers.IntegerField(min_value=1)
    session_on = serializers.DateField(help_text="The session date: today or later.")
    staff_numbers = serializers.ListField(
        child=serializers.CharField(max_length=32), min_length=1, max_length=500
    )


class BookingResultSerializer(serializers.Serializer):
    booked = serializers.IntegerField()


@extend_schema_view(
    list=extend_schema(
        summary="Bookings of staff you may see on courses not yet attended",
        responses={200: BookingSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(
        summary="One booking", responses={200: BookingSerializer, **ERROR_RESPONSES}
    ),
    create=extend_schema(
        summary="Book staff on a session of a course",
        request=BookingRequestSerializer,
        responses={201: BookingResultSerializer, **ERROR_RESPONSES},
    ),
)
class BookingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Who is booked on which course session (replaced by a later booking, cleared when a
    completion is recorded)."""

    lookup_value_converter = "int"
    serializer_class = BookingSerializer
    write_capability = C.RECORD_COMPLETIONS

    def get_queryset(self) -> QuerySet[Booking]:
        staff = api_access(self.request).staff().values("pk")
        return (
            Booking.objects.filter(staff__in=staff)
            .select_related("staff", "course")
            .order_by("session_on", "pk")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        access = api_access(request)
        body = BookingRequestSerializer(data=request.data)
        data, go_live, course, staff_ids = _register(access, body)
        with service_errors():
            booked = services.book_staff(
                access=access,
                user=signed_in_user(request),
                go_live=go_live,
                course=course,
                session_on=data["session_on"],
                staff_ids=staff_ids,
            )
        result = BookingResultSerializer({"booked": booked})
        return Response(result.data, status=status.HTTP_201_CREATED)
