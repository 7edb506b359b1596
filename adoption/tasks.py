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
    """Recompute the daily rollups for the local days an events batch touched. Takes the
    batch id only; idempotent (upserts), and quiet when the batch is gone or not committed."""
    from adoption import rollups  # noqa: PLC0415

    rollups.rollup_batch(batch_id)
