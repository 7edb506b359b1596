"""The service desk over the API: tickets (list, log, read, triage), their status changes,
claims and comments, and the category tree. Querysets are scoped through ``Access``; the
services decide what may be written, so the API and the pages share every rule."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from golive.access import Access, Capability
from golive.api_errors import ERROR_RESPONSES, call_service, refusal_responses
from golive.api_permissions import api_access
from golive.http import signed_in_user
from golive.models import Area, GoLive, User
from support import selectors, services
from support.models import Category, Priority, ResolverGroup, Ticket, TicketComment
from training.models import Course


@extend_schema_field(
    {
        "type": "string",
        "description": "One of: "
        + ", ".join(f"`{value}` ({label})" for value, label in Ticket.Status.choices),
    }
)
class TicketStatusField(serializers.ChoiceField):
    """A ticket's status, read-only in ticket bodies. Described in words there so the schema
    has one status enum for tickets (the transition request's), which does not collide with
    the import batches' ``status`` enum."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Ticket.Status.choices, **kwargs)


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ("id", "slug", "name", "parent", "position")
        read_only_fields = fields


class TicketSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    category_slug = serializers.CharField(
        source="category.slug", read_only=True, allow_null=True, default=None
    )
    assignee = serializers.CharField(
        source="assignee.get_username", read_only=True, allow_null=True, default=None
    )
    resolver_group = serializers.CharField(
        source="resolver_group.name", read_only=True, allow_null=True, default=None
    )
    status = TicketStatusField(read_only=True)
    resolution_type = serializers.ChoiceField(
        choices=Ticket.ResolutionType.choices,
        read_only=True,
        allow_blank=True,
        help_text="Empty until the ticket is resolved.",
    )
    reporter_name = serializers.SerializerMethodField(
        help_text="Empty unless you log or work tickets in the ticket's area."
    )
    reporter_contact = serializers.SerializerMethodField(
        help_text="Empty unless you log or work tickets in the ticket's area."
    )
    description = serializers.SerializerMethodField(
        help_text="What happened. Empty unless you log or work tickets in the ticket's area "
        "(executives see no ticket text)."
    )
    resolution_note = serializers.SerializerMethodField(
        help_text="Empty unless you log or work tickets in the ticket's area."
    )

    class Meta:
        model = Ticket
        fields = (
            "id",
            "reference",
            "go_live",
            "area",
            "area_name",
            "reporter_name",
            "reporter_contact",
            "description",
            "category",
            "category_slug",
            "suggested_category",
            "priority",
            "is_clinical_safety",
            "resolver_group",
            "assignee",
            "status",
            "resolution_type",
            "resolution_note",
            "known_issue",
            "channel",
            "external_reference",
            "created_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
        )
        read_only_fields = fields

    def _reporter(self, ticket: Ticket, value: str) -> str:
        access = self.context.get("access")
        return value if access is not None and selectors.may_see_reporter(access, ticket) else ""

    def get_reporter_name(self, ticket: Ticket) -> str:
        return self._reporter(ticket, ticket.reporter_name)

    def get_reporter_contact(self, ticket: Ticket) -> str:
        return self._reporter(ticket, ticket.reporter_contact)

    def _text(self, ticket: Ticket, value: str) -> str:
        access = self.context.get("access")
        readable = access is not None and selectors.may_read_ticket_text(access, ticket)
        return value if readable else ""

    def get_description(self, ticket: Ticket) -> str:
        return self._text(ticket, ticket.description)

    def get_resolution_note(self, ticket: Ticket) -> str:
        return self._text(ticket, ticket.resolution_note)


class TicketFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Ticket.Status.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    category = serializers.SlugField(
        required=False, help_text="Category slug; a top-level slug includes its children."
    )
    area = serializers.IntegerField(min_value=1, required=False, help_text="Area id.")
    go_live = serializers.IntegerField(min_value=1, required=False, help_text="Go-live id.")


class TicketCreateSerializer(serializers.Serializer):
    """What a phone system or another desk sends: the same three facts as the quick log."""

    reporter_name = serializers.CharField(max_length=200)
    reporter_contact = serializers.CharField(max_length=200)
    area = serializers.IntegerField(min_value=1, help_text="Area id (see /api/v1/areas/).")
    description = serializers.CharField(max_length=4000, help_text="What happened.")
    go_live = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="Go-live id; by default the area's most recent go-live that has happened, "
        "else its next one.",
    )
    external_reference = serializers.CharField(
        max_length=100,
        required=False,
        default="",
        allow_blank=True,
        help_text="Your system's id for this report (e.g. the call id). Sending the same one "
        "again for the area returns the ticket already made (200) instead of a new one.",
    )


class TicketTriageSerializer(serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(is_active=True), allow_null=True, required=False
    )
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    resolver_group = serializers.PrimaryKeyRelatedField(
        queryset=ResolverGroup.objects.all(), allow_null=True, required=False
    )
    assignee = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        allow_null=True,
        required=False,
        help_text="Username of a desk member who may work the ticket's area.",
    )
    is_clinical_safety = serializers.BooleanField(required=False)


class TicketTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Ticket.Status.choices)
    resolution_type = serializers.ChoiceField(
        choices=Ticket.ResolutionType.choices, required=False, default=""
    )
    resolution_note = serializers.CharField(required=False, default="", allow_blank=True)
    course = serializers.PrimaryKeyRelatedField(
        queryset=Course.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="For a training gap: the course (id) that should have covered it.",
    )


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.get_username", read_only=True)

    class Meta:
        model = TicketComment
        fields = ("id", "author", "visibility", "body", "created_at")
        read_only_fields = ("id", "author", "created_at")


