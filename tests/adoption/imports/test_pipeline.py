from __future__ import annotations

from typing import Any

from adoption.models import Event, ImportBatch
from tests.conftest import EVENTS_HEADER, Trust

NHS_NUMBER = "9434765919"  # a valid check digit; not a real patient


def events(*rows: str) -> str:
    return "\n".join([EVENTS_HEADER, *rows]) + "\n"


def test_valid_extract_is_committed_with_counts(trust: Trust, import_file: Any) -> None:
    batch = import_file(
        events(
            f"E1,2026-10-01 09:00:00,order_placed,pathology,EPR1,nursing,N/WA,{NHS_NUMBER}",
            "E2,2026-10-01 09:05:00,login,,EPR1,nursing,WB,",
        )
    )

    assert batch.status == ImportBatch.Status.COMMITTED
    assert (batch.rows_read, batch.rows_inserted, batch.rows_rejected) == (2, 2, 0)
    assert Event.objects.count() == 2


def test_row_errors_reject_the_whole_batch(trust: Trust, import_file: Any) -> None:
    batch = import_file(
        events(
            "E1,2026-10-01 09:00:00,order_placed,pathology,EPR1,nursing,N/WA,",
            "E2,2026-13-01 09:00:00,login,,EPR1,nursing,N/WA,",
        )
    )

    assert batch.status == ImportBatch.Status.REJECTED
    assert batch.rows_rejected == 1
    assert list(batch.issues.values_list("line", "code")) == [(3, "INVALID_DATE")]
    assert Event.objects.count() == 0
