"""A worker's heartbeat, written from a thread of its own.

A scheduled task cannot serve as the heartbeat: while a long import occupies a solo worker
the task would wait in the queue, and ``/readyz`` would call a healthy worker dead. The
thread beats as long as the worker process is alive, and stops when it dies. ``connect``
(from ``GoliveConfig.ready``) ties it to the worker's start and shutdown.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from celery.signals import worker_ready, worker_shutdown
from django.conf import settings
from django.db import DatabaseError, connection

from golive.health import record_heartbeat

logger = logging.getLogger(__name__)


class HeartbeatThread(threading.Thread):
    def __init__(self, interval_seconds: float) -> None:
        super().__init__(name="golive-heartbeat", daemon=True)
        self.interval_seconds = interval_seconds
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                record_heartbeat()
            except DatabaseError as error:
                logger.warning("Could not record the worker heartbeat: %s", type(error).__name__)
            finally:
                connection.close()
            self.stopping.wait(self.interval_seconds)


_thread: HeartbeatThread | None = None


def start(**_: Any) -> None:
    """Celery ``worker_ready`` handler."""
    global _thread  # noqa: PLW0603 - one heartbeat per worker process
    if not settings.WORKER_HEARTBEAT_THREAD or _thread is not None:
        return
    _thread = HeartbeatThread(settings.HEARTBEAT_INTERVAL_SECONDS)
    _thread.start()


def stop(**_: Any) -> None:
    """Celery ``worker_shutdown`` handler."""
    global _thread  # noqa: PLW0603
    if _thread is not None:
        _thread.stopping.set()
        _thread.join(timeout=5)
        _thread = None


def connect() -> None:
    """Start the heartbeat when a worker is ready, stop it when the worker shuts down. The
    signals fire only in worker processes; connecting twice connects once."""
    worker_ready.connect(start, dispatch_uid="golive-heartbeat-start")
    worker_shutdown.connect(stop, dispatch_uid="golive-heartbeat-stop")
