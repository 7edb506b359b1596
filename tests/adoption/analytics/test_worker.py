from __future__ import annotations

import time
from typing import Any

import pytest

from adoption.models import DailyRollup
from tests.adoption.conftest import extract


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_rolls_up_a_batch_after_it_commits(settings: Any, import_file: Any) -> None:
    settings.WORKER_HEARTBEAT_THREAD = False
    from celery.contrib.testing.worker import start_worker  # noqa: PLC0415

    from golive.celery import app  # noqa: PLC0415

    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        batch = import_file(
            extract(
                "W1,2025-06-01 09:00:00,login,,U1,nursing,N/WA,",
                "W2,2025-06-01 10:00:00,login,,U2,nursing,N/WA,",
            )
        )
        assert batch.status == "committed"
        # Waiting for the worker, not measuring it: the deadline only stops a hung test.
        deadline = time.monotonic() + 30
        while not DailyRollup.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.2)

    row = DailyRollup.objects.get()
    assert (row.event_type, row.events, row.users) == ("login", 2, 2)
