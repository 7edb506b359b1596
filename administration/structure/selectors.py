"""What a programme's set-up pages read: the programmes and organisations the user runs (the
capability held programme-wide, never through area-scoped grants), and their sites, areas,
go-lives and releases."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet

from golive.access import Access, Capability
from golive.models import Area, GoLive, Organisation, Programme, Release, Site

MANAGE = Capability.MANAGE_GO_LIVES


def managed_programmes(access: Access) -> QuerySet[Programme]:
    """Programmes whose set-up the user runs: MANAGE_GO_LIVES across the whole programme."""
    ids = [p.pk for p in access.programmes() if access.has_programme_wide(MANAGE, p)]
    return Programme.objects.filter(pk__in=ids).select_related("organisation").order_by("name")


def managed_organisations(access: Access) -> QuerySet[Organisation]:
    """Organisations whose structure the user runs: those of the programmes they run."""
    if access.is_superuser:
        return Organisation.objects.order_by("name")
    ids = managed_programmes(access).values("organisation_id")
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def require_manages(access: Access, programme: Programme) -> None:
    if not access.has_programme_wide(MANAGE, programme):
        raise PermissionDenied("Only the programme's managers and administrators may do this.")


def require_manages_organisation(access: Access, organisation_id: int) -> None:
    if not managed_organisations(access).filter(pk=organisation_id).exists():
        raise PermissionDenied("Only the programme's managers and administrators may do this.")


def managed_sites(access: Access) -> QuerySet[Site]:
    return (
        Site.objects.filter(organisation__in=managed_organisations(access))
        .select_related("organisation")
        .annotate(
            active_areas=Count("areas", filter=Q(areas__is_active=True)),
            retired_areas=Count("areas", filter=Q(areas__is_active=False)),
        )
        .order_by("organisation__name", "name")
    )


def managed_areas(access: Access) -> QuerySet[Area]:
    return Area.objects.filter(site__organisation__in=managed_organisations(access)).select_related(
        "site"
    )


def managed_go_lives(access: Access) -> QuerySet[GoLive]:
    return (
        GoLive.objects.filter(programme__in=managed_programmes(access))
        .select_related("programme")
        .annotate(area_count=Count("areas", distinct=True))
        .order_by("user_go_live_date", "name")
    )


def managed_releases(access: Access) -> QuerySet[Release]:
    return Release.objects.filter(go_live__programme__in=managed_programmes(access)).select_related(
        "go_live"
    )


def scope_choices(
    organisation_ids: Iterable[int] | QuerySet[Any], *, keep: QuerySet[Area] | None = None
) -> QuerySet[Area]:
    """Areas a go-live's scope may name: the organisations' active areas (retired ones are
    hidden from new work), plus any already in the scope being edited."""
    condition = Q(is_active=True)
    if keep is not None:
        condition |= Q(pk__in=keep.values("pk"))
    return (
        Area.objects.filter(condition, site__organisation_id__in=organisation_ids)
        .select_related("site")
        .order_by("site__name", "name")
    )


def filter_areas(
    areas: QuerySet[Area], *, site: Site | None, area_type: str, status: str, q: str
) -> QuerySet[Area]:
    if site is not None:
        areas = areas.filter(site=site)
    if area_type:
        areas = areas.filter(area_type=area_type)
    if status == "active":
        areas = areas.filter(is_active=True)
    elif status == "retired":
        areas = areas.filter(is_active=False)
    if q:
        areas = areas.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return areas.order_by("site__name", "name")
