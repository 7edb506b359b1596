"""Withdrawing a committed batch: a programme manager asks, with a reason; a worker then
removes its rows and recomputes every figure computed from them, all or nothing
(``withdrawing``). The batch stays listed, as withdrawn, with who, when and why, and the same
file may be uploaded again.

A staff list cannot be withdrawn: its merge updates shared staff records (names, areas, EPR
ids, leavers) that other lists and people also change, so there is no earlier state to put
back. A corrected list is the way to put one right."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from adoption.imports import tasks
from adoption.imports.dependents import rows_refusal
from adoption.models import ImportBatch, ImportKind
from golive.access import Access, Capability
from golive.models import User
from golive.refusals import Conflict

Status = ImportBatch.Status
REASON_MAX = 2000
STAFF_REFUSAL = "A staff list cannot be withdrawn: upload a corrected list."


def _state_refusal(batch: ImportBatch) -> Conflict | None:
    """Why the batch cannot be withdrawn as it is now, if it cannot."""
    if batch.kind == ImportKind.STAFF:
        return Conflict(STAFF_REFUSAL, "staff_list")
    if batch.status != Status.COMMITTED:
        return Conflict(
            f"Only a committed batch can be withdrawn; batch {batch.pk} is "
            f"{batch.get_status_display().lower()}.",
            "not_committed",
        )
    return None


def refusal_of(batch: ImportBatch) -> str | None:
    """The sentence a page shows instead of the form when the batch cannot be withdrawn."""
    refusal = _state_refusal(batch)
    return " ".join(refusal.messages) if refusal is not None else None


def may_withdraw(access: Access, batch: ImportBatch) -> bool:
    """What ``request_withdrawal`` would accept from this user now, reason aside (for pages
    to offer the button only where it works)."""
    return _state_refusal(batch) is None and access.has(
        Capability.MANAGE_GO_LIVES, programme=batch.programme
    )


def _queue_after_commit(batch_id: int) -> None:
    """A named function, not a ``partial``: Django's log line for a failing hook needs its
    ``__qualname__``. Sending never raises (``tasks.send_withdrawal``)."""

    def send_withdrawal() -> None:
        tasks.send_withdrawal(batch_id)

    transaction.on_commit(send_withdrawal, robust=True)


@transaction.atomic
def request_withdrawal(*, batch: ImportBatch, user: User, reason: str) -> ImportBatch:
    """Ask for a committed batch to be withdrawn: it becomes "being withdrawn" (recorded in
    its history with the reason) and the withdrawal is queued once this commits. Programme
    managers only (``PermissionDenied``); a reason is required (``ValidationError`` on
    ``reason``); committed batches only, not staff lists (``Conflict``: ``not_committed``,
    ``staff_list``), and not while other batches depend on its rows (``Conflict``:
    ``CORRECTION_NOT_WITHDRAWABLE``, ``LATER_BATCH_RESENT_ROWS``; the worker checks again).
    Checked in that order, as the API documents."""
    locked = ImportBatch.objects.select_for_update().select_related("programme").get(pk=batch.pk)
    if not Access(user).has(Capability.MANAGE_GO_LIVES, programme=locked.programme):
        raise PermissionDenied("Only a programme manager may withdraw a batch.")
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": ValidationError("Say why the batch is being withdrawn.", "required")}
        )
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {
                "reason": ValidationError(
                    f"The reason must be {REASON_MAX:,} characters or fewer.", "max_length"
                )
            }
        )
    refusal = _state_refusal(locked) or rows_refusal(locked)
    if refusal is not None:
        raise refusal
    locked.status = Status.WITHDRAWING
    locked.withdrawn_by = user
    locked.withdrawal_reason = reason
    locked.heartbeat_at = timezone.now()
    locked.awaiting_broker = False
    locked.message = "Being withdrawn: its rows are being removed and the figures recomputed."
    locked._change_reason = f"Withdrawal requested: {reason}"[:100]  # type: ignore[attr-defined]
    locked.save(
        update_fields=[
            "status",
            "withdrawn_by",
            "withdrawal_reason",
            "heartbeat_at",
            "awaiting_broker",
            "message",
        ]
    )
    _queue_after_commit(locked.pk)
    return locked
