"""drf-spectacular hooks that shape the published OpenAPI schema."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema

from golive.api_errors import ErrorSerializer


def drop_format_suffix_paths(endpoints: list[tuple[Any, ...]], **kwargs: Any) -> list[Any]:
    """The router also answers ``/api/v1/areas.json`` and the like; they are the same
    operations as the plain paths, so the schema lists only those (a generated client or a
    fuzzer would otherwise try ``{format}`` as a free-text path parameter)."""
    return [endpoint for endpoint in endpoints if "{format}" not in endpoint[0]]


WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class GoliveAutoSchema(AutoSchema):
    """Every operation documents the error answers it can give, in the API's one error shape
    (``golive.api_errors``), unless the view documents them itself: 403 (not signed in, or
    not allowed), 404 (no such object the caller may see), and for writes 400 (the body
    refused, field by field or by a business rule) and, with a body, 415 (a body type the
    operation does not read). 409 is named only by the operations whose services can give it
    (``refusal_responses``). Generated clients and schema-checking fuzzers rely on these."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        places = {parameter["in"] for parameter in operation.get("parameters", [])}
        codes = ["403"]
        if "path" in places:
            codes.append("404")
        if self.method in WRITES:
            codes.append("400")
        if "requestBody" in operation:
            codes.append("415")
        elif "query" in places:
            codes.append("400")  # a query parameter refused
        responses = operation.setdefault("responses", {})
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code)
        return operation


class SummaryListSchema(GoliveAutoSchema):
    """For a viewset whose ``list`` answers one summary object for its query rather than a
    page of objects: drf-spectacular documents every ``list`` as a paginated array."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


def document_sign_in_throttling(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Every operation accepts HTTP Basic sign-in, so any may answer 429 when sign-in
    throttling refuses the credentials (``golive.api_auth``)."""
    throttled = {
        "description": "Sign-in refused by throttling (code sign_in_throttled): too many "
        "failed sign-ins for this username from this address, from this address, or "
        "installation-wide. Retry-After gives the wait in seconds.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("429", throttled)
    return result


def document_token_refusals(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Every operation accepts a personal API token (``golive.api_auth``), so any may answer
    401 when the token is not recognised, expired or revoked."""
    refused = {
        "description": "The API token was refused (code token_invalid, token_expired or "
        "token_revoked); WWW-Authenticate names the Token scheme. Create a new token under "
        "Your account, API tokens.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                responses = operation["responses"]
                # Views that list 401 in ERROR_RESPONSES give it no description.
                if not responses.get("401", {}).get("description"):
                    responses["401"] = refused
    return result