def _go_live_for(access: Access, area: Area, go_live_id: int | None) -> GoLive:
    go_lives = access.go_lives().filter(areas=area)
    if go_live_id is not None:
        chosen = go_lives.filter(pk=go_live_id).first()
        if chosen is None:
            raise serializers.ValidationError(
                {"go_live": "There is no go-live with this id covering that area."},
                code="does_not_exist",
            )
        return chosen
    today = timezone.localdate()
    chosen = (
        go_lives.filter(user_go_live_date__lte=today).order_by("-user_go_live_date").first()
        or go_lives.filter(user_go_live_date__gt=today).order_by("user_go_live_date").first()
    )
    if chosen is None:
        raise serializers.ValidationError(
            {"area": "That area is not part of any go-live you can see."}, code="no_go_live"
        )
    return chosen


TICKET_WRITE = refusal_responses(conflicts=["ticket_not_open", "already_claimed"])


@extend_schema_view(
    list=extend_schema(
        parameters=[TicketFilterSerializer],
        responses={200: TicketSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(responses={200: TicketSerializer, **ERROR_RESPONSES}),
    create=extend_schema(
        request=TicketCreateSerializer,
        responses={
            201: TicketSerializer,
            200: OpenApiResponse(
                TicketSerializer, description="Already received with this external_reference."
            ),
            **ERROR_RESPONSES,
        },
    ),
    partial_update=extend_schema(
        request=TicketTriageSerializer,
        responses={200: TicketSerializer, **TICKET_WRITE},
    ),
)
class TicketViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Go-live tickets you may see: a champion or ward manager their areas, the desk and
    programme roles the whole programme."""

    lookup_value_converter = "int"
    serializer_class = TicketSerializer

    @property
    def write_capability(self) -> Capability:
        # Logging and commenting are open to whoever may log; everything else is triage.
        if self.action in {"create", "comments"}:
            return Capability.LOG_TICKETS
        return Capability.TRIAGE_TICKETS

    def get_queryset(self) -> QuerySet[Ticket]:
        access = api_access(self.request)
        return selectors.visible_tickets(access).order_by("-created_at", "-pk")

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "access": api_access(self.request)}

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.action != "list":
            return queryset
        payload = TicketFilterSerializer(data=self.request.query_params)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        slug = data.pop("category", None)
        if slug:
            queryset = queryset.filter(Q(category__slug=slug) | Q(category__parent__slug=slug))
        return queryset.filter(
            **{f"{k}_id" if k in {"area", "go_live"} else k: v for k, v in data.items()}
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Log a ticket (e.g. from a phone system). The category is suggested from the text."""
        payload = TicketCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        access = api_access(request)
        area = access.areas(Capability.LOG_TICKETS).filter(pk=data["area"]).first()
        if area is None:
            raise serializers.ValidationError(
                {"area": "There is no area with this id where you may log tickets."},
                code="does_not_exist",
            )
        go_live = _go_live_for(access, area, data.get("go_live"))
        ticket, created = call_service(
            services.receive_ticket,
            user=signed_in_user(request),
            go_live=go_live,
            area=area,
            reporter_name=data["reporter_name"],
            reporter_contact=data["reporter_contact"],
            description=data["description"],
            external_reference=data["external_reference"],
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(ticket).data, status=code)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Triage: fields left out keep their current values."""
        ticket = self.get_object()
        payload = TicketTriageSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        updated = call_service(
            services.triage_ticket,
            ticket=ticket,
            user=signed_in_user(request),
            category=data.get("category", ticket.category),
            priority=data.get("priority", ticket.priority),
            resolver_group=data.get("resolver_group", ticket.resolver_group),
            assignee=data.get("assignee", ticket.assignee),
            is_clinical_safety=data.get("is_clinical_safety", ticket.is_clinical_safety),
        )
        return Response(self.get_serializer(updated).data)

    @extend_schema(
        request=TicketTransitionSerializer,
        responses={200: TicketSerializer, **TICKET_WRITE},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: int) -> Response:
        """Move the ticket along its workflow (resolving needs a resolution_type)."""
        ticket = self.get_object()
        payload = TicketTransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        updated = call_service(
            services.change_status,
            ticket=ticket,
            user=signed_in_user(request),
            **payload.validated_data,
        )
        return Response(self.get_serializer(updated).data)

    @extend_schema(request=None, responses={200: TicketSerializer, **TICKET_WRITE})
    @action(detail=True, methods=["post"])
    def claim(self, request: Request, pk: int) -> Response:
        """Take the ticket; 409 already_claimed when another agent got there first."""
        ticket = self.get_object()
        updated = call_service(services.claim_ticket, ticket=ticket, user=signed_in_user(request))
        return Response(self.get_serializer(updated).data)

    @extend_schema(
        methods=["GET"],
        request=None,
        responses={200: CommentSerializer(many=True), **ERROR_RESPONSES},
    )
    @extend_schema(
        methods=["POST"],
        request=CommentSerializer,
        responses={201: CommentSerializer, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def comments(self, request: Request, pk: int) -> Response:
        """Comments you may see (internal notes are for the desk); POST adds one."""
        ticket = self.get_object()
        access = api_access(request)
        if request.method == "GET":
            comments = selectors.visible_comments(access, ticket)
            return Response(CommentSerializer(comments, many=True).data)
        payload = CommentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        comment = call_service(
            services.add_comment,
            ticket=ticket,
            user=signed_in_user(request),
            **payload.validated_data,
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(responses={200: CategorySerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: CategorySerializer, **ERROR_RESPONSES}),
)
class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The triage tree: top-level categories have no parent."""

    lookup_value_converter = "int"
    serializer_class = CategorySerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Category]:
        return Category.objects.filter(is_active=True).order_by("parent_id", "position", "pk")
