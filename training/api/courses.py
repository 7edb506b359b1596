"""Courses and the requirements that say which role groups in which areas must complete
them, over the API. Training leads change them; everyone reads what their access allows."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from golive.access import Capability
from golive.api_errors import ERROR_RESPONSES, service_errors
from golive.api_fields import IdField
from golive.api_permissions import api_access
from golive.models import RoleGroup
from training import services
from training.api.scoping import visible_go_live
from training.models import Course, Requirement

C = Capability


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
        go_live = visible_go_live(access, data["go_live"])
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
