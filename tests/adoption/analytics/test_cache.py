"""Cached figures refresh after every kind of write they are computed from (more in
test_metrics.py): here the writers that change staff and completions in bulk, which sends no
model signal, and a cache that is down."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache

from adoption.analytics import metrics, rollups, tasks
from adoption.analytics.metrics import Scope
from adoption.models import DailyUserActivity
from training import tasks as training_tasks

D = dt.date
STAFF_HEADER = "staff_number,full_name,role_group,job_title,area,start_date,epr_user_id"


def shares(known: Any, name: str, *, cached: bool = True) -> list[Any]:
    scope = Scope((known.ward_a.pk,), D(2025, 3, 29), D(2025, 3, 31))
    read = metrics.series if cached else metrics._series
    return [None if v is None else round(v, 2) for _, v in read(known.metrics[name], scope)]


@pytest.fixture
def no_broker(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tasks a committed batch queues, recorded instead of sent (the worker's rollup
    would refresh the figures too: these tests show they are fresh before it runs)."""
    queued: list[str] = []
    monkeypatch.setattr(tasks.rollup_batch, "delay", lambda *_: queued.append("rollup"))
    monkeypatch.setattr(
        training_tasks.refresh_all_training_alerts, "delay", lambda: queued.append("alerts")
    )
    return queued


@pytest.mark.django_db
def test_a_training_import_moving_a_completion_later_shows_in_the_cached_trained_share(
    known: Any, import_file: Any, no_broker: list[str], django_capture_on_commit_callbacks: Any
) -> None:
    before = shares(known, "Share of trained staff active")
    with django_capture_on_commit_callbacks(execute=True):
        batch = import_file(
            f"staff_number,course,completed_on\n{known.u2.staff_number},EPR1,2025-03-31\n",
            kind="training",
            profile="golive-training",
        )

    assert batch.rows_updated == 1
    after = shares(known, "Share of trained staff active")
    assert after != before
    assert after == shares(known, "Share of trained staff active", cached=False)


@pytest.mark.django_db
def test_a_staff_list_correcting_a_start_date_shows_in_the_cached_staff_share_at_once(
    known: Any, import_file: Any, no_broker: list[str], django_capture_on_commit_callbacks: Any
) -> None:
    before = shares(known, "Share of in-scope staff active")
    row = f"{known.u2.staff_number},{known.u2.full_name},medical,,N/WA,2025-03-31,U2"
    with django_capture_on_commit_callbacks(execute=True):
        batch = import_file(f"{STAFF_HEADER}\n{row}\n", kind="staff", profile="golive-staff")

    assert batch.rows_updated == 1
    assert no_broker == ["rollup", "alerts"]  # queued, not run: the cache did not wait for it
    after = shares(known, "Share of in-scope staff active")
    assert after != before
    assert after == shares(known, "Share of in-scope staff active", cached=False)


@pytest.mark.django_db
def test_a_rollup_is_written_even_when_the_cache_is_down(
    known: Any, import_events: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("cache unreachable")

    batch = import_events("C1,2025-03-31 10:00:00,login,,U7,nursing,N/WA,")
    monkeypatch.setattr(cache, "set", down)

    rollups.rollup_batch(batch.pk)  # marks the figures stale, which fails: no matter

    assert DailyUserActivity.objects.filter(epr_user_id="U7", local_date=D(2025, 3, 31)).exists()
