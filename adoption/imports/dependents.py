"""Whether other batches depend on a batch's rows, so withdrawing it would damage them.

The events merge leaves a row another batch sends again unchanged with the batch that first
sent it (training completions and shifts likewise); a correction moves the rows it corrects
to itself. So a batch whose rows a later batch re-sent cannot be withdrawn before that later
batch (its rows would vanish from a batch still shown committed), and a correction that
replaced rows cannot be withdrawn at all (the earlier content is gone)."""

from __future__ import annotations

from django.db.models import Q

from adoption.models import ImportBatch, ImportKind
from golive.refusals import Conflict

Status = ImportBatch.Status
# A batch being withdrawn still holds its rows, and goes back to committed if that fails.
HOLDING_ROWS = (Status.COMMITTED, Status.WITHDRAWING)


def _later_resending(batch: ImportBatch) -> list[ImportBatch]:
    """Batches of the programme and kind committed after this one that left rows unchanged
    (for events, only those sharing a local day with it), newest first. A batch whose days
    were not recorded may share any."""
    later = (
        ImportBatch.objects.filter(
            programme_id=batch.programme_id,
            kind=batch.kind,
            status__in=HOLDING_ROWS,
            rows_unchanged__gt=0,
        )
        .exclude(pk=batch.pk)
        .order_by("-finished_at", "-pk")
    )
    if batch.finished_at is not None:
        later = later.filter(Q(finished_at__gt=batch.finished_at) | Q(finished_at__isnull=True))
    candidates = list(later.only("pk", "file_name", "local_dates"))
    if batch.kind != ImportKind.EVENTS or not batch.local_dates:
        return candidates
    days = set(batch.local_dates)
    return [other for other in candidates if not other.local_dates or days & set(other.local_dates)]


def rows_refusal(batch: ImportBatch) -> Conflict | None:
    """Why withdrawing the batch would damage other batches' rows, if it would:
    ``CORRECTION_NOT_WITHDRAWABLE`` or ``LATER_BATCH_RESENT_ROWS``."""
    if batch.kind == ImportKind.EVENTS and batch.correction and batch.rows_updated > 0:
        noun = "row" if batch.rows_updated == 1 else "rows"
        return Conflict(
            f"This batch corrected {batch.rows_updated:,} {noun} of earlier batches; "
            "withdrawing it cannot bring their earlier content back. Upload a further "
            "correction with the right content instead.",
            "CORRECTION_NOT_WITHDRAWABLE",
        )
    later = _later_resending(batch)
    if not later:
        return None
    names = ", ".join(f"Batch {other.pk} ({other.file_name})" for other in later)
    verb = "re-sent" if len(later) == 1 else "each re-sent"
    return Conflict(
        f"{names} {verb} some of these rows, so withdrawing this batch would remove them "
        "too. Withdraw the later batches first (newest first), then this one, and upload "
        "them again.",
        "LATER_BATCH_RESENT_ROWS",
    )
