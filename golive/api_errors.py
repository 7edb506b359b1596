"""One error shape for every API failure, so integrations can handle errors generically."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from golive.refusals import Conflict, TooManyRequests

T = TypeVar("T")


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The field in the request body, or 'non_field_errors'.")
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx response."""

    code = serializers.CharField(help_text="A stable reason code, e.g. 'not_found'.")
    message = serializers.CharField(help_text="A plain-English explanation.")
    field_errors = FieldErrorSerializer(many=True, required=False)


class Refused(exceptions.APIException):
    """A service refused the request as made (a ``ValidationError`` naming no field)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"
    default_detail = "The request was refused."


class Conflicted(exceptions.APIException):
    """A service refused the request in the records' current state (a ``Conflict``)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The records are not in a state that allows this."


def as_api_error(error: DjangoValidationError) -> exceptions.APIException:
    """The one mapping of a service's refusal (``golive/refusals.py``) to the API's error:
    a ``Conflict`` -> 409 with its code; ``TooManyRequests`` -> 429 with Retry-After; a
    ``ValidationError`` naming fields -> 400 with those field errors and their codes; any
    other -> 400 with its code."""
    code = getattr(error, "code", None)
    message = " ".join(error.messages)
    if isinstance(error, Conflict):
        return Conflicted(message, code or Conflicted.default_code)
    if isinstance(error, TooManyRequests):
        return exceptions.Throttled(error.retry_after, message, code or "throttled")
    if hasattr(error, "error_dict"):
        return serializers.ValidationError(
            {
                field: [
                    exceptions.ErrorDetail(message, code=item.code or "invalid")
                    for item in items
                    for message in item.messages
                ]
                for field, items in error.error_dict.items()
            }
        )
    return Refused(message, code or Refused.default_code)


@contextmanager
def service_errors(*_transitional: type[exceptions.APIException]) -> Iterator[None]:
    """Run service calls, turning their refusals into the API's errors: ``PermissionDenied``
    -> 403, the rest through ``as_api_error``. (A refusal class still passed by an older
    caller is ignored: the mapping gives what such classes gave, 400 with the code.)"""
    try:
        yield
    except DjangoPermissionDenied as denied:
        raise exceptions.PermissionDenied(str(denied) or None) from None
    except DjangoValidationError as error:
        raise as_api_error(error) from None


def call_service(function: Callable[..., T], **kwargs: Any) -> T:
    """``function(**kwargs)``, its refusals turned into the API's errors."""
    with service_errors():
        return function(**kwargs)


def _field_errors(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            errors.extend(
                _field_errors(value, f"{prefix}{key}" if not prefix else f"{prefix}.{key}")
            )
    elif isinstance(detail, list):
        for item in detail:
            errors.extend(_field_errors(item, prefix))
    else:
        errors.append(
            {
                "field": prefix or "non_field_errors",
                "code": getattr(detail, "code", "invalid"),
                "message": str(detail),
            }
        )
    return errors


def structured_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    # DRF maps Django's own exceptions the same way; do it first so their codes survive.
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = getattr(exc, "detail", None)
    if isinstance(detail, dict | list):
        body: dict[str, Any] = {
            "code": "invalid",
            "message": "The request has errors; see field_errors.",
            "field_errors": _field_errors(detail),
        }
    else:
        body = {
            "code": getattr(detail, "code", "error"),
            "message": str(detail) if detail is not None else "The request failed.",
        }
    response.data = body
    return response


ERROR_RESPONSES: dict[int, Any] = dict.fromkeys((400, 401, 403, 404), ErrorSerializer)


def refusal_responses(
    *, refused: Iterable[str] = (), conflicts: Iterable[str] = ()
) -> dict[int, Any]:
    """The schema's error responses for an operation that calls a service, naming the codes
    of its refusals: 400 (invalid input, or ``refused`` as made) and 409 (``conflicts``)."""
    refused_codes, conflict_codes = ", ".join(refused), ", ".join(conflicts)
    invalid = "Invalid input (field_errors)"
    responses = {
        **ERROR_RESPONSES,
        400: OpenApiResponse(
            ErrorSerializer,
            description=f"{invalid}, or refused as made; code is one of {refused_codes}."
            if refused_codes
            else f"{invalid}.",
        ),
    }
    if conflict_codes:
        responses[409] = OpenApiResponse(
            ErrorSerializer,
            description=f"Refused in the records' current state; code is one of {conflict_codes}.",
        )
    return responses
