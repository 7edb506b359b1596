"""Celery entry points for imports: ids in, everything else from the database.

Task names are given explicitly: they are what queued messages and the beat schedule
(``golive/settings.py``) refer to, and they predate this module's place in the package."""

from __future__ import annotations

import logging

from django.utils import timezone

from adoption.imports import housekeeping, pipeline, withdrawing
from golive.celery import golive_task

logger = logging.getLogger(__name__)


@golive_task(name="adoption.tasks.run_import", acks_late=True)
def run_import(batch_id: int) -> None:
    """Process one import batch. Idempotent: a batch that is not queued is left alone, and
    the merge is one transaction guarded by the attempt number."""
    pipeline.run(batch_id)


def send_import(batch_id: int) -> bool:
    """Put a batch's message on the queue; never raises. If the queue cannot be reached the
    batch (row and file) stays as it is, says it is waiting for the queue, and the sweeper
    sends it when the queue is back (the claim makes a second delivery harmless)."""
    try:
        run_import.delay(batch_id)
    except Exception as error:  # whatever the broker raised, the row keeps the work
        logger.warning("Import batch %s waits for the queue: %s", batch_id, type(error).__name__)
        housekeeping.mark_awaiting_broker(batch_id)
        return False
    housekeeping.mark_sent(batch_id)
    return True


@golive_task(name="adoption.tasks.sweep_stalled_imports", ignore_result=True)
def sweep_stalled_imports() -> dict[str, int]:
    """Re-queue stalled or lost imports and those saved while the queue was down; fail them
    after the attempt cap; delete expired uploads, error reports and the work files of
    attempts that are over; send again withdrawals whose worker died or whose message was
    lost. Safe to run at any time and from several places: batches move by guarded updates,
    and a batch queued twice is claimed once."""
    released = housekeeping.release_stalled_batches(now=timezone.now())
    sent = sum(send_import(batch_id) for batch_id in released.requeue)
    sent += sum(send_withdrawal(pk) for pk in withdrawing.stalled_withdrawals(now=timezone.now()))
    housekeeping.purge_expired_imports()
    housekeeping.purge_work_files()
    return {"requeued": sent, "failed": released.failed}


@golive_task(name="adoption.tasks.withdraw_batch", acks_late=True)
def withdraw_batch(batch_id: int) -> None:
    """Withdraw a batch a programme manager asked to withdraw: its rows deleted and its
    figures recomputed in one transaction. Idempotent: a batch not being withdrawn, or held
    by another worker, is left alone."""
    withdrawing.run(batch_id)


def send_withdrawal(batch_id: int) -> bool:
    """Queue a withdrawal; never raises. If the queue cannot be reached the batch says so and
    the sweeper sends it when the queue is back (as ``send_import``)."""
    try:
        withdraw_batch.delay(batch_id)
    except Exception as error:  # whatever the broker raised, the row keeps the work
        logger.warning("Withdrawal %s waits for the queue: %s", batch_id, type(error).__name__)
        withdrawing.mark_awaiting_broker(batch_id)
        return False
    withdrawing.mark_sent(batch_id)
    return True
