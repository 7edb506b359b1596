"""drf-spectacular hooks that shape the published OpenAPI schema."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema


def drop_format_suffix_paths(endpoints: list[tuple[Any, ...]], **kwargs: Any) -> list[Any]:
    """The router also answers ``/api/v1/areas.json`` and the like; they are the same
    operations as the plain paths, so the schema lists only those (a generated client or a
    fuzzer would otherwise try ``{format}`` as a free-text path parameter)."""
    return [endpoint for endpoint in endpoints if "{format}" not in endpoint[0]]


class SummaryListSchema(AutoSchema):
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
