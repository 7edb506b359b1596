"""People and access over the API: role grants and invitations (programme managers and
administrators, on the programmes they manage access to as a whole), and access requests
(any signed-in user asks for themselves and reads their own; approvers read, approve and
decline those of their programmes)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from administration.models import AccessRequest, Invitation
from administration.people import selectors, services
from golive.access import Capability
from golive.api_errors import ERROR_RESPONSES, call_service, refusal_responses
from golive.api_permissions import api_access
from golive.http import signed_in_user
from golive.models import Programme, Role, RoleGrant

WRITE_ERRORS = refusal_responses(
    refused=("site_and_areas", "other_organisation", "dates_out_of_order", "reason_required"),
    conflicts=("already_granted", "last_manage_access", "decided"),
)


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    incoming = serializer_class(data=request.data)
    incoming.is_valid(raise_exception=True)
    return dict(incoming.validated_data)


class ScopeSerializer(serializers.Serializer):
    site = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None,
        help_text="A site of the programme's organisation: the role applies to its areas.",
    )  # fmt: skip
    areas = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list,
        help_text="Area ids; empty (and no site) grants the role across the programme.",
    )  # fmt: skip
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)


def _scope(
    programme: Programme, data: dict[str, Any], *, keep_areas: Iterable[int] = ()
) -> services.Scope:
    site = None
    if data.get("site") is not None:
        site = selectors.sites(programme).filter(pk=data["site"]).first()
        if site is None:
            raise exceptions.ValidationError({"site": "There is no such site in this programme."})
    wanted = set(data.get("areas") or [])
    areas = list(selectors.areas(programme, keep=keep_areas).filter(pk__in=wanted))
    if len(areas) != len(wanted):
        raise exceptions.ValidationError({"areas": "Choose areas of this programme."})
    return services.Scope(
        site=site, areas=areas, starts_on=data.get("starts_on"), ends_on=data.get("ends_on")
    )


def _managed(request: Request, pk: int, field: str = "programme") -> Programme:
    programme = selectors.managed_programmes(api_access(request)).filter(pk=pk).first()
    if programme is None:
        raise exceptions.ValidationError({field: "There is no such programme you manage."})
    return programme


class RoleGrantSerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.display_name", read_only=True)
    email = serializers.CharField(source="user.email", read_only=True)

    class Meta:
        model = RoleGrant
        fields = (
            "id", "user", "user_name", "email", "role", "programme", "site", "areas",
            "starts_on", "ends_on", "granted_by",
        )  # fmt: skip
        read_only_fields = fields


class RoleGrantCreateSerializer(ScopeSerializer):
    user = serializers.IntegerField(
        min_value=1,
        help_text="An account known on the programme (a grant, invitation or access request "
        "there); invite anyone else.",
    )
    programme = serializers.IntegerField(min_value=1)
    role = serializers.ChoiceField(choices=Role.choices)
    reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class RoleGrantChangeSerializer(ScopeSerializer):
    reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="Why the role is revoked.")


@extend_schema_view(
    list=extend_schema(responses={200: RoleGrantSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: RoleGrantSerializer, **ERROR_RESPONSES}),
)
class RoleGrantViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[RoleGrant]
):
    """Role grants on the programmes where the caller manages access (programme managers
    and administrators, held programme-wide). Only an administrator grants or revokes the
    administrator role. Every change is kept in the grant's history with its reason."""

    lookup_value_converter = "int"
    serializer_class = RoleGrantSerializer
    write_capability = Capability.MANAGE_ACCESS
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[RoleGrant]:
        return selectors.grants(selectors.managed_programmes(api_access(self.request)))

    @extend_schema(
        summary="Grant a role to an account, for the programme, a site or areas",
        request=RoleGrantCreateSerializer,
        responses={201: RoleGrantSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _valid(RoleGrantCreateSerializer, request)
        programme = _managed(request, data["programme"])
        user = selectors.people_to_grant(programme).filter(pk=data["user"]).first()
        if user is None:
            raise exceptions.ValidationError(
                {"user": "There is no such account on this programme."}
            )
        grant = call_service(
            services.grant_role, access=api_access(request), granted_by=signed_in_user(request),
            user=user, programme=programme, role=data["role"], scope=_scope(programme, data),
            reason=data["reason"],
        )  # fmt: skip
        body = RoleGrantSerializer(self.get_queryset().get(pk=grant.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a grant's scope or dates (fields not sent keep their values)",
        request=RoleGrantChangeSerializer,
        responses={200: RoleGrantSerializer, **WRITE_ERRORS},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        grant = self.get_object()
        current = {
            "site": grant.site_id,
            "areas": [area.pk for area in grant.areas.all()],
            "starts_on": grant.starts_on,
            "ends_on": grant.ends_on,
        }
        sent = _valid(RoleGrantChangeSerializer, request)
        data = {
            name: sent[name] if name in request.data else value for name, value in current.items()
        }
        data["reason"] = sent["reason"]
        granted = grant.areas.values_list("pk", flat=True)
        call_service(
            services.change_grant, access=api_access(request), grant=grant,
            scope=_scope(grant.programme, data, keep_areas=granted),
            reason=data["reason"],
        )  # fmt: skip
        return Response(RoleGrantSerializer(self.get_queryset().get(pk=grant.pk)).data)

    @extend_schema(
        summary="Revoke a grant (a reason is required)",
        parameters=[
            OpenApiParameter(
                "reason",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                required=False,
                description="Why the role is revoked: required, here or as `reason` in a "
                "JSON body. Kept in the grant's history.",
            )
        ],
        request=RevokeSerializer,
        responses={204: None, **WRITE_ERRORS},
    )
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        grant = self.get_object()
        reason = request.query_params.get("reason") or (
            request.data.get("reason", "") if hasattr(request.data, "get") else ""
        )
        call_service(
            services.revoke_grant, access=api_access(request), grant=grant, reason=str(reason)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Invitation
        fields = (
            "id", "user", "programme", "kind", "email", "role", "invited_by", "invited_at",
            "accepted_at",
        )  # fmt: skip
        read_only_fields = fields


class InvitationCreateSerializer(ScopeSerializer):
    email = serializers.EmailField()
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    kind = serializers.ChoiceField(choices=Invitation.Kind.choices)
    programme = serializers.IntegerField(min_value=1)
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationResultSerializer(serializers.Serializer):
    role_grant = serializers.IntegerField(help_text="The grant made.")
    invitation = InvitationSerializer(
        allow_null=True, help_text="Null when the address already had an account."
    )


@extend_schema_view(
    list=extend_schema(responses={200: InvitationSerializer(many=True), **ERROR_RESPONSES}),
)
class InvitationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Invitation]):
    """Invitations on the programmes where the caller manages access. Inviting an address
    that already has an account grants the role to that account instead."""

    serializer_class = InvitationSerializer
    write_capability = Capability.MANAGE_ACCESS

    def get_queryset(self) -> QuerySet[Invitation]:
        return selectors.invitations(
            selectors.managed_programmes(api_access(self.request))
        ).order_by("-invited_at")

    @extend_schema(
        summary="Invite a person by e-mail, or pre-provision a single-sign-on account",
        request=InvitationCreateSerializer,
        responses={201: InvitationResultSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _valid(InvitationCreateSerializer, request)
        programme = _managed(request, data["programme"])
        invitee = services.Invitee(
            email=data["email"], first_name=data["first_name"], last_name=data["last_name"]
        )
        outcome = call_service(
            services.invite_person, access=api_access(request),
            invited_by=signed_in_user(request), programme=programme, invitee=invitee,
            role=data["role"], scope=_scope(programme, data), kind=data["kind"],
        )  # fmt: skip
        body = {
            "role_grant": outcome.grant.pk,
            "invitation": InvitationSerializer(outcome.invitation).data
            if outcome.invitation
            else None,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class SignedIn(BasePermission):
    """Any signed-in user, with or without a role: access requests are theirs to make.
    What each may read is scoped by the queryset; deciding is checked by the service."""

    message = "Sign in first."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated)


class AccessRequestSerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.display_name", read_only=True)
    # Blank until asked for / until approved: the schema allows "" beside the roles.
    requested_role = serializers.ChoiceField(choices=Role.choices, allow_blank=True, read_only=True)
    granted_role = serializers.ChoiceField(choices=Role.choices, allow_blank=True, read_only=True)

    class Meta:
        model = AccessRequest
        fields = (
            "id", "user", "user_name", "programme", "requested_role", "message", "status",
            "created_at", "decided_by", "decided_at", "decision_reason", "granted_role",
            "granted_site", "granted_areas",
        )  # fmt: skip
        read_only_fields = fields


class AccessRequestCreateSerializer(serializers.Serializer):
    programme = serializers.IntegerField(min_value=1)
    requested_role = serializers.ChoiceField(
        choices=Role.choices, required=False, default="", allow_blank=True
    )
    message = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class ApproveSerializer(ScopeSerializer):
    role = serializers.ChoiceField(choices=Role.choices)


@extend_schema_view(
    list=extend_schema(responses={200: AccessRequestSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: AccessRequestSerializer, **ERROR_RESPONSES}),
)
class AccessRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[AccessRequest]
):
    """Requests for access. Any signed-in user asks for themselves and sees their own;
    programme managers and administrators see their programmes' and decide them."""

    lookup_value_converter = "int"
    serializer_class = AccessRequestSerializer
    permission_classes = [SignedIn]

    def get_queryset(self) -> QuerySet[AccessRequest]:
        return selectors.visible_requests(api_access(self.request), signed_in_user(self.request))

    @extend_schema(
        summary="Ask a programme for access (an open request is answered as it is, 200)",
        request=AccessRequestCreateSerializer,
        responses={201: AccessRequestSerializer, 200: AccessRequestSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _valid(AccessRequestCreateSerializer, request)
        programme = Programme.objects.filter(pk=data["programme"]).first()
        if programme is None:
            raise exceptions.ValidationError({"programme": "There is no such programme."})
        made, created = call_service(
            services.request_access, user=signed_in_user(request), programme=programme,
            requested_role=data["requested_role"], message=data["message"],
        )  # fmt: skip
        body = AccessRequestSerializer(self.get_queryset().get(pk=made.pk)).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        summary="Approve a pending request with a role and its scope",
        request=ApproveSerializer,
        responses={200: AccessRequestSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: int, **kwargs: Any) -> Response:
        access_request = self.get_object()
        data = _valid(ApproveSerializer, request)
        call_service(
            services.approve_access_request, access=api_access(request),
            decided_by=signed_in_user(request), access_request=access_request, role=data["role"],
            scope=_scope(access_request.programme, data),
        )  # fmt: skip
        return Response(AccessRequestSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(
        summary="Decline a pending request (a reason is required, shown to the requester)",
        request=RevokeSerializer,
        responses={200: AccessRequestSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: int, **kwargs: Any) -> Response:
        access_request = self.get_object()
        data = _valid(RevokeSerializer, request)
        call_service(
            services.decline_access_request, access=api_access(request),
            decided_by=signed_in_user(request), access_request=access_request,
            reason=data["reason"],
        )  # fmt: skip
        return Response(AccessRequestSerializer(self.get_queryset().get(pk=pk)).data)
