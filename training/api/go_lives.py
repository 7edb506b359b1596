"""Per go-live training read models over the API: the trajectory against the plan, figures
by site/area/role group, the people not yet trained, confidence aggregates, gaps by area,
and the plan itself (the one write here)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from golive import definitions, small_numbers
from golive.access import Access, Capability
from golive.api_errors import ERROR_RESPONSES, service_errors
from golive.api_permissions import api_access
from golive.models import GoLive, RoleGroup
from training import confidence_checks, selectors, services, status
from training.models import Course

C = Capability


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
    trained = serializers.IntegerField(help_text="Trained by `as_of` (go-live day once live).")
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
    status = serializers.CharField()

    # Fields that carry a registered figure: their help text is its definition, read when
    # the serializer is built (the schema too), never copied here.
    FIGURES = {
        "projected": "training.forecast_at_go_live",
        "weekly_needed": "training.weekly_needed",
        "status": "training.status",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, key in self.FIGURES.items():
            self.fields[name].help_text = f"{definitions.label(key)}: {definitions.text(key)}"


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
    """Help texts of the defined figures come from the registry when the fields are built."""

    group = serializers.CharField()
    suppressed = serializers.BooleanField()
    responses = serializers.IntegerField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    low_share = serializers.FloatField(allow_null=True)
    is_low = serializers.BooleanField()
    worries = serializers.SerializerMethodField(
        help_text="How many chose each worry, most first (empty when suppressed)."
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        rule = definitions.label(small_numbers.KEY).lower()
        fields["suppressed"].help_text = f"True: {rule}; the group's figures are null."
        fields["low_share"].help_text = definitions.text("training.confidence.not_ready_share")
        fields["is_low"].help_text = definitions.text("training.confidence.low")
        return fields

    def get_worries(self, group: Any) -> list[dict[str, Any]]:
        return [{"worry": worry, "count": count} for worry, count in group.worries]


class ConfidenceSummarySerializer(serializers.Serializer):
    min_group_size = serializers.IntegerField()
    by_area = ConfidenceGroupSerializer(many=True)
    by_role_group = ConfidenceGroupSerializer(many=True)
    overall = ConfidenceGroupSerializer(allow_null=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["min_group_size"].help_text = definitions.text(small_numbers.KEY)
        return fields


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
            "status": status.status_sentence(result),
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
        result = confidence_checks.confidence_for(scope, access)
        body = {
            "min_group_size": small_numbers.MIN_RESPONSES,
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
