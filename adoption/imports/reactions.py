"""What a committed batch sets off elsewhere in Golive.

The pipeline knows only that a batch of some kind has committed. The parts of Golive that
read what a batch wrote (rollups, cached figures, training alerts) say here what to do then,
once, at start-up (``adoption.wiring``, from ``AdoptionConfig.ready``), so the pipeline
imports none of them. Each reaction takes the batch id and runs after the commit, on its
own: one that fails (a broker outage) leaves the batch committed and the others run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction

Reaction = Callable[[int], None]
_reactions: dict[str, list[Reaction]] = {}


def on_commit_of(kinds: Iterable[str], reaction: Reaction) -> None:
    """Run ``reaction(batch_id)`` after each batch of one of ``kinds`` commits. Registering
    the same reaction twice registers it once."""
    for kind in kinds:
        registered = _reactions.setdefault(kind, [])
        if reaction not in registered:
            registered.append(reaction)


def batch_committed(batch_id: int, kind: str) -> None:
    """Called inside the transaction that commits the batch: queues each reaction to run
    once that transaction has committed (so a worker never sees a batch that is not there
    yet)."""
    for reaction in _reactions.get(kind, []):
        _after_commit(reaction, batch_id)


def _after_commit(reaction: Reaction, batch_id: int) -> None:
    """A named function, not a ``partial``: Django's log line for a failing robust hook reads
    ``__qualname__``, and a ``partial`` has none (the failure would escape after all)."""

    def react() -> None:
        reaction(batch_id)

    transaction.on_commit(react, robust=True)


# Withdrawal (``adoption.imports.withdrawing``): unlike a commit's reactions, these run at once,
# inside the transaction that deletes the batch's rows, so the figures they recompute commit
# with the withdrawal or not at all. A reaction that queues work defers the sending itself
# (``transaction.on_commit``).
_withdrawal_reactions: dict[str, list[Reaction]] = {}


def on_withdrawal_of(kinds: Iterable[str], reaction: Reaction) -> None:
    """Run ``reaction(batch_id)`` inside the transaction that withdraws each batch of one of
    ``kinds``, after its rows are deleted (the batch's ``local_dates`` still say which days
    they fell on). Registering the same reaction twice registers it once."""
    for kind in kinds:
        registered = _withdrawal_reactions.setdefault(kind, [])
        if reaction not in registered:
            registered.append(reaction)


def batch_withdrawn(batch_id: int, kind: str) -> None:
    """Called inside the withdrawal's transaction: runs each reaction now. One that raises
    rolls the withdrawal back (its rows stay, the batch stays being withdrawn)."""
    for reaction in _withdrawal_reactions.get(kind, []):
        reaction(batch_id)
