"""Read-side queries for the home dashboard: figures a user may see for one go-live, and the
alerts that sections register to show there (``register_home_alerts``, from their
``AppConfig.ready``: the core knows no section)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from golive.access import Access, Capability
from golive.models import Area, GoLive, Release, RoleGroup, StaffMember


@dataclass(frozen=True)
class SiteFigures:
    site_name: str
    areas: int
    staff: int


@dataclass(frozen=True)
class GoLiveSummary:
    go_live: GoLive
    days_to_user_go_live: int
    days_to_technical_go_live: int | None
    areas_in_scope: int
    staff_in_scope: int
    sites: list[SiteFigures]
    staff_by_role_group: list[tuple[str, int]]
    releases: list[Release]
    is_whole_scope: bool


def visible_scope(access: Access, go_live: GoLive) -> QuerySet[Area]:
    """The go-live's areas that this user may see, by site and name: the one selector every
    section's pages, filters and figures start from."""
    return (
        access.areas()
        .filter(go_lives=go_live)
        .select_related("site")
        .order_by("site__name", "name")
    )


def staff_in_areas(area_ids: list[int]) -> QuerySet[StaffMember]:
    return StaffMember.objects.filter(
        pk__in=StaffMember.objects.filter(areas__in=area_ids).values("pk")
    )


def summarise_go_live(access: Access, go_live: GoLive, *, today: dt.date) -> GoLiveSummary:
    areas = list(visible_scope(access, go_live))
    area_ids = [area.pk for area in areas]
    # Counts are aggregates, so every role may see them; names need VIEW_STAFF (staff list).
    staff = staff_in_areas(area_ids)
    per_site = (
        Area.objects.filter(pk__in=area_ids)
        .values("site__name")
        .annotate(
            area_count=Count("pk", distinct=True),
            staff_count=Count("staff", distinct=True),
        )
        .order_by("site__name")
    )
    labels = dict(RoleGroup.choices)
    by_group = staff.values("role_group").annotate(n=Count("pk")).order_by("-n", "role_group")
    technical = go_live.technical_go_live_date
    return GoLiveSummary(
        go_live=go_live,
        days_to_user_go_live=(go_live.user_go_live_date - today).days,
        days_to_technical_go_live=(technical - today).days if technical else None,
        areas_in_scope=len(areas),
        staff_in_scope=staff.count(),
        sites=[
            SiteFigures(row["site__name"], row["area_count"], row["staff_count"])
            for row in per_site
        ],
        staff_by_role_group=[(labels[row["role_group"]], row["n"]) for row in by_group],
        releases=list(go_live.releases.all()),
        is_whole_scope=len(areas) == go_live.areas.count(),
    )


def can_see_staff_names(access: Access) -> bool:
    return access.has(Capability.VIEW_STAFF)


@dataclass(frozen=True)
class HomeAlerts:
    """A section's open alerts on the home page: ``template`` is included with ``alerts``,
    under a heading for screen readers, followed by a link to the section's page."""

    heading: str
    template: str
    alerts: Sequence[object]
    link_text: str
    link_url: str


HomeAlertSource = Callable[[Access, GoLive], HomeAlerts | None]
_home_alerts: dict[str, HomeAlertSource] = {}


def register_home_alerts(key: str, source: HomeAlertSource) -> None:
    """Show ``source``'s alerts on the home page (None or no alerts: nothing). Registering
    the same key again replaces it."""
    _home_alerts[key] = source


def home_alerts(access: Access, go_live: GoLive) -> list[HomeAlerts]:
    """The registered sections' open alerts of the go-live, for a user who may see it."""
    if go_live not in access.go_lives():
        return []
    shown = (source(access, go_live) for source in _home_alerts.values())
    return [panel for panel in shown if panel is not None and panel.alerts]
