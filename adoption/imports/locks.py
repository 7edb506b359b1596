"""One import or withdrawal at a time per programme and kind of file.

An import decides what is new, unchanged or corrected by comparing its rows with the rows
other batches hold; a withdrawal deletes one batch's rows. Run side by side, either can act
on a picture the other has just changed (a correction updates rows a withdrawal has deleted;
an import counts rows unchanged that a withdrawal is removing), so both take this lock
inside their transaction and run one after the other."""

from __future__ import annotations

import zlib

from django.db import connection

# Any fixed number: the first half of the lock's key, so these locks share no key with the
# single-number advisory locks elsewhere (e.g. ``rollups.ROLLUP_LOCK``).
LOCK_CLASS = 74_201_127


def lock_key(programme_id: int, kind: str) -> int:
    """A stable 32-bit signed key for the pair (crc32, not ``hash()``, which varies by process)."""
    value = zlib.crc32(f"{programme_id}:{kind}".encode())
    return value - 2**32 if value >= 2**31 else value


def lock_programme_kind(programme_id: int, kind: str) -> None:
    """Wait for, then hold until the transaction ends, the lock of this programme's imports
    and withdrawals of this kind. Needs an open transaction. SQLite writes one at a time
    anyway: nothing to do there."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, lock_key(programme_id, kind)]
        )
