"""One error shape for every API failure, so integrations can handle errors generically."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The field in the request body, or 'non_field_errors'.")
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx response."""

    code = serializers.CharField(help_text="A stable reason code, e.g. 'not_found'.")
    message = serializers.CharField(help_text="A plain-English explanation.")
    field_errors = FieldErrorSerializer(many=True, required=False)


@contextmanager
def service_errors(
    refusal: type[exceptions.APIException] | None = None, *, field_errors: bool = True
) -> Iterator[None]:
    """Run a service call, turning its Django errors into the API's structured ones:
    ``PermissionDenied`` -> 403; a ``ValidationError`` naming fields -> 400 with those field
    errors and their codes (unless ``field_errors`` is off); any other ``ValidationError``
    -> ``refusal`` (an app's rule exception carrying the error's code), or a 400 on
    ``non_field_errors`` when no ``refusal`` is given."""
    try:
        yield
    except DjangoPermissionDenied as denied:
        raise exceptions.PermissionDenied(str(denied) or None) from None
    except DjangoValidationError as error:
        if field_errors and hasattr(error, "error_dict"):
            raise serializers.ValidationError(
                {
                    field: [
                        exceptions.ErrorDetail(message, code=item.code or "invalid")
                        for item in items
                        for message in item.messages
                    ]
                    for field, items in error.error_dict.items()
                }
            ) from None
        code = getattr(error, "code", None) or "invalid"
        message = " ".join(error.messages)
        if refusal is not None:
            raise refusal(message, code) from None
        raise serializers.ValidationError(
            {"non_field_errors": [exceptions.ErrorDetail(message, code)]}
        ) from None


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


ERROR_RESPONSES = dict.fromkeys((400, 401, 403, 404), ErrorSerializer)
