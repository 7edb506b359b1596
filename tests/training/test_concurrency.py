"""Races that matter on PostgreSQL: concurrent registers and concurrent alert refreshes."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import timezone

from golive.access import Access
from tests.training.conftest import TrainingTrust
from training import services
from training.models import Completion, TrainingAlert

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(work: Callable[[], object], times: int = 4) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(times)

    def run() -> None:
        try:
            start.wait()
            work()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_four_registers_ticking_the_same_people_at_once_record_each_completion_once(
    trust: object,
) -> None:
    from tests.conftest import Trust  # noqa: PLC0415

    assert isinstance(trust, Trust)
    training = TrainingTrust(trust)
    people = [trust.staff_a.pk, trust.staff_b.pk]

    def register() -> None:
        services.record_completions(
            access=Access(training.lead),
            user=training.lead,
            go_live=training.go_live,
            course=training.basics,
            completed_on=timezone.localdate(),
            staff_ids=people,
        )

    errors = _race(register)

    assert errors == []
    assert Completion.objects.filter(course=training.basics).count() == 2


def test_four_alert_refreshes_at_once_open_one_alert(trust: object) -> None:
    from tests.conftest import Trust  # noqa: PLC0415

    assert isinstance(trust, Trust)
    training = TrainingTrust(trust)

    errors = _race(
        lambda: services.refresh_alerts(go_live_id=training.go_live.pk, today=timezone.localdate())
    )

    assert errors == []
    assert TrainingAlert.objects.filter(closed_at=None).count() == 1
