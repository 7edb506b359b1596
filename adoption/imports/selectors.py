"""Read-side queries for imports, scoped by what the user may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from adoption.imports.permissions import IMPORT_CAPABILITY
from adoption.models import Event, ImportBatch, ImportKind, MappingProfile
from champions.models import RotaEntry
from golive.access import Access, Capability
from golive.models import Area, Programme
from training.models import Completion


def import_programmes(access: Access) -> QuerySet[Programme]:
    """Programmes where the user may upload at least one kind of file."""
    return access.programmes().filter(
        pk__in=[
            programme.pk
            for programme in access.programmes()
            if any(access.has(cap, programme=programme) for cap in IMPORT_CAPABILITY.values())
        ]
    )


def visible_batches(access: Access) -> QuerySet[ImportBatch]:
    """Batch status is visible to the uploader and to programme managers of the programme."""
    if access.is_superuser:
        return ImportBatch.objects.select_related("uploaded_by", "programme")
    managed = [
        programme.pk
        for programme in access.programmes()
        if access.has(Capability.MANAGE_GO_LIVES, programme=programme)
    ]
    return ImportBatch.objects.filter(
        Q(programme_id__in=managed) | Q(uploaded_by_id=access.user.pk)
    ).select_related("uploaded_by", "programme")


def visible_profiles(access: Access) -> QuerySet[MappingProfile]:
    """Saved mapping profiles of programmes where the user may import something."""
    return MappingProfile.objects.filter(programme__in=import_programmes(access))


def can_edit_profiles(access: Access, programme: Programme) -> bool:
    """Profiles change how every later file is read: programme managers and admins only."""
    return access.has(Capability.MANAGE_ADOPTION, programme=programme)


@dataclass(frozen=True)
class DataLabel:
    """A sentence to show beside figures computed from an imperfect or withdrawn batch, with
    the batch's page when the user may open it."""

    batch_id: int
    text: str
    url: str | None


LABELLED_KINDS = (ImportKind.EVENTS, ImportKind.TRAINING, ImportKind.ROSTER)


def _label_text(batch: ImportBatch, *, openable: bool) -> str:
    """The file's name and who withdrew it only for those who may open the batch anyway."""
    name = f"Batch {batch.pk} ({batch.file_name})" if openable else f"Batch {batch.pk}"
    if batch.status == ImportBatch.Status.WITHDRAWN:
        when = timezone.localtime(batch.withdrawn_at) if batch.withdrawn_at else None
        who = (
            batch.withdrawn_by.display_name
            if batch.withdrawn_by and openable
            else "a programme manager"
        )
        rows = batch.rows_inserted + batch.rows_updated
        on = f" on {when:%-d %b %Y}" if when else ""
        return f"{name} was withdrawn{on} by {who}: its {rows:,} rows are no longer counted."
    parts = []
    if batch.rows_rejected:
        parts.append(
            f"was committed with {batch.rows_rejected:,} rows rejected, so the figures leave "
            "those rows out"
        )
    if batch.rows_superseded:
        parts.append(f"had {batch.rows_superseded:,} rows superseded by a correction")
    return f"{name} {' and '.join(parts)}."


def _overlaps(batch: ImportBatch, start: dt.date | None, end: dt.date | None) -> bool:
    """Whether the batch's rows (or, for a withdrawn one, its withdrawal) fall in the period.
    Only events batches record their days; other kinds' figures are cumulative."""
    first, last = start or dt.date.min, end or dt.date.max
    if batch.withdrawn_at and first <= timezone.localdate(batch.withdrawn_at) <= last:
        return True
    if not batch.local_dates:
        return batch.kind != ImportKind.EVENTS
    return any(first <= dt.date.fromisoformat(day) <= last for day in batch.local_dates)


def _touches_areas(batch: ImportBatch, area_ids: list[int]) -> bool:
    """Whether a committed batch's rows are in any of ``area_ids`` (a withdrawn batch's rows
    are gone: it is labelled for everyone who sees the programme's figures)."""
    if batch.status == ImportBatch.Status.WITHDRAWN:
        return True
    if batch.kind == ImportKind.EVENTS:
        days = [dt.date.fromisoformat(day) for day in batch.local_dates]
        rows = Event.objects.filter(batch_id=batch.pk, area_id__in=area_ids)
        return (rows.filter(local_date__in=days) if days else rows).exists()
    if batch.kind == ImportKind.TRAINING:
        return Completion.objects.filter(batch_id=batch.pk, staff__areas__in=area_ids).exists()
    return RotaEntry.objects.filter(batch_id=batch.pk, area_id__in=area_ids).exists()


def data_labels(
    access: Access,
    programme: Programme,
    *,
    areas: Iterable[Area] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[DataLabel]:
    """Labels for the figures of ``programme`` over ``areas`` (None: all of them) from
    ``start`` to ``end``: batches committed with rows rejected, with rows superseded by a
    correction, or withdrawn, as the contract asks wherever their figures are shown. One
    query for the few batches that warrant a label; one more per such batch when only some
    areas are shown, to keep those whose rows are elsewhere out. Linked to the batch's page
    only for users who may open it."""
    status = ImportBatch.Status
    candidates = [
        batch
        for batch in ImportBatch.objects.filter(programme=programme, kind__in=LABELLED_KINDS)
        .filter(
            Q(status=status.COMMITTED, rows_rejected__gt=0)
            | Q(status=status.COMMITTED, rows_superseded__gt=0)
            | Q(status=status.WITHDRAWN)
        )
        .select_related("withdrawn_by")
        .order_by("pk")
        if _overlaps(batch, start, end)
    ]
    if not candidates:
        return []
    if areas is not None:
        area_ids = [area.pk for area in areas]
        everywhere = set(area_ids) >= set(
            Area.objects.filter(site__organisation_id=programme.organisation_id).values_list(
                "pk", flat=True
            )
        )
        if not everywhere:
            candidates = [batch for batch in candidates if _touches_areas(batch, area_ids)]
    openable = set(
        visible_batches(access)
        .filter(pk__in=[batch.pk for batch in candidates])
        .values_list("pk", flat=True)
    )
    return [
        DataLabel(
            batch.pk,
            _label_text(batch, openable=batch.pk in openable),
            reverse("adoption:batch", args=[batch.pk]) if batch.pk in openable else None,
        )
        for batch in candidates
    ]
