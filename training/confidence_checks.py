"""Read side of confidence checks: the aggregates a user may see for a go-live (by area, by
role group, overall, under the small-number rule) and the named people who feel least ready,
for those who may see them. The arithmetic is in ``training.confidence``."""

from __future__ import annotations

from dataclasses import dataclass

from golive.access import Access
from golive.models import RoleGroup
from training import confidence
from training.models import ConfidenceResponse
from training.selectors import Scope


@dataclass(frozen=True)
class ConfidenceView:
    by_area: list[confidence.GroupSummary]
    by_role_group: list[confidence.GroupSummary]
    overall: confidence.GroupSummary | None
    follow_up: list[ConfidenceResponse]

    @property
    def low_areas(self) -> list[confidence.GroupSummary]:
        return [group for group in self.by_area if group.is_low]


def confidence_for(scope: Scope, access: Access) -> ConfidenceView:
    """Confidence by area (anonymous and named alike) and by role group (named checks from
    the areas shown only), with small groups suppressed; and the named people who feel
    least ready, for those who may see them."""
    rows = list(
        ConfidenceResponse.objects.filter(
            go_live=scope.go_live, area__in=scope.area_ids
        ).select_related("area__site", "staff")
    )
    labels = dict(RoleGroup.choices)
    by_area, by_group, overall = confidence.checks(
        confidence.Check(
            area=f"{r.area.name} ({r.area.site.name})",
            role_group=str(labels[r.staff.role_group]) if r.staff is not None else None,
            score=r.score,
            worries=tuple(r.worries),
        )
        for r in rows
    )
    named = [r.staff_id for r in rows if r.staff_id]
    visible_staff = set(access.staff().filter(pk__in=named).values_list("pk", flat=True))
    follow_up = [r for r in rows if r.staff_id in visible_staff and r.score <= confidence.LOW_SCORE]
    return ConfidenceView(by_area, by_group, overall, follow_up)
