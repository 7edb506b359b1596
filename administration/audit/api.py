"""The audit trail over the API: the same entries, filters and scope as the page."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from administration.audit import selectors
from administration.audit.forms import AuditFilterForm
from golive.api_errors import ERROR_RESPONSES
from golive.api_permissions import api_access


class AuditChangeSerializer(serializers.Serializer[Any]):
    field = serializers.CharField()
    before = serializers.CharField()
    after = serializers.CharField()


class AuditEntrySerializer(serializers.Serializer[Any]):
    when = serializers.DateTimeField()
    who = serializers.CharField(help_text='Display name of who made the change, or "system".')
    action = serializers.ChoiceField(choices=sorted(selectors.ACTIONS.values()))
    object_type = serializers.CharField(help_text="The audited type's label, e.g. Hazard.")
    object_id = serializers.CharField()
    object = serializers.CharField(help_text="The object as it was named after the change.")
    reason = serializers.CharField(help_text="The reason recorded with the change, if any.")
    changes = AuditChangeSerializer(many=True)


FILTERS = [
    OpenApiParameter(
        "object_type",
        str,
        enum=list(selectors.type_labels()),
        description="An audited type's label, e.g. Hazard or Role grant.",
    ),
    OpenApiParameter("person", str, description="Words of the name or username of who changed."),
    OpenApiParameter(
        "date_from", OpenApiTypes.DATE, description="Changes on or after this local day."
    ),
    OpenApiParameter(
        "date_to", OpenApiTypes.DATE, description="Changes on or before this local day."
    ),
    OpenApiParameter("q", str, description="Text in the object's name or title, or the reason."),
]


class AuditEntryViewSet(viewsets.GenericViewSet[Any]):
    """Who changed what, when and why, newest first: the history of the programmes where you
    hold the audit role for the whole programme (programme managers, clinical safety
    officers, administrators)."""

    serializer_class = AuditEntrySerializer

    @extend_schema(
        parameters=FILTERS,
        responses={200: AuditEntrySerializer(many=True), **ERROR_RESPONSES},
        summary="The audit trail",
    )
    def list(self, request: Request) -> Response:
        form = AuditFilterForm(request.query_params)
        if not form.is_valid():
            errors = form.errors.get_json_data()
            raise serializers.ValidationError(
                {name: [item["message"] for item in items] for name, items in errors.items()}
            )
        log = selectors.entries(api_access(request), form.filters())
        page = self.paginate_queryset(log)  # type: ignore[arg-type]
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
