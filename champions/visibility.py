"""What a viewer may see of one person's champion records: the one rule that the champions
pages, their CSV/XLSX exports and the API all apply (issue 22, F8: data minimisation).

- **Names** (who holds a role, who is rostered, who asked for cover or a swap, who nominated
  them) need ``VIEW_CHAMPION_NAMES`` in the record's area. Executives do not hold it: they see
  figures (counts, ratios, coverage), never people.
- **Details** (the confidence and leadership scores, the nomination note, withdrawal and
  cover reasons) need ``VIEW_CHAMPION_DETAILS`` in the area. A champion holds names only:
  they see colleagues' names and roles, and their own records in full.
- **Staff numbers** need ``VIEW_STAFF`` in the area, as everywhere else.

The API drops the fields a caller may not see (``hidden_fields``: the same field names in
every champions serializer), so a field is either present with its value or absent.
"""

from __future__ import annotations

from dataclasses import dataclass

from golive.access import Access, Capability
from golive.models import Area, StaffMember

# Field names, as the champions serializers spell them, that each kind of sight covers.
NAME_FIELDS = frozenset({"staff", "staff_name", "nominated_by"})
DETAIL_FIELDS = frozenset(
    {"systems_confidence", "leadership", "note", "withdrawal_reason", "reason"}
)
STAFF_NUMBER_FIELDS = frozenset({"staff_number"})


@dataclass(frozen=True)
class Sight:
    """What one viewer may see of one person's record in one area."""

    names: bool
    details: bool
    staff_number: bool

    @property
    def hidden_fields(self) -> frozenset[str]:
        hidden: set[str] = set()
        if not self.names:
            hidden |= NAME_FIELDS
        if not self.details:
            hidden |= DETAIL_FIELDS
        if not self.staff_number:
            hidden |= STAFF_NUMBER_FIELDS
        return frozenset(hidden)


FULL = Sight(names=True, details=True, staff_number=True)


class Visibility:
    """One viewer's sight of champion records, decided per area (grants are per area) and
    per person (one's own records are one's own). Build one per request with
    ``visibility_for``; it only reads the viewer's grants, already loaded by ``Access``."""

    def __init__(self, access: Access) -> None:
        self.access = access
        self._by_area: dict[int, Sight] = {}

    def _user_id(self) -> int | None:
        pk = getattr(self.access.user, "pk", None)
        return int(pk) if pk is not None else None

    def of(self, *, area: Area, staff: StaffMember) -> Sight:
        """``area`` needs its site loaded (``select_related("…area__site")``)."""
        if staff.user_id is not None and staff.user_id == self._user_id():
            return FULL
        return self.in_area(area)

    def in_area(self, area: Area) -> Sight:
        """The sight of anyone's record in ``area`` but the viewer's own."""
        if area.pk not in self._by_area:
            has = self.access.has
            self._by_area[area.pk] = Sight(
                names=has(Capability.VIEW_CHAMPION_NAMES, area=area),
                details=has(Capability.VIEW_CHAMPION_DETAILS, area=area),
                staff_number=has(Capability.VIEW_STAFF, area=area),
            )
        return self._by_area[area.pk]

    def names_anywhere(self) -> bool:
        """Whether the viewer sees champions' names in any area (else: figures only)."""
        return self.access.has(Capability.VIEW_CHAMPION_NAMES)


def visibility_for(access: Access) -> Visibility:
    """The ``Visibility`` of ``access``'s user, built once per ``Access`` (so per request)."""
    cached: Visibility | None = getattr(access, "_champion_visibility", None)
    if cached is None:
        cached = Visibility(access)
        access._champion_visibility = cached  # type: ignore[attr-defined]
    return cached
