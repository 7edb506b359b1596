"""Celery entry points for adoption analytics: ids in, everything else from the database.

Task names are given explicitly: they are what queued messages refer to, and they predate
this module's place in the package."""

from __future__ import annotations

from django.utils import timezone

from adoption.analytics import dashboard, rollups
from adoption.models import ImportBatch
from golive.celery import golive_task
from golive.models import Programme


@golive_task(name="adoption.tasks.rollup_batch", acks_late=True, ignore_result=True)
def rollup_batch(batch_id: int) -> None:
    """Recompute the daily rollups for the local days an events batch touched (or relink
    activity to staff after a staff list), then queue the warming of the programme's
    dashboards. Takes the batch id only; idempotent (upserts), and quiet when the batch is
    gone or not committed."""
    if rollups.rollup_batch(batch_id) is None:
        return
    batch = ImportBatch.objects.filter(pk=batch_id).values_list("programme_id", flat=True)
    programme_id = batch.first()
    if programme_id is not None:
        warm_dashboards.delay(programme_id)


@golive_task(name="adoption.tasks.warm_dashboards", ignore_result=True)
def warm_dashboards(programme_id: int) -> None:
    """Compute the programme's default dashboard figures into the cache after a rollup, so
    the first reader does not wait for them. Only fills the cache: safe to run any number
    of times, and quiet when the programme is gone."""
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is not None:
        dashboard.warm_programme(programme, today=timezone.localdate())
