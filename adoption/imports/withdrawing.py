"""The worker's side of withdrawing a committed batch (``withdrawal.request_withdrawal`` asks
for it; ``tasks.withdraw_batch`` runs it): in one transaction the batch's rows are deleted,
every figure computed from them is recomputed (``reactions.batch_withdrawn``), the batch is
marked withdrawn and the withdrawal written to its history. All or nothing: a worker killed
part way leaves every row in place and the batch being withdrawn, and the sweeper sends it
again once its heartbeat is stale (``stalled_withdrawals``).

The transaction holds the batch's row (``SELECT ... FOR UPDATE``) from start to end, so two
deliveries of the same message never both work: the second finds the row held and leaves.
Before that it takes the lock imports of the programme and kind take (``locks``), first, as
an import holding it may update this batch's row (a correction's ``rows_superseded``); and
once it holds both it checks again that no batch committed since depends on the rows
(``dependents``): if one does, the batch goes back to committed, saying why.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from adoption.imports import reactions
from adoption.imports.dependents import rows_refusal
from adoption.imports.housekeeping import worker_silent_before
from adoption.imports.locks import lock_programme_kind
from adoption.imports.pipeline import TRANSIENT_ERRORS, Heartbeat, heartbeat
from adoption.models import Event, ImportBatch, ImportKind
from champions.models import RotaEntry
from golive.models import Area
from training.models import Completion

logger = logging.getLogger(__name__)
Status = ImportBatch.Status
DAYS_PER_DELETE = 366
HISTORY_REASON_MAX = 100  # simple_history's history_change_reason column

DELETE_EVENTS_SQL = """
DELETE FROM adoption_event
WHERE area_id IN ({areas}) AND local_date IN ({days}) AND batch_id = %s
"""


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


def _event_days(batch: ImportBatch) -> list[dt.date]:
    """The days the batch's events fall on: recorded at commit; for a batch committed before
    that was recorded, one scan of the events table, saved on the batch (the rollups read it
    once the rows are gone)."""
    if batch.local_dates:
        return [dt.date.fromisoformat(day) for day in batch.local_dates]
    days = sorted(
        Event.objects.filter(batch_id=batch.pk).values_list("local_date", flat=True).distinct()
    )
    ImportBatch.objects.filter(pk=batch.pk).update(local_dates=[day.isoformat() for day in days])
    return days


def _remove_events(batch: ImportBatch) -> int:
    """Delete the batch's events set-wise. The table has no index on the batch, so the
    delete goes by area and day (``event_rollup_idx``), the days the batch recorded."""
    days = _event_days(batch)
    areas = list(Area.objects.values_list("pk", flat=True))
    if not days or not areas:
        return 0
    removed = 0
    with connection.cursor() as cursor:
        for start in range(0, len(days), DAYS_PER_DELETE):
            chunk = days[start : start + DAYS_PER_DELETE]
            sql = DELETE_EVENTS_SQL.format(
                areas=_placeholders(len(areas)), days=_placeholders(len(chunk))
            )
            cursor.execute(sql, [*areas, *chunk, batch.pk])
            removed += max(cursor.rowcount, 0)
    return removed


def _remove_completions(batch: ImportBatch) -> int:
    """Completions the batch recorded go; one it moved to a later date goes back to what it
    was before (its history has the earlier version), so withdrawing a file never loses a
    completion recorded some other way."""
    rows = list(Completion.objects.filter(batch_id=batch.pk))
    earlier: dict[int, Any] = {}
    for version in (
        Completion.history.filter(id__in=[row.pk for row in rows])
        .exclude(batch_id=batch.pk)
        .order_by("id", "history_date", "history_id")
    ):
        earlier[version.id] = version  # the last version before this batch wins
    restored, gone = [], []
    for row in rows:
        version = earlier.get(row.pk)
        if version is None or version.history_type == "-":
            gone.append(row.pk)
            continue
        row.completed_on = version.completed_on
        row.batch_id = version.batch_id
        row.recorded_by_id = version.recorded_by_id
        restored.append(row)
    for row in restored:
        row.save(update_fields=["completed_on", "batch", "recorded_by"])  # with its history
    Completion.objects.filter(pk__in=gone).delete()  # one history row each, by signal
    return len(rows)


def _remove_rota_entries(batch: ImportBatch) -> int:
    deleted, _ = RotaEntry.objects.filter(batch_id=batch.pk).delete()
    return deleted


REMOVERS: dict[str, Callable[[ImportBatch], int]] = {
    ImportKind.EVENTS: _remove_events,
    ImportKind.TRAINING: _remove_completions,
    ImportKind.ROSTER: _remove_rota_entries,
}


def withdraw(batch_id: int) -> bool:
    """Withdraw one batch that is being withdrawn, in one transaction; False (and nothing
    done) when it is not being withdrawn, or another worker holds it."""
    with transaction.atomic():
        found = ImportBatch.objects.filter(pk=batch_id).values_list("programme_id", "kind").first()
        if found is None:
            return False
        lock_programme_kind(*found)
        batch = (
            ImportBatch.objects.select_for_update(skip_locked=True)
            .filter(pk=batch_id, status=Status.WITHDRAWING)
            .first()
        )
        if batch is None:
            return False
        refusal = rows_refusal(batch)
        if refusal is not None:
            _refuse(batch, " ".join(refusal.messages))
            return True
        removed = REMOVERS[batch.kind](batch)
        reactions.batch_withdrawn(batch.pk, batch.kind)
        noun = "row" if removed == 1 else "rows"
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=Status.WITHDRAWN,
            withdrawn_at=timezone.now(),
            awaiting_broker=False,
            heartbeat_at=timezone.now(),
            message=f"Withdrawn: {removed:,} {noun} removed and the figures recomputed.",
        )
        outcome = ImportBatch.objects.get(pk=batch.pk)
        ImportBatch.history.bulk_history_create(
            [outcome],
            update=True,
            default_user=batch.withdrawn_by,
            default_change_reason=f"Import withdrawn: {batch.withdrawal_reason}"[
                :HISTORY_REASON_MAX
            ],
        )
    return True


def _refuse(batch: ImportBatch, reason: str) -> None:
    """A batch committed since the withdrawal was asked for depends on this one's rows: it
    goes back to committed with every row, saying why (in its history too)."""
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=Status.COMMITTED,
        awaiting_broker=False,
        heartbeat_at=timezone.now(),
        message=f"Not withdrawn; nothing was changed. {reason}",
    )
    ImportBatch.history.bulk_history_create(
        [ImportBatch.objects.get(pk=batch.pk)],
        update=True,
        default_change_reason="Withdrawal refused; nothing changed",
    )


class WithdrawalHeartbeat(Heartbeat):
    """The import heartbeat, for a batch being withdrawn. While the withdrawal's transaction
    holds the batch's row the beat waits briefly and is skipped: the sweeper treats a held row
    as alive anyway."""

    def beat(self) -> bool:
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL lock_timeout = '2s'")
                ImportBatch.objects.filter(pk=self.batch.pk, status=Status.WITHDRAWING).update(
                    heartbeat_at=timezone.now()
                )
        except DatabaseError as error:
            logger.info("Withdrawal %s heartbeat skipped: %s", self.batch.pk, type(error).__name__)
        return True


def run(batch_id: int) -> None:
    """Withdraw a batch that is being withdrawn; a no-op otherwise (idempotent). Transient
    database errors are raised for the task to retry (the sweeper sends it again if the
    retries run out); anything else puts the batch back as committed, every row in place,
    with a reference to quote."""
    started = ImportBatch.objects.filter(pk=batch_id, status=Status.WITHDRAWING).update(
        heartbeat_at=timezone.now()
    )
    if not started:
        return
    batch = ImportBatch.objects.get(pk=batch_id)
    try:
        with heartbeat(batch, WithdrawalHeartbeat):
            withdraw(batch_id)
    except TRANSIENT_ERRORS:
        raise
    except Exception as error:
        logger.error("Withdrawal of batch %s failed: %s", batch_id, type(error).__name__)
        _give_up(batch_id)


def _give_up(batch_id: int) -> None:
    """An unexpected failure: the batch goes back to committed, its rows untouched, so the
    manager can try again or ask for help."""
    reference = f"WITHDRAW-{batch_id}"
    with transaction.atomic():
        back = ImportBatch.objects.filter(pk=batch_id, status=Status.WITHDRAWING).update(
            status=Status.COMMITTED,
            message=(
                "The withdrawal failed unexpectedly; nothing was changed. Quote reference "
                f"{reference} to the Golive administrator."
            ),
        )
        if back:
            ImportBatch.history.bulk_history_create(
                [ImportBatch.objects.get(pk=batch_id)],
                update=True,
                default_change_reason="Withdrawal failed; nothing changed",
            )


INTERRUPTED = "The withdrawal was interrupted; it will be retried automatically."


def stalled_withdrawals(*, now: dt.datetime) -> list[int]:
    """Batches being withdrawn whose worker has been silent too long (or never started, or
    whose message the queue refused), not held by a live withdrawal: marked as sent again now
    (so the next sweep waits for a fresh silence), for the sweeper to queue."""
    silent = ImportBatch.objects.filter(status=Status.WITHDRAWING).filter(
        Q(heartbeat_at__lt=worker_silent_before(now))
        | Q(heartbeat_at__isnull=True)
        | Q(awaiting_broker=True)
    )
    with transaction.atomic():
        ids = list(silent.select_for_update(skip_locked=True).values_list("pk", flat=True))
        ImportBatch.objects.filter(pk__in=ids, awaiting_broker=False).update(
            heartbeat_at=now, message=INTERRUPTED
        )
    return ids


QUEUE_DOWN = "Saved; the withdrawal will start when the queue is back."


def mark_awaiting_broker(batch_id: int) -> None:
    ImportBatch.objects.filter(pk=batch_id, status=Status.WITHDRAWING).update(
        awaiting_broker=True, message=QUEUE_DOWN
    )


def mark_sent(batch_id: int) -> None:
    ImportBatch.objects.filter(pk=batch_id, status=Status.WITHDRAWING, awaiting_broker=True).update(
        awaiting_broker=False, message="Being withdrawn."
    )
