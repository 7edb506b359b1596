"""Training over the API: courses, requirements, completions (including a classroom
register), and per go-live the trajectory, figures by site/area/role group, and the people
not yet trained. Querysets are scoped through ``Access``; services decide what may change."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from golive.access import Access, Capability
from golive.api_errors import ERROR_RESPONSES, service_errors
from golive.api_fields import IdField
from golive.api_permissions import api_access
from golive.http import signed_in_user
from golive.models import GoLive, RoleGroup, StaffMember
from training import selectors, services
from training.confidence import MIN_GROUP_SIZE
from training.models import (
    Booking,
    Completion,
    ConfidenceResponse,
    Course,
    Requirement,
    ScopeChange,
)

C = Capability


# Serializers: shapes only.


class CourseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Course
        fields = ("id", "programme", "code", "name", "delivery", "duration_minutes", "epr_role")
        read_only_fields = ("id",)
        # The service checks codes, ignoring case as LMS exports do.
        validators: list[object] = []


class CourseUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Course
        fields = ("code", "name", "delivery", "duration_minutes", "epr_role")


class RequirementSerializer(serializers.ModelSerializer):
    course_code = serializers.CharField(source="course.code", read_only=True)

    class Meta:
        model = Requirement
        fields = ("id", "go_live", "course", "course_code", "role_group", "due_on")
        read_only_fields = fields


class RequirementCreateSerializer(serializers.Serializer):
    go_live = serializers.IntegerField(min_value=1)
    course = serializers.IntegerField(min_value=1)
    # Plain strings checked below: a second enum of the same choices would warn in the schema.
    role_groups = serializers.ListField(
        child=serializers.CharField(max_length=20),
        min_length=1,
        help_text="Role groups who must complete the course: " + ", ".join(RoleGroup.values),
    )
    due_on = serializers.DateField()

    def validate_role_groups(self, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(RoleGroup.values))
        if unknown:
            raise serializers.ValidationError(f"Unknown role group: {', '.join(unknown)}.")
        return value


class RequirementFilterSerializer(serializers.Serializer):
    go_live = IdField(required=False)


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


class ForecastPointSerializer(serializers.Serializer):
    on = serializers.DateField()
    expected = serializers.FloatField()
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)


class PlanPointSerializer(serializers.Serializer):
    on = serializers.DateField()
    planned_percent = serializers.FloatField(min_value=0, max_value=100)


class ActualPointSerializer(serializers.Serializer):
    on = serializers.DateField()
    newly_trained = serializers.IntegerField()


class TrajectorySerializer(serializers.Serializer):
    go_live = serializers.IntegerField()
    as_of = serializers.DateField()
    population = serializers.IntegerField(help_text="Staff in scope with a required course.")
    trained = serializers.IntegerField()
    trained_percent = serializers.FloatField(allow_null=True)
    planned_percent_today = serializers.FloatField(allow_null=True)
    behind_plan_by = serializers.FloatField(allow_null=True, help_text="Percentage points.")
    target_percent = serializers.IntegerField()
    weekly_rate = serializers.FloatField(allow_null=True)
    projected = serializers.FloatField()
    projected_percent = serializers.FloatField(allow_null=True)
    projected_low = serializers.FloatField(allow_null=True)
    projected_high = serializers.FloatField(allow_null=True)
    target_reached_on = serializers.DateField(allow_null=True)
    weekly_needed = serializers.FloatField(allow_null=True)
    plan = PlanPointSerializer(many=True)
    actual = ActualPointSerializer(many=True)
    forecast = ForecastPointSerializer(many=True)


class FiguresSerializer(serializers.Serializer):
    group = serializers.CharField(source="label", help_text="The site, area or role group.")
    in_scope = serializers.IntegerField()
    must_train = serializers.IntegerField(
        source="required", help_text="People in scope with at least one required course."
    )
    trained = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)
    booked = serializers.IntegerField()
    overdue = serializers.IntegerField()
    new_starters = serializers.IntegerField()


class BreakdownFilterSerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=sorted(selectors.BREAKDOWNS), default="area")


class PeopleFilterSerializer(serializers.Serializer):
    area = serializers.IntegerField(min_value=1, required=False)
    role_group = serializers.ChoiceField(choices=RoleGroup.choices, required=False)
    status = serializers.ChoiceField(choices=list(selectors.STATUS_LABELS), required=False)


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    staff_number = serializers.CharField()
    full_name = serializers.CharField()
    role_group = serializers.CharField()
    status = serializers.CharField()
    new_starter = serializers.BooleanField()
    required_courses = serializers.IntegerField(source="required_n")
    completed_courses = serializers.IntegerField(source="done_n")


class PeoplePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PersonSerializer(many=True)


class ConfidenceGroupSerializer(serializers.Serializer):
    group = serializers.CharField()
    suppressed = serializers.BooleanField(
        help_text="True when the group has too few answers to show (its figures are null)."
    )
    responses = serializers.IntegerField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    low_share = serializers.FloatField(allow_null=True, help_text="Share scoring 1 or 2.")
    is_low = serializers.BooleanField()
    worries = serializers.SerializerMethodField(
        help_text="How many chose each worry, most first (empty when suppressed)."
    )

    def get_worries(self, group: Any) -> list[dict[str, Any]]:
        return [{"worry": worry, "count": count} for worry, count in group.worries]


class ConfidenceSummarySerializer(serializers.Serializer):
    min_group_size = serializers.IntegerField()
    by_area = ConfidenceGroupSerializer(many=True)
    by_role_group = ConfidenceGroupSerializer(many=True)
    overall = ConfidenceGroupSerializer(allow_null=True)


class GapSerializer(serializers.Serializer):
    area = serializers.IntegerField()
    area_name = serializers.CharField()
    course = serializers.IntegerField(allow_null=True, help_text="Null: no course named.")
    course_code = serializers.CharField(allow_null=True)
    tickets = serializers.IntegerField(help_text="Tickets resolved as a training gap.")
    last_logged = serializers.DateTimeField()
    must_do = serializers.IntegerField(allow_null=True)
    completed = serializers.IntegerField(
        allow_null=True, help_text="Did the course and still got stuck: refresher candidates."
    )
    not_yet_done = serializers.IntegerField(allow_null=True)
    refresher_candidates = serializers.ListField(
        child=serializers.CharField(),
        help_text="Staff numbers of the candidates; empty for roles that see figures only.",
    )


class GapFilterSerializer(serializers.Serializer):
    area = serializers.IntegerField(min_value=1, required=False)
    course = serializers.IntegerField(min_value=1, required=False)


class PlanSerializer(serializers.Serializer):
    target_percent = serializers.IntegerField(min_value=1, max_value=100)
    alert_margin_points = serializers.IntegerField(min_value=1, max_value=50)
    cut_off_on = serializers.DateField(allow_null=True, required=False, default=None)
    new_starter_days = serializers.IntegerField(min_value=1, max_value=365)
    points = PlanPointSerializer(many=True, help_text="The planned cumulative % by date.")


# Views.


@extend_schema_view(
    list=extend_schema(responses={200: CourseSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: CourseSerializer, **ERROR_RESPONSES}),
    create=extend_schema(
        request=CourseSerializer, responses={201: CourseSerializer, **ERROR_RESPONSES}
    ),
    partial_update=extend_schema(
        request=CourseUpdateSerializer, responses={200: CourseSerializer, **ERROR_RESPONSES}
    ),
)
class CourseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Courses of the programmes the caller can see; training leads add and change them."""

    lookup_value_converter = "int"
    serializer_class = CourseSerializer
    write_capability = C.MANAGE_TRAINING
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Course]:
        programmes = api_access(self.request).programmes()
        return Course.objects.filter(programme__in=programmes).order_by("programme_id", "code")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = CourseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        programme = data.pop("programme")
        if not api_access(request).programmes().filter(pk=programme.pk).exists():
            raise exceptions.NotFound("There is no programme with this id that you can see.")
        with service_errors():
            course = services.save_course(access=api_access(request), programme=programme, **data)
        return Response(CourseSerializer(course).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        course = self.get_object()
        body = CourseUpdateSerializer(course, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        current = CourseUpdateSerializer(course).data
        values = {**current, **body.validated_data}
        with service_errors():
            saved = services.save_course(
                access=api_access(request), programme=course.programme, course=course, **values
            )
        return Response(CourseSerializer(saved).data)


@extend_schema_view(
    list=extend_schema(
        parameters=[RequirementFilterSerializer],
        responses={200: RequirementSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(responses={200: RequirementSerializer, **ERROR_RESPONSES}),
    create=extend_schema(
        request=RequirementCreateSerializer,
        responses={201: RequirementSerializer(many=True), **ERROR_RESPONSES},
    ),
    destroy=extend_schema(responses={204: None, **ERROR_RESPONSES}),
)
class RequirementViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Which courses each role group must complete for a go-live, and by when."""

    lookup_value_converter = "int"
    serializer_class = RequirementSerializer
    write_capability = C.MANAGE_TRAINING

    def get_queryset(self) -> QuerySet[Requirement]:
        go_lives = api_access(self.request).go_lives()
        rows = Requirement.objects.filter(go_live__in=go_lives).select_related("course")
        if self.action == "list":
            filters = RequirementFilterSerializer(data=self.request.query_params)
            filters.is_valid(raise_exception=True)
            if "go_live" in filters.validated_data:
                rows = rows.filter(go_live_id=filters.validated_data["go_live"])
        return rows.order_by("go_live_id", "role_group", "course__code")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = RequirementCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        access = api_access(request)
        go_live = _visible_go_live(access, data["go_live"])
        course = Course.objects.filter(pk=data["course"], programme=go_live.programme).first()
        if course is None:
            raise serializers.ValidationError(
                {"course": ["There is no course with this id in the go-live's programme."]}
            )
        with service_errors():
            saved = services.set_requirement(
                access=access,
                go_live=go_live,
                course=course,
                role_groups=data["role_groups"],
                due_on=data["due_on"],
            )
        body_out = RequirementSerializer(saved, many=True).data
        return Response(body_out, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.remove_requirement(access=api_access(request), requirement=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


def _visible_go_live(access: Access, go_live_id: int) -> GoLive:
    go_live = access.go_lives().filter(pk=go_live_id).first()
    if go_live is None:
        raise serializers.ValidationError(
            {"go_live": ["There is no go-live with this id that you can see."]}
        )
    return go_live


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
    go_live = _visible_go_live(access, data["go_live"])
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


class TrainingGoLiveViewSet(viewsets.GenericViewSet):
    """Per go-live training read models, over the areas the caller may see."""

    lookup_value_converter = "int"
    serializer_class = TrajectorySerializer
    write_capability = C.MANAGE_TRAINING  # the only write here: replacing the plan

    def get_queryset(self) -> QuerySet[GoLive]:
        return api_access(self.request).go_lives().order_by("pk")

    def _scope(self) -> tuple[Access, selectors.Scope]:
        access = api_access(self.request)
        return access, selectors.scope_for(access, self.get_object())

    @extend_schema(responses={200: TrajectorySerializer, **ERROR_RESPONSES})
    @action(detail=True)
    def trajectory(self, request: Request, pk: int) -> Response:
        _, scope = self._scope()
        staff = selectors.staff_in_scope(scope)
        result = selectors.trajectory_for(staff, scope.go_live, today=timezone.localdate())
        f = result.forecast
        body = {
            "go_live": scope.go_live.pk,
            "as_of": f.as_of,
            "population": f.population,
            "trained": f.current,
            "trained_percent": result.actual_percent,
            "planned_percent_today": result.planned_percent_today,
            "behind_plan_by": result.behind_by,
            "target_percent": result.plan.target_percent,
            "weekly_rate": f.weekly_rate,
            "projected": f.projected,
            "projected_percent": f.projected_percent,
            "projected_low": f.projected_low,
            "projected_high": f.projected_high,
            "target_reached_on": f.target_reached_on,
            "weekly_needed": f.weekly_needed,
            "plan": [{"on": d, "planned_percent": v} for d, v in result.planned],
            "actual": [{"on": d, "newly_trained": n} for d, n in result.actual],
            "forecast": f.points,
        }
        return Response(TrajectorySerializer(body).data)

    @extend_schema(
        parameters=[BreakdownFilterSerializer],
        responses={200: FiguresSerializer(many=True), **ERROR_RESPONSES},
    )
    @action(detail=True, pagination_class=None)  # answers the whole list, unpaged
    def breakdown(self, request: Request, pk: int) -> Response:
        filters = BreakdownFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        _, scope = self._scope()
        rows = selectors.breakdown(
            scope, by=filters.validated_data["by"], today=timezone.localdate()
        )
        return Response(FiguresSerializer(rows, many=True).data)

    @extend_schema(methods=["GET"], responses={200: PlanSerializer, **ERROR_RESPONSES})
    @extend_schema(
        methods=["PUT"],
        request=PlanSerializer,
        responses={200: PlanSerializer, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["get", "put"])
    def plan(self, request: Request, pk: int) -> Response:
        """The go-live's targets and planned trajectory; PUT replaces them."""
        go_live = self.get_object()
        if request.method == "PUT":
            body = PlanSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            data = dict(body.validated_data)
            points = [
                (point["on"], Decimal(str(point["planned_percent"])))
                for point in data.pop("points")
            ]
            with service_errors():
                services.save_plan(
                    access=api_access(request), go_live=go_live, points=points, **data
                )
        plan = selectors.plan_for(go_live)
        body_out = {
            "target_percent": plan.target_percent,
            "alert_margin_points": plan.alert_margin_points,
            "cut_off_on": plan.cut_off_on,
            "new_starter_days": plan.new_starter_days,
            "points": [
                {"on": day, "planned_percent": value}
                for day, value in selectors.planned_points(go_live)
            ],
        }
        return Response(PlanSerializer(body_out).data)

    @extend_schema(
        parameters=[GapFilterSerializer],
        responses={200: GapSerializer(many=True), **ERROR_RESPONSES},
    )
    @action(detail=True, pagination_class=None)  # answers the whole list, unpaged
    def gaps(self, request: Request, pk: int) -> Response:
        """Service desk tickets resolved as a training gap, per area and course, with the
        refresher candidates (people who did the course); no ticket text."""
        filters = GapFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        access, scope = self._scope()
        course = None
        if "course" in data:
            course = Course.objects.filter(
                pk=data["course"], programme=scope.go_live.programme
            ).first()
            if course is None:
                raise serializers.ValidationError(
                    {"course": ["There is no course with this id in the go-live's programme."]}
                )
        rows = selectors.training_gaps_by_area(
            scope, access, area_ids=[data["area"]] if "area" in data else None, course=course
        )
        body = [
            {
                "area": row.area.pk,
                "area_name": row.area.name,
                "course": row.course.pk if row.course else None,
                "course_code": row.course.code if row.course else None,
                "tickets": row.tickets,
                "last_logged": row.last_logged,
                "must_do": row.must_do,
                "completed": row.completed,
                "not_yet_done": row.not_yet_done,
                "refresher_candidates": [member.staff_number for member in row.candidates],
            }
            for row in rows
        ]
        return Response(GapSerializer(body, many=True).data)

    @extend_schema(responses={200: ConfidenceSummarySerializer, **ERROR_RESPONSES})
    @action(detail=True)
    def confidence(self, request: Request, pk: int) -> Response:
        """Confidence checks by area and role group; small groups are suppressed."""
        access, scope = self._scope()
        result = selectors.confidence_for(scope, access)
        body = {
            "min_group_size": MIN_GROUP_SIZE,
            "by_area": result.by_area,
            "by_role_group": result.by_role_group,
            "overall": result.overall,
        }
        return Response(ConfidenceSummarySerializer(body).data)

    @extend_schema(
        parameters=[
            PeopleFilterSerializer,
            OpenApiParameter("limit", int, description="Rows per page (at most 500)."),
            OpenApiParameter("offset", int, description="Rows to skip."),
        ],
        responses={200: PeoplePageSerializer, **ERROR_RESPONSES},
    )
    @action(detail=True)
    def people(self, request: Request, pk: int) -> Response:
        """People not yet trained, booked or overdue (or a chosen status): needs staff view."""
        filters = PeopleFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        access, scope = self._scope()
        if not access.has(C.VIEW_STAFF, programme=scope.go_live.programme):
            raise exceptions.PermissionDenied("Your role shows figures only, not names.")
        data = filters.validated_data
        default = (selectors.Status.NOT_TRAINED, selectors.Status.BOOKED, selectors.Status.OVERDUE)
        rows = selectors.people(
            scope,
            access,
            today=timezone.localdate(),
            area_ids=[data["area"]] if "area" in data else None,
            role_group=data.get("role_group", ""),
            statuses=(data["status"],) if "status" in data else default,
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(PersonSerializer(page, many=True).data)


# Scope changes: people added to, or excluded from, a go-live's training scope by hand.


class ScopeChangeSerializer(serializers.ModelSerializer):
    staff_number = serializers.CharField(source="staff.staff_number", read_only=True)
    full_name = serializers.CharField(source="staff.full_name", read_only=True)

    class Meta:
        model = ScopeChange
        fields = ("id", "go_live", "staff_number", "full_name", "kind", "reason")
        read_only_fields = fields


class ScopeChangeRequestSerializer(serializers.Serializer):
    go_live = serializers.IntegerField(min_value=1)
    staff_number = serializers.CharField(max_length=32)
    # A plain string checked by the service: another "kind" enum would clash in the schema.
    kind = serializers.CharField(
        max_length=10,
        help_text="include (add to the scope) or exclude (take out of it).",
    )
    reason = serializers.CharField(max_length=200)


class ScopeChangeFilterSerializer(serializers.Serializer):
    go_live = IdField(required=False)


@extend_schema_view(
    list=extend_schema(
        summary="Manual scope changes for staff you may see",
        parameters=[ScopeChangeFilterSerializer],
        responses={200: ScopeChangeSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(responses={200: ScopeChangeSerializer, **ERROR_RESPONSES}),
    create=extend_schema(
        summary="Add someone to a go-live's training scope, or exclude them",
        request=ScopeChangeRequestSerializer,
        responses={201: ScopeChangeSerializer, **ERROR_RESPONSES},
    ),
    destroy=extend_schema(summary="Undo a scope change", responses={204: None, **ERROR_RESPONSES}),
)
class ScopeChangeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """People added to or excluded from a go-live's training scope by hand. Listed for
    staff the caller may see; changed only by programme-wide training leads."""

    lookup_value_converter = "int"
    serializer_class = ScopeChangeSerializer
    write_capability = C.MANAGE_TRAINING

    def get_queryset(self) -> QuerySet[ScopeChange]:
        access = api_access(self.request)
        rows = ScopeChange.objects.filter(
            go_live__in=access.go_lives(), staff__in=access.staff().values("pk")
        ).select_related("staff")
        if self.action == "list":
            filters = ScopeChangeFilterSerializer(data=self.request.query_params)
            filters.is_valid(raise_exception=True)
            if "go_live" in filters.validated_data:
                rows = rows.filter(go_live_id=filters.validated_data["go_live"])
        return rows.order_by("go_live_id", "staff__full_name", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        access = api_access(request)
        body = ScopeChangeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        go_live = _visible_go_live(access, data["go_live"])
        # The service checks this too, but only after the staff number is looked up: asked
        # first, a lead who may not change the scope learns nothing of who has which number.
        if not access.has_programme_wide(C.MANAGE_TRAINING, go_live.programme):
            raise exceptions.PermissionDenied(services.PROGRAMME_WIDE_ONLY)
        staff = StaffMember.objects.filter(
            organisation_id=go_live.programme.organisation_id, staff_number=data["staff_number"]
        ).first()
        if staff is None:
            raise serializers.ValidationError(
                {"staff_number": ["No one on the staff list has that staff number."]}
            )
        with service_errors():
            change = services.change_scope(
                access=access,
                user=signed_in_user(request),
                go_live=go_live,
                staff=staff,
                kind=data["kind"],
                reason=data["reason"],
            )
        return Response(ScopeChangeSerializer(change).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with service_errors():
            services.undo_scope_change(access=api_access(request), change=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# Confidence checks: recorded one at a time, read back only as aggregates.


class ConfidenceCheckSerializer(serializers.Serializer):
    go_live = serializers.IntegerField(min_value=1)
    area = serializers.IntegerField(min_value=1, help_text="An area of the go-live you may see.")
    score = serializers.IntegerField(
        min_value=1, max_value=5, help_text="How ready the person feels: 1 (not) to 5 (very)."
    )
    worries = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        default=list,
        help_text="Any of: " + ", ".join(ConfidenceResponse.Worry.values),
    )
    comment = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
    named = serializers.BooleanField(
        default=False,
        help_text="True: the caller answers for themselves, by name (their login must be "
        "linked to a staff record). False: an anonymous check for the area.",
    )


class ConfidenceReceiptSerializer(serializers.Serializer):
    go_live = serializers.IntegerField()
    area = serializers.IntegerField()
    named = serializers.BooleanField()
    recorded_at = serializers.DateTimeField()


@extend_schema_view(
    create=extend_schema(
        summary="Record a confidence check",
        description="Answers are read back only as aggregates, through "
        "/api/v1/training/go-lives/{id}/confidence/, where groups with fewer than "
        f"{MIN_GROUP_SIZE} answers are suppressed.",
        request=ConfidenceCheckSerializer,
        responses={201: ConfidenceReceiptSerializer, **ERROR_RESPONSES},
    ),
)
class ConfidenceCheckViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Write-only: one confidence check. Nobody reads single answers over the API."""

    serializer_class = ConfidenceCheckSerializer
    # Anyone signed in may answer for themselves; the service refuses anonymous checks from
    # read-only roles and areas the caller cannot see.
    write_capability = C.VIEW

    def get_queryset(self) -> QuerySet[ConfidenceResponse]:
        return ConfidenceResponse.objects.none()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        access = api_access(request)
        if access.is_read_only:
            # As on the confidence page: read-only roles write nothing, not even a check.
            raise exceptions.PermissionDenied("Your role is read only.")
        body = ConfidenceCheckSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        go_live = _visible_go_live(access, data["go_live"])
        area = access.areas().filter(pk=data["area"], go_lives=go_live).first()
        if area is None:
            raise serializers.ValidationError(
                {"area": ["There is no area with this id in the go-live that you can see."]}
            )
        user = signed_in_user(request)
        staff = None
        if data["named"]:
            staff = StaffMember.objects.filter(user=user).first()
            if staff is None:
                raise serializers.ValidationError(
                    {"named": ["Your login is not linked to a staff record; answer anonymously."]}
                )
        with service_errors():
            response = services.record_confidence(
                access=access,
                user=user,
                go_live=go_live,
                area=area,
                score=data["score"],
                worries=data["worries"],
                comment=data["comment"],
                staff=staff,
            )
        receipt = {
            "go_live": go_live.pk,
            "area": area.pk,
            "named": staff is not None,
            "recorded_at": response.submitted_at,
        }
        return Response(ConfidenceReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)
