"""What every readiness API endpoint shares: the caller's access, a service call whose
refusals become the API's error shape, choosing people and go-lives by id within what the
caller may see, and the documented write errors."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request

from golive.access import Access, access_for
from golive.api_errors import ErrorSerializer, service_errors
from golive.models import GoLive, Programme, User

RULE_CODES = (
    "computed, evidence_required, decided, not_required, already_signed, note_required, "
    "stale, already_at_level, skips_level, duplicate"
)


class RuleRefused(exceptions.APIException):
    """A readiness rule refused the request; ``code`` says which."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"
    default_detail = "The request breaks a readiness rule."


def call_service(function: Any, **kwargs: Any) -> Any:
    """Run a service, turning its refusals into the API's error shape."""
    with service_errors(RuleRefused):
        return function(**kwargs)


def api_access(request: Request) -> Access:
    return access_for(request._request)


def programme_user(programme: Programme, pk: int, field: str) -> User:
    """A user with a role on ``programme``: people are chosen by id, never outside it."""
    user = User.objects.filter(pk=pk, role_grants__programme=programme).distinct().first()
    if user is None:
        raise exceptions.ValidationError({field: "There is no such user on this programme."})
    return user


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
    400: OpenApiResponse(
        ErrorSerializer,
        description=f"Invalid input (field_errors) or a broken rule; code is one of {RULE_CODES}.",
    ),
    401: ErrorSerializer,
    403: OpenApiResponse(ErrorSerializer, description="Outside your areas or domains."),
    404: ErrorSerializer,
}
