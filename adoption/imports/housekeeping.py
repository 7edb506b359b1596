"""Housekeeping of import batches, for the periodic sweeper (``tasks.sweep_stalled_imports``).

The database, not the broker, is the record of what work exists: a batch whose worker died,
or whose message was lost, is found here by its stale heartbeat and put back in the queue
(or failed after the attempt cap); uploads and error reports past their retention are
deleted. These functions change batch rows and say which batches to queue; the task queues
them. Every change is a guarded update, so running them at once from several places is
harmless.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from adoption.imports.pipeline import stalled_before
from adoption.models import ImportBatch, ImportIssue

Status = ImportBatch.Status


@dataclass(frozen=True)
class Released:
    requeue: list[int]  # batches to queue again (a second delivery loses the claim)
    failed: int


def release_stalled_batches(*, now: dt.datetime) -> Released:
    """Put back in the queue the batches whose worker died (a stale heartbeat) and those
    queued but never picked up (a lost message); fail them after the attempt cap."""
    cutoff = stalled_before(now)
    requeue: list[int] = []
    failed = 0
    stalled = ImportBatch.objects.filter(
        status__in=[Status.VALIDATING, Status.LOADING], heartbeat_at__lt=cutoff
    ).values_list("pk", "attempts")
    for pk, attempts in stalled:
        if attempts >= settings.IMPORT_MAX_ATTEMPTS:
            failed += ImportBatch.objects.filter(
                pk=pk, attempts=attempts, heartbeat_at__lt=cutoff
            ).update(
                status=Status.FAILED,
                finished_at=now,
                message=(
                    f"Processing failed after {attempts} attempts; nothing was imported. "
                    f"Quote reference IMPORT-{pk}-{attempts} to the Golive administrator."
                ),
            )
            continue
        moved = ImportBatch.objects.filter(
            pk=pk, attempts=attempts, heartbeat_at__lt=cutoff
        ).update(
            status=Status.QUEUED,
            heartbeat_at=now,
            message=(
                f"Processing was interrupted; it will retry automatically "
                f"(attempt {attempts + 1} of {settings.IMPORT_MAX_ATTEMPTS})."
            ),
        )
        if moved:
            requeue.append(pk)
    # Queued but never picked up (a lost broker message): send it again; the claim makes a
    # second delivery harmless.
    requeue.extend(
        ImportBatch.objects.filter(
            status=Status.QUEUED, uploaded_at__lt=cutoff, heartbeat_at__isnull=True
        ).values_list("pk", flat=True)
    )
    for pk in ImportBatch.objects.filter(status=Status.QUEUED, heartbeat_at__lt=cutoff).values_list(
        "pk", flat=True
    ):
        ImportBatch.objects.filter(pk=pk, status=Status.QUEUED).update(heartbeat_at=now)
        requeue.append(pk)
    return Released(requeue, failed)


def purge_expired_imports(*, now: dt.datetime | None = None) -> int:
    """Delete uploaded files (raw identifiers) and error reports of batches that ended more
    than ``IMPORT_RETENTION_DAYS`` ago; failed batches' files go at once. Idempotent."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.IMPORT_RETENTION_DAYS)
    expired = ImportBatch.objects.filter(file_deleted_at__isnull=True).filter(
        Q(status=Status.REJECTED, finished_at__lt=cutoff)
        | Q(status__in=[Status.FAILED, Status.COMMITTED])
    )
    purged = 0
    for batch in expired:
        Path(batch.stored_path).unlink(missing_ok=True)
        with transaction.atomic():
            if batch.status == Status.REJECTED:
                ImportIssue.objects.filter(batch=batch).delete()
            ImportBatch.objects.filter(pk=batch.pk).update(file_deleted_at=now)
        purged += 1
    return purged
