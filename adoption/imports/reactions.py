"""What a committed batch sets off elsewhere in Golive.

The pipeline knows only that a batch of some kind has committed. The parts of Golive that
read what a batch wrote (rollups, cached figures, training alerts) say here what to do then,
once, at start-up (``adoption.wiring``, from ``AdoptionConfig.ready``), so the pipeline
imports none of them. Each reaction takes the batch id and runs after the commit, on its
own: one that fails (a broker outage) leaves the batch committed and the others run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

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
        transaction.on_commit(partial(reaction, batch_id), robust=True)
