"""Read-side queries for imports, scoped by what the user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from adoption.imports.permissions import IMPORT_CAPABILITY
from adoption.models import ImportBatch, MappingProfile
from golive.access import Access, Capability
from golive.models import Programme


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
