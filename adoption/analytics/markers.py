"""Change markers: the ones people record (configuration changes, training pushes, ...)
and the ones Golive already knows (go-live dates and releases), in one list for charts
and before/after comparisons. Writes go through the services at the end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from adoption.models import ChangeMarker
from golive.access import Access, Capability
from golive.charts import Marker
from golive.models import Area, GoLive, Programme, User

K = ChangeMarker.Kind


@dataclass(frozen=True)
class MarkerView:
    """A marker as charts and comparisons use it. ``key`` is stable: ``m<pk>`` for a
    recorded marker, ``u<pk>``/``t<pk>`` for a go-live's user/technical date, ``r<pk>`` for
    a release. ``area_ids`` empty means the whole programme."""

    key: str
    kind: str
    on: dt.date
    title: str
    description: str
    area_ids: frozenset[int]
    recorded: ChangeMarker | None = None

    @property
    def kind_label(self) -> str:
        return str(dict(K.choices)[self.kind])

    @property
    def label(self) -> str:
        return f"{self.title} ({self.kind_label.lower()}, {self.on.day} {self.on:%b %Y})"

    @property
    def phrase(self) -> str:
        """How a sentence names it after "the": "Wave 1 go-live", "configuration change
        'Order set simplified'"."""
        if self.kind == K.GO_LIVE:
            return self.title
        return f"{self.kind_label.lower()} ‘{self.title}’"

    def touches(self, area_ids: Iterable[int]) -> bool:
        return not self.area_ids or bool(self.area_ids & set(area_ids))


def _go_live_markers(go_lives: Iterable[GoLive]) -> list[MarkerView]:
    views = []
    for go_live in go_lives:
        areas = frozenset(area.pk for area in go_live.areas.all())
        views.append(
            MarkerView(
                f"u{go_live.pk}",
                K.GO_LIVE,
                go_live.user_go_live_date,
                f"{go_live.name} go-live",
                "User go-live.",
                areas,
            )
        )
        if go_live.technical_go_live_date:
            views.append(
                MarkerView(
                    f"t{go_live.pk}",
                    K.GO_LIVE,
                    go_live.technical_go_live_date,
                    f"{go_live.name} technical go-live",
                    "Technical go-live.",
                    areas,
                )
            )
        for release in go_live.releases.all():
            views.append(
                MarkerView(
                    f"r{release.pk}",
                    K.RELEASE,
                    go_live.user_go_live_date,
                    str(release),
                    release.description,
                    areas,
                )
            )
    return views


def visible_markers(access: Access, programme: Programme) -> list[MarkerView]:
    """Every marker of ``programme`` the user may see: programme-wide ones and those that
    touched one of their areas. Area lists are cut down to the areas they may see."""
    visible_area_ids = set(access.areas(programme=programme).values_list("pk", flat=True))
    go_lives = access.go_lives().filter(programme=programme).prefetch_related("areas", "releases")
    recorded = ChangeMarker.objects.filter(programme=programme).prefetch_related("areas")
    views = _go_live_markers(go_lives)
    for marker in recorded:
        areas = frozenset(area.pk for area in marker.areas.all())
        views.append(
            MarkerView(
                f"m{marker.pk}",
                marker.kind,
                marker.on,
                marker.title,
                marker.description,
                areas,
                marker,
            )
        )
    shown = []
    for view in views:
        if view.area_ids and not view.area_ids & visible_area_ids:
            continue
        shown.append(
            MarkerView(
                view.key,
                view.kind,
                view.on,
                view.title,
                view.description,
                view.area_ids & visible_area_ids if view.area_ids else view.area_ids,
                view.recorded,
            )
        )
    return sorted(shown, key=lambda v: (v.on, v.title))


def chart_markers(
    markers: Iterable[MarkerView], area_ids: Iterable[int], start: dt.date, end: dt.date
) -> list[Marker]:
    """The markers to draw on a chart of ``area_ids`` from ``start`` to ``end``."""
    ids = set(area_ids)
    return [
        Marker(at=view.on.isoformat(), text=f"{view.kind_label}: {view.title}")
        for view in markers
        if start <= view.on <= end and view.touches(ids)
    ]


def can_record_markers(access: Access, programme: Programme) -> bool:
    return access.has(Capability.MANAGE_ADOPTION, programme=programme)


# Services.


def _check_areas(access: Access, programme: Programme, areas: Iterable[Area]) -> list[Area]:
    chosen = list(areas)
    allowed = set(
        access.areas(Capability.MANAGE_ADOPTION, programme=programme).values_list("pk", flat=True)
    )
    if any(area.pk not in allowed for area in chosen):
        raise ValidationError(
            {"areas": "Choose areas of this programme that you look after."}, code="NOT_YOUR_AREA"
        )
    return chosen


@transaction.atomic
def record_marker(
    *,
    access: Access,
    user: User,
    programme: Programme,
    kind: str,
    on: dt.date,
    title: str,
    description: str,
    areas: Iterable[Area],
) -> ChangeMarker:
    """Record a change on a date. Needs MANAGE_ADOPTION on the programme; areas must be ones
    the user may manage (none: the whole programme)."""
    if not can_record_markers(access, programme):
        raise PermissionDenied("You may not record changes for this programme.")
    chosen = _check_areas(access, programme, areas)
    marker = ChangeMarker(
        programme=programme, kind=kind, on=on, title=title, description=description, created_by=user
    )
    marker.full_clean()
    marker.save()
    marker.areas.set(chosen)
    return marker


def _require_marker_in_reach(access: Access, marker: ChangeMarker) -> None:
    """Changing or deleting a marker needs every area it touched to be the user's; a marker
    for the whole programme (no areas) needs a programme-wide grant."""
    existing = list(marker.areas.all())
    if not existing:
        if not access.has_programme_wide(Capability.MANAGE_ADOPTION, marker.programme):
            raise PermissionDenied("Only programme-wide managers may change this marker.")
        return
    allowed = set(
        access.areas(Capability.MANAGE_ADOPTION, programme=marker.programme).values_list(
            "pk", flat=True
        )
    )
    if any(area.pk not in allowed for area in existing):
        raise PermissionDenied("This marker also covers areas you do not look after.")


@transaction.atomic
def update_marker(
    *,
    access: Access,
    marker: ChangeMarker,
    kind: str,
    on: dt.date,
    title: str,
    description: str,
    areas: Iterable[Area],
) -> ChangeMarker:
    if not can_record_markers(access, marker.programme):
        raise PermissionDenied("You may not change markers of this programme.")
    _require_marker_in_reach(access, marker)
    chosen = _check_areas(access, marker.programme, areas)
    marker.kind, marker.on, marker.title, marker.description = kind, on, title, description
    marker.full_clean()
    marker.save(update_fields=["kind", "on", "title", "description"])
    marker.areas.set(chosen)
    return marker


@transaction.atomic
def delete_marker(*, access: Access, marker: ChangeMarker) -> None:
    if not can_record_markers(access, marker.programme):
        raise PermissionDenied("You may not delete markers of this programme.")
    _require_marker_in_reach(access, marker)
    marker.delete()
