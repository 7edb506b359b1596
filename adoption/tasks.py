"""Celery entry points for imports: ids in, everything else from the database."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from adoption.imports import pipeline


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_jitter=True,
    max_retries=3,
    acks_late=True,
)
def run_import(batch_id: int) -> None:
    """Process one import batch. Idempotent: a batch that is not queued is left alone, and
    the merge is one transaction guarded by the attempt number."""
    pipeline.run(batch_id)


@shared_task(ignore_result=True)
def sweep_stalled_imports() -> None:
    """Re-queue stalled or lost imports; fail them after the attempt cap; delete expired
    uploads and error reports."""
    from adoption import services  # noqa: PLC0415 - services import this module

    services.sweep_stalled_imports()
    services.purge_expired_imports()


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_jitter=True,
    max_retries=3,
    acks_late=True,
    ignore_result=True,
)
def rollup_batch(batch_id: int) -> None:
    """Recompute the daily rollups for the local days an events batch touched, then queue
    the warming of the programme's dashboards. Takes the batch id only; idempotent (upserts),
    and quiet when the batch is gone or not committed."""
    from adoption import rollups  # noqa: PLC0415
    from adoption.models import ImportBatch  # noqa: PLC0415

    if rollups.rollup_batch(batch_id) is None:
        return
    batch = ImportBatch.objects.filter(pk=batch_id).values_list("programme_id", flat=True)
    programme_id = batch.first()
    if programme_id is not None:
        warm_dashboards.delay(programme_id)


@shared_task(ignore_result=True)
def warm_dashboards(programme_id: int) -> None:
    """Compute the programme's default dashboard figures into the cache after a rollup, so
    the first reader does not wait for them. Only fills the cache: safe to run any number
    of times, and quiet when the programme is gone."""
    from django.utils import timezone  # noqa: PLC0415

    from adoption import dashboard  # noqa: PLC0415
    from golive.models import Programme  # noqa: PLC0415

    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is not None:
        dashboard.warm_programme(programme, today=timezone.localdate())
