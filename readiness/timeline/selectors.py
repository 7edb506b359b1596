"""Read-side queries for the milestone timeline."""

from __future__ import annotations

from django.db.models import QuerySet

from golive.access import Access
from readiness.models import Milestone


def visible_milestones(access: Access) -> QuerySet[Milestone]:
    return Milestone.objects.filter(go_live__in=access.go_lives()).select_related("go_live")
