from __future__ import annotations

import datetime as dt

from adoption.imports.progress import about, progress_of
from adoption.models import ImportBatch

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


def _batch(**fields: object) -> ImportBatch:
    defaults: dict[str, object] = {
        "status": ImportBatch.Status.VALIDATING,
        "started_at": NOW - dt.timedelta(seconds=10),
        "rows_read": 20_000,
        "bytes_processed": 25,
        "bytes_total": 100,
    }
    return ImportBatch(**{**defaults, **fields})


def test_progress_of_a_validating_batch_gives_percent_rate_and_time_left() -> None:
    progress = progress_of(_batch(), now=NOW)

    assert (progress.percent, progress.rows, progress.rows_per_second) == (25, 20_000, 2000)
    assert progress.eta == "about 30 seconds"


def test_progress_of_a_queued_batch_is_not_yet_known() -> None:
    progress = progress_of(_batch(status=ImportBatch.Status.QUEUED, started_at=None), now=NOW)

    assert (progress.percent, progress.rows_per_second, progress.eta) == (None, None, None)


def test_rates_are_shown_to_two_significant_figures() -> None:
    progress = progress_of(_batch(rows_read=19_870), now=NOW)

    assert progress.rows_per_second == 2000


def test_time_left_is_said_in_minutes_beyond_a_minute() -> None:
    assert (about(0.2), about(90), about(60 * 7.4)) == (
        "about 1 second",
        "about 2 minutes",
        "about 7 minutes",
    )
