"""How far an import batch has got: percentage, rate and time left, for the progress bar.
Pure calculations from the batch's counters."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from adoption.models import ImportBatch


@dataclass(frozen=True)
class Progress:
    """How far an active batch has got, for the progress bar."""

    percent: int | None  # None: not known yet (queued, or loading after the checks)
    rows: int
    rows_per_second: int | None
    eta: str | None


def about(seconds: float) -> str:
    if seconds < 60:
        count = max(round(seconds), 1)
        return "about 1 second" if count == 1 else f"about {count} seconds"
    minutes = round(seconds / 60)
    return "about 1 minute" if minutes == 1 else f"about {minutes} minutes"


def _two_figures(value: float) -> int:
    """A rate to two significant figures: 1,987 rows a second is shown as 2,000."""
    if value < 1:
        return 0
    return int(round(value, 1 - math.floor(math.log10(value))))


def progress_of(batch: ImportBatch, *, now: dt.datetime) -> Progress:
    elapsed = (now - batch.started_at).total_seconds() if batch.started_at else 0.0
    validating = batch.status == ImportBatch.Status.VALIDATING
    done, total = batch.bytes_processed, batch.bytes_total
    percent = min(100, done * 100 // total) if validating and total else None
    rate = _two_figures(batch.rows_read / elapsed) if validating and elapsed > 0 else None
    eta = None
    if validating and elapsed > 0 and 0 < done < total:
        eta = about(elapsed * (total - done) / done)
    return Progress(percent, batch.rows_read, rate or None, eta)
