"""What readiness API endpoints share beyond ``golive/api_errors.py``: choosing people and
go-lives by id within what the caller may see, validated input, and the documented write
errors (a service's refusals: ``golive.api_errors.call_service`` maps them)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.request import Request

from golive.access import Access
from golive.api_errors import ErrorSerializer, refusal_responses
from golive.api_permissions import api_access
from golive.models import GoLive, Programme, StaffMember, User
from readiness.people import visible_staff

# A request that must change (400), and a request refused in the records' state (409).
REFUSED_CODES = (
    "computed",
    "evidence_required",
    "not_required",
    "note_required",
    "skips_level",
    "criteria_unmet",
)
CONFLICT_CODES = (
    "decided",
    "already_signed",
    "stale",
    "already_at_level",
    "duplicate",
    "stood_down",
    "published",
)


def programme_user(programme: Programme, pk: int, field: str) -> User:
    """A user with a role on ``programme``: people are chosen by id, never outside it."""
    user = User.objects.filter(pk=pk, role_grants__programme=programme).distinct().first()
    if user is None:
        raise exceptions.ValidationError({field: "There is no such user on this programme."})
    return user


def visible_staff_member(access: Access, programme: Programme, pk: int, field: str) -> StaffMember:
    """A staff member without an account whom the caller may see, of the programme's trust."""
    staff = visible_staff(access, programme).filter(pk=pk).first()
    if staff is None:
        raise exceptions.ValidationError({field: "There is no such staff member you may see."})
    return staff


def visible_go_live(request: Request, pk: int) -> GoLive:
    go_live = api_access(request).go_lives().filter(pk=pk).first()
    if go_live is None:
        raise exceptions.ValidationError({"go_live": "There is no such go-live you may see."})
    return go_live


def valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    incoming = serializer_class(data=request.data)
    incoming.is_valid(raise_exception=True)
    return dict(incoming.validated_data)


WRITE_ERRORS = {
    **refusal_responses(refused=REFUSED_CODES, conflicts=CONFLICT_CODES),
    403: OpenApiResponse(ErrorSerializer, description="Outside your areas or domains."),
}
