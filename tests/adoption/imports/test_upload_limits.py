"""Issue 22 (F1, F5): import reports never hold an NHS number whatever its column, and uploads
cannot exhaust the service: over-long lines, oversized bodies, upload floods and the same
rejected file again are refused early."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from adoption.imports import fastpath
from adoption.imports.files import FileRefused, LineReader, open_binary, records
from adoption.models import ImportBatch, ImportIssue
from golive.models import Role
from tests import factories as f
from tests.conftest import EVENTS_HEADER, Trust

NHS = "9434765919"
GOOD = "E1,2026-10-01 09:00:00,login,,EPR1,nursing,N/WA,"
UPLOAD_URL = "/adoption/imports/new/"
API_URL = "/api/v1/imports/"


def events(*rows: str) -> str:
    return "\n".join([EVENTS_HEADER, *rows]) + "\n"


@pytest.fixture(autouse=True)
def _import_dirs(settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"


def page_upload(client: Client, content: str) -> Any:
    upload = SimpleUploadedFile("extract.csv", content.encode(), "text/csv")
    return client.post(UPLOAD_URL, {"kind": "events", "profile": "golive-events", "file": upload})


def api_upload(client: Client, content: str) -> Any:
    upload = SimpleUploadedFile("extract.csv", content.encode(), "text/csv")
    return client.post(API_URL, {"kind": "events", "file": upload})


# F1: NHS numbers in import issues, whatever the column.


@pytest.fixture
def nhs_number_in_a_date_column(trust: Trust, import_file: Any) -> ImportBatch:
    """A profile mapping the NHS number column as the event time: a row error, not a
    refusal (dates are never stored as text), whose value and message quote the cell."""
    batch: ImportBatch = import_file(events(GOOD, f"E2,{NHS},login,,EPR1,nursing,N/WA,"))
    assert batch.issues.get().code == "INVALID_DATE"
    return batch


def test_stored_issue_holds_no_nhs_number_from_a_non_identifier_column(
    nhs_number_in_a_date_column: ImportBatch,
) -> None:
    issue = nhs_number_in_a_date_column.issues.get()

    assert NHS not in issue.value
    assert NHS not in issue.message
    assert issue.message == "'[NHS number removed]' is not a valid date and time."


def test_issue_page_api_and_error_report_show_no_nhs_number(
    client: Client, trust: Trust, nhs_number_in_a_date_column: ImportBatch
) -> None:
    client.force_login(trust.programme_manager)
    pk = nhs_number_in_a_date_column.pk

    page = client.get(f"/adoption/imports/{pk}/")
    api = client.get(f"/api/v1/imports/{pk}/issues/")
    report = client.get(f"/adoption/imports/{pk}/errors.csv")

    assert "INVALID_DATE" in api.content.decode()
    for response in (page, api, report):
        assert response.status_code == 200
        body = b"".join(getattr(response, "streaming_content", [response.content]))
        assert NHS.encode() not in body


def test_issues_written_any_way_are_stored_without_nhs_numbers(
    nhs_number_in_a_date_column: ImportBatch,
) -> None:
    ImportIssue.objects.filter(batch=nhs_number_in_a_date_column).update(
        value=f"943-476-5919 and {NHS}", message=f"about {NHS}"
    )

    issue = nhs_number_in_a_date_column.issues.get()
    assert (issue.value, issue.message) == (
        "[NHS number removed] and [NHS number removed]",
        "about [NHS number removed]",
    )


# F5: a line is never read whole.


def long_line_gzip(tmp_path: Path) -> Path:
    path = tmp_path / "long.csv.gz"
    path.write_bytes(gzip.compress(events(GOOD).encode() + b"x" * 20_000_000 + b"\n"))
    return path


def test_slow_reader_stops_at_the_first_over_long_line(settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_MAX_LINE_BYTES = 100_000
    with open_binary(long_line_gzip(tmp_path)) as stream:
        with pytest.raises(FileRefused) as raised:
            list(records(LineReader(stream)))
        read = stream.raw.bytes_read  # type: ignore[attr-defined]

    assert (raised.value.code, raised.value.line) == ("LINE_TOO_LONG", 3)
    assert read < 300_000  # of 20 MB: the line was never held whole


def test_fast_reader_stops_at_the_first_over_long_line(settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_MAX_LINE_BYTES = 100_000
    with open_binary(long_line_gzip(tmp_path)) as stream:
        with pytest.raises(FileRefused) as raised:
            list(fastpath.text_records(stream))
        read = stream.raw.bytes_read  # type: ignore[attr-defined]

    assert raised.value.code == "LINE_TOO_LONG"
    assert read < 300_000


# F5: request bodies over the limit are refused before they are read.


def test_upload_page_refuses_a_body_over_the_limit_with_413(
    client: Client, trust: Trust, settings: Any, tmp_path: Path
) -> None:
    settings.GOLIVE_MAX_UPLOAD_BYTES = 2_000
    client.force_login(trust.programme_manager)

    response = page_upload(client, events(*[GOOD.replace("E1", f"E{n}") for n in range(100)]))

    assert response.status_code == 413
    assert "the limit is 0.0 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert not (tmp_path / "files").exists()


def test_api_refuses_a_body_over_the_limit_with_413_in_the_error_shape(
    client: Client, trust: Trust, settings: Any
) -> None:
    settings.GOLIVE_MAX_UPLOAD_BYTES = 2_000
    client.force_login(trust.programme_manager)

    response = api_upload(client, events(*[GOOD.replace("E1", f"E{n}") for n in range(100)]))

    assert response.status_code == 413
    assert response.json()["code"] == "REQUEST_TOO_LARGE"


# F5: uploads are rate-limited per user.


def test_upload_page_refuses_uploads_past_the_rate_limit(
    client: Client, trust: Trust, settings: Any
) -> None:
    settings.IMPORT_UPLOADS_PER_WINDOW = 2
    client.force_login(trust.programme_manager)
    for n in range(2):
        assert page_upload(client, events(GOOD.replace("E1", f"E{n}"))).status_code == 302

    response = page_upload(client, events(GOOD.replace("E1", "E9")))

    assert response.status_code == 200
    assert "You have uploaded 2 files in the last 10 minutes" in response.content.decode()
    assert ImportBatch.objects.count() == 2


def test_api_answers_429_with_retry_after_past_the_rate_limit(
    client: Client, trust: Trust, settings: Any
) -> None:
    settings.IMPORT_UPLOADS_PER_WINDOW = 1
    client.force_login(trust.programme_manager)
    assert api_upload(client, events(GOOD)).status_code == 202

    response = api_upload(client, events(GOOD.replace("E1", "E2")))

    assert response.status_code == 429
    assert response.json()["code"] == "IMPORT_RATE_LIMITED"
    assert int(response["Retry-After"]) >= 1


def test_refused_uploads_count_towards_the_rate_limit(
    client: Client, trust: Trust, settings: Any
) -> None:
    settings.IMPORT_UPLOADS_PER_WINDOW = 1
    client.force_login(trust.programme_manager)
    assert api_upload(client, EVENTS_HEADER + "\n").status_code == 400  # NO_DATA_ROWS

    assert api_upload(client, events(GOOD)).status_code == 429


# F5: the same rejected file again.


def test_same_rejected_file_again_is_refused_at_upload(trust: Trust, import_file: Any) -> None:
    content = events(GOOD, "E2,2026-13-01 09:00:00,login,,EPR1,nursing,N/WA,")
    first = import_file(content)
    assert first.status == ImportBatch.Status.REJECTED

    with pytest.raises(ValidationError) as raised:
        import_file(content)

    assert raised.value.code == "REJECTED_BEFORE"
    assert f"(batch {first.pk}) and it was rejected for INVALID_DATE." in raised.value.message
    assert "fix the file or the profile first" in raised.value.message
    assert ImportBatch.objects.count() == 1


def test_file_rejected_for_golives_own_records_may_come_again(
    trust: Trust, import_file: Any
) -> None:
    content = events(GOOD, "E2,2026-10-01 09:00:00,login,,EPR1,nursing,N/W9,")
    assert import_file(content).issues.get().code == "UNKNOWN_AREA"

    again = import_file(content)  # e.g. once the area is created

    assert again.status == ImportBatch.Status.REJECTED
    assert ImportBatch.objects.count() == 2


def test_same_rejected_file_from_another_user_is_not_refused(
    trust: Trust, import_file: Any
) -> None:
    content = events(GOOD, "E2,2026-13-01 09:00:00,login,,EPR1,nursing,N/WA,")
    import_file(content)
    colleague = f.UserFactory(username="pm2")
    f.grant(colleague, Role.PROGRAMME_MANAGER, trust.programme)

    again = import_file(content, user=colleague)

    assert again.status == ImportBatch.Status.REJECTED
