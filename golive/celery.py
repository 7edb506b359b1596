"""The Celery app. Broker and limits come from Django settings (``CELERY_*``)."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import worker_ready, worker_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "golive.settings")

app = Celery("golive")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _start_heartbeat(**kwargs: object) -> None:
    from golive import worker_heartbeat  # noqa: PLC0415 - needs Django set up first

    worker_heartbeat.start()


@worker_shutdown.connect
def _stop_heartbeat(**kwargs: object) -> None:
    from golive import worker_heartbeat  # noqa: PLC0415

    worker_heartbeat.stop()
