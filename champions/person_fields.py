"""Champions API fields that name or describe a person, following ``champions.visibility``:
a serializer built on ``PersonFieldsSerializer`` drops, row by row, the fields the caller may
not see, and the schema documents them as optional and says when they are left out."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from champions.visibility import Sight, visibility_for
from golive.api_permissions import api_access
from golive.models import Area, StaffMember

# Who may see which field of a person's champion records is decided once, in
# ``champions.visibility``; these serializers drop the fields it hides, row by row. The fields
# are documented as optional, and say when they are left out.
NAMES_HELP = "Left out for callers who see champion figures, not names (executives)."
DETAILS_HELP = (
    "Left out unless the caller may see champions' details: their own record, or a role that "
    "picks, rosters or works with champions (not a champion's colleagues, not executives)."
)
NOBODY = Sight(names=False, details=False, staff_number=False)


class PersonFieldsSerializer(serializers.ModelSerializer):
    """A champions serializer whose person-level fields follow ``champions.visibility``."""

    def subject(self, instance: Any) -> tuple[Area, StaffMember]:
        """The area and person the row is about."""
        raise NotImplementedError

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        request = self.context.get("request")
        sight = NOBODY
        if request is not None:
            area, staff = self.subject(instance)
            sight = visibility_for(api_access(request)).of(area=area, staff=staff)
        for name in sight.hidden_fields:
            data.pop(name, None)
        return data


def staff_field() -> serializers.IntegerField:
    return serializers.IntegerField(source="staff_id", required=False, help_text=NAMES_HELP)


def name_field(source: str) -> serializers.CharField:
    return serializers.CharField(source=source, required=False, help_text=NAMES_HELP)


def detail_field(field_class: type[serializers.Field], **kwargs: Any) -> serializers.Field:
    # Built with its final arguments: DRF copies declared fields by re-instantiating them.
    return field_class(required=False, help_text=DETAILS_HELP, **kwargs)
