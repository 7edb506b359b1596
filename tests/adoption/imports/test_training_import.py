from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from adoption.models import ImportBatch
from tests.conftest import Trust
from training.models import Completion, Course

HEADER = "staff_number,course,completed_on"
Status = ImportBatch.Status


def completions(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def _course(trust: Trust, code: str = "EPR101") -> Course:
    return Course.objects.create(
        programme=trust.programme, code=code, name="EPR essentials", delivery="e_learning"
    )


def test_completions_are_loaded_keeping_the_latest_date(trust: Trust, import_file: Any) -> None:
    course = _course(trust)
    a, b = trust.staff_a.staff_number, trust.staff_b.staff_number

    batch = import_file(
        completions(f"{a},EPR101,2026-09-01", f"{b},epr101,2026-09-02", f"{a},EPR101,2026-09-05"),
        kind="training", profile="golive-training",
    )  # fmt: skip

    assert batch.status == Status.COMMITTED
    assert (batch.rows_inserted, batch.rows_duplicate) == (2, 1)
    assert Completion.objects.get(staff=trust.staff_a, course=course).completed_on == dt.date(
        2026, 9, 5
    )


def test_a_later_completion_updates_and_an_earlier_one_changes_nothing(
    trust: Trust, import_file: Any
) -> None:
    _course(trust)
    a = trust.staff_a.staff_number
    import_file(completions(f"{a},EPR101,2026-09-05"), kind="training", profile="golive-training")

    later = import_file(
        completions(f"{a},EPR101,2026-10-01"), kind="training", profile="golive-training",
        file_name="later.csv",
    )  # fmt: skip
    earlier = import_file(
        completions(f"{a},EPR101,2026-01-01"), kind="training", profile="golive-training",
        file_name="earlier.csv",
    )  # fmt: skip

    assert (later.rows_updated, earlier.rows_unchanged) == (1, 1)
    assert Completion.objects.get().completed_on == dt.date(2026, 10, 1)


def test_unknown_staff_course_future_date_and_other_wards_are_reported(
    trust: Trust, import_file: Any
) -> None:
    _course(trust)
    a, b = trust.staff_a.staff_number, trust.staff_b.staff_number
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()  # noqa: DTZ011

    batch = import_file(
        completions(
            "N999999,EPR101,2026-09-01",
            f"{a},NOPE,2026-09-01",
            f"{a},EPR101,{tomorrow}",
            f"{b},EPR101,2026-09-01",
        ),
        kind="training",
        profile="golive-training",
        user=trust.ward_manager,
    )

    assert batch.status == Status.REJECTED
    assert list(batch.issues.values_list("line", "code", "value")) == [
        (2, "UNKNOWN_STAFF", "*****99"),
        (3, "UNKNOWN_COURSE", "NOPE"),
        (4, "DATE_OUT_OF_RANGE", tomorrow),
        (5, "NOT_YOUR_AREA", "*" * (len(b) - 2) + b[-2:]),
    ]
    assert Completion.objects.count() == 0


def test_committed_completions_queue_a_training_alert_check_after_the_commit(
    trust: Trust,
    import_file: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from training import tasks  # noqa: PLC0415

    queued: list[str] = []
    monkeypatch.setattr(tasks.refresh_all_training_alerts, "delay", lambda: queued.append("x"))
    _course(trust)
    number = trust.staff_a.staff_number

    with django_capture_on_commit_callbacks(execute=True):
        batch = import_file(
            completions(f"{number},EPR101,2026-01-10"), kind="training", profile="golive-training"
        )

    assert batch.status == ImportBatch.Status.COMMITTED
    assert queued == ["x"]
