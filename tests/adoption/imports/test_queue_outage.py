"""An upload while the queue (broker) is down: the request succeeds, the batch keeps its
file and says it waits for the queue, and the sweeper sends it once the queue is back —
nothing lost. The outage is injected where Celery publishes (``apply_async`` raising what
kombu raises for a refused connection); the rest is real: commits, on-commit hooks, Django's
logging of a failed hook, Redis and a worker."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from kombu.exceptions import OperationalError as BrokerUnreachable

from adoption.imports import reactions, tasks
from adoption.imports.housekeeping import QUEUE_DOWN
from adoption.models import Event, ImportBatch
from golive.celery import delay_after_commit
from tests.conftest import EVENTS_HEADER, Trust

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

STAFF_HEADER = "staff_number,full_name,role_group,job_title,area,start_date,epr_user_id"
EVENTS = f"{EVENTS_HEADER}\nE1,2025-10-01 09:00:00,login,,EPR1,nursing,N/WA,\n"
STAFF = f"{STAFF_HEADER}\nS1,Dana Ward-A,nursing,Staff nurse,N/WA,2024-01-01,\n"


@pytest.fixture(autouse=True)
def _import_dirs(settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"
    settings.WORKER_HEARTBEAT_THREAD = False


@pytest.fixture
def queue_down(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Every publish fails as it does with Redis gone; ``.restore()`` brings the queue back."""

    def refused(*args: Any, **kwargs: Any) -> None:
        raise BrokerUnreachable("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.run_import, "apply_async", refused)
    monkeypatch.restore = monkeypatch.undo  # type: ignore[attr-defined]
    return monkeypatch


def csv_file(content: str, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode(), content_type="text/csv")


@pytest.mark.parametrize(
    ("kind", "content"), [("events", EVENTS), ("staff", STAFF)], ids=["events", "staff list"]
)
def test_an_upload_page_post_while_the_queue_is_down_redirects_and_keeps_the_file(
    client: Client, queue_down: Any, kind: str, content: str
) -> None:
    trust = Trust()
    client.force_login(trust.programme_manager)

    response = client.post(
        "/adoption/imports/new/",
        {"kind": kind, "profile": f"golive-{kind}", "file": csv_file(content, "x.csv")},
    )

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert (batch.status, batch.awaiting_broker, batch.message) == ("queued", True, QUEUE_DOWN)
    assert Path(batch.stored_path).read_text() == content
    page = client.get(response["Location"]).content.decode()
    assert QUEUE_DOWN in page


def test_an_api_upload_while_the_queue_is_down_is_accepted_and_says_it_waits_for_the_queue(
    client: Client, queue_down: Any
) -> None:
    trust = Trust()
    client.force_login(trust.programme_manager)

    response = client.post(
        "/api/v1/imports/", {"kind": "events", "file": csv_file(EVENTS, "x.csv")}
    )

    assert response.status_code == 202
    assert (response.json()["status"], response.json()["message"]) == ("queued", QUEUE_DOWN)
    assert Path(ImportBatch.objects.get().stored_path).exists()


def test_the_same_file_again_while_the_first_waits_for_the_queue_is_told_it_is_queued(
    client: Client, queue_down: Any
) -> None:
    trust = Trust()
    client.force_login(trust.programme_manager)
    first = client.post("/api/v1/imports/", {"kind": "events", "file": csv_file(EVENTS, "a.csv")})

    again = client.post("/api/v1/imports/", {"kind": "events", "file": csv_file(EVENTS, "b.csv")})

    assert again.status_code == 409
    assert again.json()["code"] == "ALREADY_QUEUED"
    assert (
        f"(batch {first.json()['id']}) and is saved and will be processed when the queue"
        in (again.json()["message"])
    )
    assert ImportBatch.objects.count() == 1


def test_when_the_queue_is_back_the_sweeper_sends_the_batch_and_a_real_worker_commits_it(
    client: Client, queue_down: Any
) -> None:
    from celery.contrib.testing.worker import start_worker  # noqa: PLC0415

    from golive.celery import app  # noqa: PLC0415

    trust = Trust()
    client.force_login(trust.programme_manager)
    client.post("/api/v1/imports/", {"kind": "events", "file": csv_file(EVENTS, "x.csv")})
    batch = ImportBatch.objects.get()
    assert tasks.sweep_stalled_imports()["requeued"] == 0  # the queue is still down

    queue_down.restore()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        assert tasks.sweep_stalled_imports()["requeued"] == 1
        # Waiting for the worker, not measuring it: the deadline only stops a hung test.
        deadline = time.monotonic() + 60
        while not ImportBatch.objects.get(pk=batch.pk).is_final and time.monotonic() < deadline:
            time.sleep(0.2)

    batch.refresh_from_db()
    assert (batch.status, batch.awaiting_broker, batch.attempts) == ("committed", False, 1)
    assert Event.objects.count() == 1


def test_a_task_queued_after_commit_while_the_queue_is_down_does_not_fail_the_caller(
    queue_down: Any,
) -> None:
    with transaction.atomic():
        delay_after_commit(tasks.run_import, 0)  # robust: logged, not raised


def test_a_reaction_to_a_committed_batch_that_fails_does_not_escape(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def reaction(batch_id: int) -> None:
        raise BrokerUnreachable("Connection refused.")

    monkeypatch.setattr(reactions, "_reactions", {"events": [reaction]})
    with transaction.atomic():
        reactions.batch_committed(0, "events")
