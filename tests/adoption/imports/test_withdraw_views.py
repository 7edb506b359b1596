"""Withdrawing a batch from its page and over the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from adoption.imports import tasks
from adoption.models import ImportBatch
from tests.conftest import Trust
from training.models import Course

Status = ImportBatch.Status
pytestmark = pytest.mark.django_db
ROWS = ["V1,2025-03-30 09:00:00,login,,U1,nursing,N/WA,"]
STAFF_LIST = (
    "staff_number,full_name,role_group,job_title,area,start_date,epr_user_id\n"
    "S77,Sam Late,nursing,Staff Nurse,N/WA,2025-01-01,EPR77\n"
)


def ward_managers_batch(trust: Trust, import_file: Any) -> ImportBatch:
    """Training completions a ward manager uploaded for their ward (they may; events no)."""
    Course.objects.create(
        programme=trust.programme, code="EPR101", name="EPR essentials", delivery="e_learning"
    )
    content = f"staff_number,course,completed_on\n{trust.staff_a.staff_number},EPR101,2026-01-05\n"
    batch = import_file(content, kind="training", user=trust.ward_manager)
    assert batch.status == Status.COMMITTED, batch.message
    return batch


@pytest.fixture(autouse=True)
def sent_withdrawals(monkeypatch: Any) -> list[int]:
    sent: list[int] = []
    monkeypatch.setattr(tasks.withdraw_batch, "delay", sent.append)
    return sent


def test_a_programme_manager_sees_the_withdraw_button_on_a_committed_batch(
    client: Client, trust: Trust, import_events: Any
) -> None:
    batch = import_events(*ROWS)
    client.force_login(trust.programme_manager)

    page = client.get(reverse("adoption:batch", args=[batch.pk])).content.decode()

    assert reverse("adoption:withdraw", args=[batch.pk]) in page


def test_an_uploading_ward_manager_gets_no_withdraw_button_and_a_403(
    client: Client, trust: Trust, import_file: Any
) -> None:
    batch = ward_managers_batch(trust, import_file)
    client.force_login(trust.ward_manager)

    page = client.get(reverse("adoption:batch", args=[batch.pk])).content.decode()
    response = client.post(reverse("adoption:withdraw", args=[batch.pk]), {"reason": "Wrong"})

    assert reverse("adoption:withdraw", args=[batch.pk]) not in page
    assert response.status_code == 403
    batch.refresh_from_db()
    assert batch.status == Status.COMMITTED


def test_withdrawing_without_a_reason_re_renders_the_form_with_the_error(
    client: Client, trust: Trust, import_events: Any
) -> None:
    batch = import_events(*ROWS)
    client.force_login(trust.programme_manager)

    response = client.post(reverse("adoption:withdraw", args=[batch.pk]), {"reason": ""})

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Say why the batch is being withdrawn." in page
    batch.refresh_from_db()
    assert batch.status == Status.COMMITTED


def test_withdrawing_from_the_page_queues_it_and_the_batch_page_shows_progress_then_who_and_why(
    client: Client,
    trust: Trust,
    import_events: Any,
    django_capture_on_commit_callbacks: Any,
    sent_withdrawals: list[int],
) -> None:
    batch = import_events(*ROWS)
    client.force_login(trust.programme_manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("adoption:withdraw", args=[batch.pk]), {"reason": "Wrong ward mapping"}
        )
    assert response.status_code == 302
    assert sent_withdrawals == [batch.pk]
    polling = client.get(reverse("adoption:batch", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert "Removing the batch" in polling.content.decode()
    assert "hx-trigger" in polling.content.decode()

    tasks.withdraw_batch(batch.pk)
    done = client.get(reverse("adoption:batch", args=[batch.pk])).content.decode()

    assert "Withdrawn on" in done
    assert "Wrong ward mapping" in done


def test_the_confirmation_page_of_a_staff_list_says_it_cannot_be_withdrawn(
    client: Client, trust: Trust, import_file: Any
) -> None:
    batch = import_file(STAFF_LIST, kind="staff")
    client.force_login(trust.programme_manager)

    page = client.get(reverse("adoption:withdraw", args=[batch.pk])).content.decode()

    assert "A staff list cannot be withdrawn: upload a corrected list." in page
    assert "<textarea" not in page


def api_withdraw(client: Client, batch: ImportBatch, body: dict[str, Any]) -> Any:
    return client.post(
        f"/api/v1/imports/{batch.pk}/withdraw/", body, content_type="application/json"
    )


def test_the_api_withdraws_a_committed_batch_with_202(
    client: Client, trust: Trust, import_events: Any
) -> None:
    batch = import_events(*ROWS)
    client.force_login(trust.programme_manager)

    response = api_withdraw(client, batch, {"reason": "Wrong ward mapping"})

    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["withdrawn_by"], body["withdrawal_reason"]) == (
        "withdrawing",
        "pm",
        "Wrong ward mapping",
    )
    assert response["Location"].endswith(f"/api/v1/imports/{batch.pk}/")


def test_the_api_refuses_a_ward_manager_with_a_structured_403(
    client: Client, trust: Trust, import_file: Any
) -> None:
    batch = ward_managers_batch(trust, import_file)
    client.force_login(trust.ward_manager)

    response = api_withdraw(client, batch, {"reason": "Wrong"})

    assert response.status_code == 403
    assert set(response.json()) >= {"code", "message"}
    assert response.json()["code"] == "permission_denied"


def test_the_api_refuses_a_staff_list_with_409(
    client: Client, trust: Trust, import_file: Any
) -> None:
    batch = import_file(STAFF_LIST, kind="staff")
    client.force_login(trust.programme_manager)

    response = api_withdraw(client, batch, {"reason": "Wrong"})

    assert response.status_code == 409
    assert response.json()["code"] == "staff_list"


def test_the_api_refuses_a_batch_already_withdrawn_with_409(
    client: Client, trust: Trust, import_events: Any
) -> None:
    batch = import_events(*ROWS)
    client.force_login(trust.programme_manager)
    api_withdraw(client, batch, {"reason": "Wrong"})

    response = api_withdraw(client, batch, {"reason": "Again"})

    assert response.status_code == 409
    assert response.json()["code"] == "not_committed"


def test_the_api_needs_a_reason(client: Client, trust: Trust, import_events: Any) -> None:
    batch = import_events(*ROWS)
    client.force_login(trust.programme_manager)

    response = api_withdraw(client, batch, {})

    assert response.status_code == 400
    assert response.json()["field_errors"][0] == {
        "field": "reason",
        "code": "required",
        "message": "Say why the batch is being withdrawn.",
    }


def test_the_schema_documents_the_withdrawal_and_its_errors(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    schema = client.get("/api/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/imports/{id}/withdraw/"]["post"]
    assert {"202", "400", "403", "409"} <= set(operation["responses"])
    assert "staff_list" in operation["responses"]["409"]["description"]
    assert list(operation["requestBody"]["content"]) == ["application/json"]
