"""What the copy pages and API read: the go-lives a copy may start from and the copies a
user may see, both limited to programmes they manage go-lives for, programme-wide."""

from __future__ import annotations

from django.db.models import QuerySet

from administration.models import GoLiveCopy
from golive.access import Access, Capability
from golive.models import Area, GoLive


def managed_programme_ids(access: Access) -> list[int]:
    return [
        programme.pk
        for programme in access.programmes()
        if access.has_programme_wide(Capability.MANAGE_GO_LIVES, programme)
    ]


def managed_go_lives(access: Access) -> QuerySet[GoLive]:
    """Go-lives a copy may start from, latest user go-live first."""
    return (
        access.go_lives()
        .filter(programme_id__in=managed_programme_ids(access))
        .order_by("-user_go_live_date", "-pk")
    )


def visible_copies(access: Access) -> QuerySet[GoLiveCopy]:
    return (
        GoLiveCopy.objects.filter(target__programme_id__in=managed_programme_ids(access))
        .select_related("source", "target", "created_by")
        .order_by("-created_at", "-pk")
    )


def default_areas(source: GoLive) -> list[Area]:
    """The areas a copy covers unless told otherwise: the source's that are still active."""
    return list(source.areas.filter(is_active=True).select_related("site"))


def copyable_areas(access: Access) -> QuerySet[Area]:
    """Active areas of the trusts whose programmes the user manages: a copy's scope."""
    organisations = access.programmes().filter(pk__in=managed_programme_ids(access))
    return (
        Area.objects.filter(
            is_active=True, site__organisation__in=organisations.values("organisation")
        )
        .select_related("site")
        .order_by("site__name", "name")
    )
