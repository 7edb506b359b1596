"""Helpers for tests that pin down how concurrent transactions queue on PostgreSQL row
locks: hold a row in one connection, start the contenders, and wait until each is queued
on a lock before letting them go, so the interleaving under test happens every run."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import DatabaseError, connection
from django.db.utils import OperationalError

# A generous cap: a contender that never queues is a failed test, not a hung run.
QUEUE_ATTEMPTS = 3000


def waiting_backends() -> int:
    """Backends of this database waiting for a lock now (pg_locks is read live, unlike
    pg_stat_activity, which is a snapshot per transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted AND pid <> pg_backend_pid()"
        )
        (count,) = cursor.fetchone()
    return int(count)


def wait_until_waiting(count: int) -> None:
    """Block until ``count`` other backends are queued on a lock."""
    wait_for(lambda: waiting_backends() >= count, f"{count} transactions waiting for a lock")


def wait_for(condition: Callable[[], bool], what: str) -> None:
    pause = threading.Event()
    for _ in range(QUEUE_ATTEMPTS):
        if condition():
            return
        pause.wait(0.01)
    raise AssertionError(f"expected {what}")


def run_recording(outcomes: list[str], action: Callable[[], str]) -> threading.Thread:
    """Start ``action`` in a thread with its own connection; record what it returned, the
    code of a ValidationError it raised, or "deadlock" if PostgreSQL broke a deadlock."""
    from django.core.exceptions import ValidationError  # noqa: PLC0415

    def run() -> None:
        try:
            outcomes.append(action())
        except ValidationError as error:
            outcomes.append(str(error.code))
        except OperationalError as error:
            outcomes.append("deadlock" if "deadlock" in str(error) else repr(error))
        except DatabaseError as error:
            outcomes.append(repr(error))
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread
