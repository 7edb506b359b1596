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

from adoption.imports import outcome
from adoption.imports.pipeline import WORK_FILE, stalled_before
from adoption.models import ImportBatch, ImportIssue

Status = ImportBatch.Status


@dataclass(frozen=True)
class Released:
    requeue: list[int]  # batches to queue again (a second delivery loses the claim)
    failed: int


def release_stalled_batches(*, now: dt.datetime) -> Released:
    """Put back in the queue the batches whose worker died (no heartbeat for
    ``IMPORT_HEARTBEAT_STALE_SECONDS``), those queued but never picked up (a lost message,
    after ``IMPORT_STALL_SECONDS``) and those saved while the queue was down; fail them after
    the attempt cap."""
    requeue: list[int] = []
    failed = 0
    for pk in stalled_batch_ids(now=now):
        outcome = _release(pk, now=now)
        if outcome == "failed":
            failed += 1
        elif outcome == "requeued":
            requeue.append(pk)
    # Queued but never picked up (a lost broker message): send it again; the claim makes a
    # second delivery harmless.
    cutoff = stalled_before(now)
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
    # Saved while the queue was down: send at every sweep until the queue takes it.
    requeue.extend(
        ImportBatch.objects.filter(status=Status.QUEUED, awaiting_broker=True).values_list(
            "pk", flat=True
        )
    )
    return Released(list(dict.fromkeys(requeue)), failed)


def worker_silent_before(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=settings.IMPORT_HEARTBEAT_STALE_SECONDS)


def stalled_batch_ids(*, now: dt.datetime, among: list[int] | None = None) -> list[int]:
    """Working batches whose worker has been silent too long. A batch whose row is locked is
    in the middle of a live merge transaction (a dead worker's connection, and its locks,
    are gone), so it is not stalled even if its heartbeat could not be written meanwhile."""
    silent = ImportBatch.objects.filter(
        status__in=[Status.VALIDATING, Status.LOADING],
        heartbeat_at__lt=worker_silent_before(now),
    )
    if among is not None:
        silent = silent.filter(pk__in=among)
    with transaction.atomic():
        return list(silent.select_for_update(skip_locked=True).values_list("pk", flat=True))


def worker_silent_since(batch: ImportBatch, *, now: dt.datetime) -> dt.datetime | None:
    """When a working batch's worker was last heard of, if it has been silent too long (the
    sweeper will re-queue the batch); None while it is working or not being worked on."""
    if batch.status not in (Status.VALIDATING, Status.LOADING) or batch.heartbeat_at is None:
        return None
    if batch.heartbeat_at >= worker_silent_before(now):
        return None
    return batch.heartbeat_at if stalled_batch_ids(now=now, among=[batch.pk]) else None


def _release(pk: int, *, now: dt.datetime) -> str:
    """Re-queue (or fail, after the cap) one stalled batch. Guarded by its attempt number and
    a silent heartbeat, so a worker that wakes up or a second sweeper changes nothing twice;
    the old attempt, if it ever resumes, loses its claim when it tries to record anything."""
    with transaction.atomic():
        found = (
            ImportBatch.objects.select_for_update(skip_locked=True)
            .filter(
                pk=pk,
                status__in=[Status.VALIDATING, Status.LOADING],
                heartbeat_at__lt=worker_silent_before(now),
            )
            .values_list("attempts", "partial_allowed")
            .first()
        )
        if found is None:
            return "busy"
        attempts, partial = found
        tried = ImportBatch.run_attempt(attempts)
        limit = settings.IMPORT_MAX_ATTEMPTS
        guarded = ImportBatch.objects.filter(pk=pk, attempts=attempts)
        if tried >= limit:
            reference = f"IMPORT-{pk}-{attempts}"
            guarded.update(
                status=Status.FAILED,
                finished_at=now,
                message=outcome.failed_after_message(tried, reference, partial=partial),
            )
            return "failed"
        guarded.update(
            status=Status.QUEUED,
            heartbeat_at=now,
            message=outcome.interrupted_message(tried + 1, limit, partial=partial),
        )
        return "requeued"


QUEUE_DOWN = "Saved; it will be processed when the queue is back."


def mark_awaiting_broker(batch_id: int) -> None:
    """The queue refused the batch's message: say so on the batch, and let the sweeper send
    it when the queue is back. The file and the row stay as they are."""
    ImportBatch.objects.filter(pk=batch_id, status=Status.QUEUED).update(
        awaiting_broker=True, message=QUEUE_DOWN
    )


def mark_sent(batch_id: int) -> None:
    """The queue took the message of a batch that had been waiting for it."""
    waiting = ImportBatch.objects.filter(pk=batch_id, awaiting_broker=True)
    waiting.filter(status=Status.QUEUED, message=QUEUE_DOWN).update(
        awaiting_broker=False, message="Queued."
    )
    waiting.update(awaiting_broker=False)


def purge_work_files() -> int:
    """Delete the work files (valid rows, transformed; raw staff identifiers) of attempts
    that are over: a crashed worker's are never removed by the worker itself. A work file is
    kept only while its own attempt is validating or loading."""
    folder = Path(settings.IMPORT_WORK_DIR)
    if not folder.is_dir():
        return 0
    # List the files before reading the batches: an attempt that starts in between has a
    # higher number than the one read, so its file is never taken for an old one.
    found: list[tuple[Path, int, int]] = []
    for path in folder.iterdir():
        match = WORK_FILE.fullmatch(path.name)
        if match:
            found.append((path, int(match["batch"]), int(match["attempt"])))
    working = dict(
        ImportBatch.objects.filter(
            pk__in={batch for _, batch, _ in found},
            status__in=[Status.VALIDATING, Status.LOADING],
        ).values_list("pk", "attempts")
    )
    removed = 0
    for path, batch, attempt in found:
        if working.get(batch) != attempt:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def purge_expired_imports(*, now: dt.datetime | None = None) -> int:
    """Delete uploaded files (raw identifiers) of batches that are over, and the error
    reports of batches that imported nothing once they ended more than
    ``IMPORT_RETENTION_DAYS`` ago. The pipeline deletes a file as soon as its batch can
    never commit (committed, failed, checked, or rejected beyond a partial commit); only a
    rejected file a programme manager may still commit in part waits here for the retention
    period. Idempotent; returns how many batches it purged."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.IMPORT_RETENTION_DAYS)
    files = ImportBatch.objects.filter(file_deleted_at__isnull=True).filter(
        Q(status=Status.REJECTED, finished_at__lt=cutoff)
        | Q(status__in=[Status.FAILED, Status.COMMITTED, Status.CHECKED])
    )
    purged: set[int] = set()
    for batch in files:
        Path(batch.stored_path).unlink(missing_ok=True)
        ImportBatch.objects.filter(pk=batch.pk).update(file_deleted_at=now)
        purged.add(batch.pk)
    # The report of a batch that imported nothing expires with it, whenever its file went.
    reports = ImportBatch.objects.filter(
        status__in=[Status.REJECTED, Status.CHECKED], finished_at__lt=cutoff
    ).filter(Q(issues__isnull=False) | ~Q(unknown_values={}))
    for pk in set(reports.values_list("pk", flat=True)):
        with transaction.atomic():
            ImportIssue.objects.filter(batch_id=pk).delete()
            ImportBatch.objects.filter(pk=pk).update(unknown_values={})
        purged.add(pk)
    return len(purged)
