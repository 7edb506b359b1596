"""The Celery app, and the one retry policy every task uses. Broker and limits come from
Django settings (``CELERY_*``). This module imports nothing of Golive: it is loaded before
Django is set up, and everything else may import it."""

from __future__ import annotations

import os
import smtplib
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from celery import Celery, Task, shared_task
from django.db import InterfaceError, OperationalError, transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "golive.settings")

app = Celery("golive")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Transient: worth retrying as they are. A lost database connection or a lock wait timeout;
# anything else (a bug, bad data) would fail the same way again, so it is not retried.
DATABASE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
# The mail server refused or did not answer; for tasks that send e-mail.
MAIL_ERRORS: tuple[type[Exception], ...] = (smtplib.SMTPException, ConnectionError, TimeoutError)
RETRY_POLICY: dict[str, Any] = {
    "retry_backoff": 10,  # seconds before the first retry, doubling after each
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


P = ParamSpec("P")
R = TypeVar("R")


def golive_task(
    *, also_retry: tuple[type[Exception], ...] = (), **options: Any
) -> Callable[[Callable[P, R]], Task[P, R]]:
    """``shared_task`` (with Celery's ``options``) under the retry policy: retry, with
    backoff, the database's transient errors and ``also_retry`` (``MAIL_ERRORS`` for a task
    that sends e-mail), nothing else."""
    retry_for = (*DATABASE_ERRORS, *also_retry)
    return shared_task(autoretry_for=retry_for, **RETRY_POLICY, **options)


def delay_after_commit(task: Task[..., Any], *args: Any) -> None:
    """Queue ``task`` with ``args`` once the current transaction commits (at once outside
    one). Robust: a broker that is down is logged, not raised, so it cannot fail a request
    whose data is saved; the caller's periodic run or sweeper queues the work again. (A named
    function, not a ``partial``: Django's log line for a failing hook reads ``__qualname__``,
    and a ``partial`` has none, so the failure would escape into the request.)"""

    def send_task() -> None:
        task.delay(*args)

    transaction.on_commit(send_task, robust=True)
