"""Celery entry points for imports: ids in, everything else from the database.

Task names are given explicitly: they are what queued messages and the beat schedule
(``golive/settings.py``) refer to, and they predate this module's place in the package."""

from __future__ import annotations

from django.utils import timezone

from adoption.imports import housekeeping, pipeline
from golive.celery import golive_task


@golive_task(name="adoption.tasks.run_import", acks_late=True)
def run_import(batch_id: int) -> None:
    """Process one import batch. Idempotent: a batch that is not queued is left alone, and
    the merge is one transaction guarded by the attempt number."""
    pipeline.run(batch_id)


@golive_task(name="adoption.tasks.sweep_stalled_imports", ignore_result=True)
def sweep_stalled_imports() -> dict[str, int]:
    """Re-queue stalled or lost imports; fail them after the attempt cap; delete expired
    uploads and error reports. Safe to run at any time and from several places: batches move
    by guarded updates, and a batch queued twice is claimed once."""
    released = housekeeping.release_stalled_batches(now=timezone.now())
    for batch_id in released.requeue:
        run_import.delay(batch_id)
    housekeeping.purge_expired_imports()
    return {"requeued": len(released.requeue), "failed": released.failed}
