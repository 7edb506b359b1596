"""Golden tests of "getting it right" (../shared/IMPORT_CONTRACT.md): every batch's valid
rows are staged and counted, then kept or rolled back; dry runs; files that can never commit
are deleted at once; the upload options only programme managers may choose."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from django.utils import timezone

from adoption.imports import housekeeping, pipeline, reactions, services
from adoption.imports.profiles import reference_profile
from adoption.models import Event, ImportBatch, MappingProfile
from golive.models import StaffMember
from tests.conftest import EVENTS_HEADER, Trust

NHS = "9434765919"
Status = ImportBatch.Status
STAFF_HEADER = "staff_number,full_name,role_group,job_title,area,start_date,epr_user_id"
CONFIRM = {"confirm": "commit-valid-rows-only"}


def events(*rows: str) -> str:
    return "\n".join([EVENTS_HEADER, *rows]) + "\n"


def row(n: int, *, event_type: str = "order_placed", patient: str = NHS) -> str:
    return f"E{n},2026-10-01 09:{n % 60:02d}:00,{event_type},pathology,EPR1,nursing,N/WA,{patient}"


def few_bad_rows() -> str:
    """999 good rows and one bad one: within the reference profile's 0.5% bound."""
    return events(*(row(n) for n in range(1, 1000)), row(1000, patient="123"))


# Dry runs.


def test_a_dry_run_writes_nothing_and_reports_what_would_happen(
    trust: Trust, import_file: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import_file(events(row(1)))

    with django_capture_on_commit_callbacks() as callbacks:
        batch = import_file(
            events(row(1), row(2), row(2), row(3, event_type="LOGON"), row(4, event_type="LOGON")),
            dry_run=True,
        )

    assert batch.status == Status.CHECKED
    assert batch.message == (
        "Dry run: nothing was imported. Imported for real, the file would be rejected: 2 of 5 "
        "rows have problems."
    )
    assert (
        batch.rows_read,
        batch.rows_inserted,
        batch.rows_unchanged,
        batch.rows_duplicate,
        batch.rows_rejected,
    ) == (5, 1, 1, 1, 2)
    assert batch.issue_counts == {"UNKNOWN_CODE": 2, "DUPLICATE_IN_FILE": 1}
    assert batch.unknown_values == {
        "event_type": {"column": "event_type", "values": [["LOGON", 2]], "distinct": 1}
    }
    assert Event.objects.count() == 1  # the earlier real import only
    # Only the upload's own message to the queue: no rollup, no other reaction.
    assert [hook.__qualname__ for hook in callbacks] == ["_queue_after_commit.<locals>.send_import"]


def test_a_clean_dry_run_says_the_file_would_commit_and_imports_nothing(
    trust: Trust, import_file: Any
) -> None:
    batch = import_file(events(row(1), row(2)), dry_run=True)

    assert (batch.status, batch.rows_inserted) == (Status.CHECKED, 2)
    assert batch.message == (
        "Dry run: nothing was imported. Imported for real, the file would be committed."
    )
    assert Event.objects.count() == 0
    assert batch.local_dates == []


def test_a_dry_run_deletes_its_file_and_the_same_file_can_then_be_imported(
    trust: Trust, import_file: Any
) -> None:
    checked = import_file(events(row(1)), dry_run=True)

    real = import_file(events(row(1)))

    assert checked.file_deleted_at is not None
    assert not Path(checked.stored_path).exists()
    assert (real.status, real.rows_inserted) == (Status.COMMITTED, 1)


def test_a_dry_run_waiting_in_the_queue_does_not_stop_a_real_upload_of_the_same_file(
    trust: Trust, settings: Any, tmp_path: Path
) -> None:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    content = events(row(1)).encode()

    def upload(*, dry_run: bool) -> ImportBatch:
        return services.create_import_batch(
            user=trust.programme_manager, programme=trust.programme, kind="events",
            profile_name="golive-events", upload=io.BytesIO(content), file_name="e.csv",
            dry_run=dry_run,
        )  # fmt: skip

    checking = upload(dry_run=True)
    real = upload(dry_run=False)

    assert (checking.status, real.status) == (Status.QUEUED, Status.QUEUED)
    assert real.pk != checking.pk


def test_a_dry_run_of_a_file_already_imported_is_checked_and_says_so(
    trust: Trust, import_file: Any
) -> None:
    real = import_file(events(row(1), row(2)))

    checked = import_file(events(row(1), row(2)), dry_run=True)

    when = timezone.localtime(real.uploaded_at)
    assert (checked.status, checked.rows_inserted, checked.rows_unchanged) == (
        Status.CHECKED, 0, 2,
    )  # fmt: skip
    assert checked.notices[-1] == (
        f"This file was already imported on {when:%d %b %Y at %H:%M} by pm (batch {real.pk}): "
        "importing it again would change nothing."
    )


def test_a_dry_run_of_a_staff_list_changes_no_staff(trust: Trust, import_file: Any) -> None:
    staff = f"{STAFF_HEADER}\nN950,New Person,nursing,Nurse,N/WA,2020-01-01,EPR950\n"

    batch = import_file(staff, kind="staff", profile="golive-staff", dry_run=True)

    assert (batch.status, batch.rows_inserted) == (Status.CHECKED, 1)
    assert not StaffMember.objects.filter(staff_number="N950").exists()


def test_a_dry_run_of_a_full_staff_list_with_a_rejected_row_counts_no_leavers(
    trust: Trust, import_file: Any
) -> None:
    staff = (
        f"{STAFF_HEADER}\n{trust.staff_a.staff_number},Alice Ward-A,nursing,,N/WA,,\n"
        f"{trust.staff_b.staff_number},Bob Ward-B,nursing,,N/ZZ,,\n"
    )

    batch = import_file(
        staff, kind="staff", profile="golive-staff", dry_run=True, mark_leavers=True
    )

    # The real run would be rejected, or committed partially: neither marks leavers.
    assert (batch.status, batch.rows_rejected, batch.rows_leavers) == (Status.CHECKED, 1, 0)


# Counting at validation: duplicates and conflicts of batches that are rejected.


def test_a_rejected_batch_reports_the_duplicates_in_its_file(
    trust: Trust, import_file: Any
) -> None:
    batch = import_file(events(row(1), row(1), row(2, patient="123")))

    assert batch.status == Status.REJECTED
    assert (batch.rows_duplicate, batch.rows_inserted) == (1, 0)
    assert batch.issue_counts == {"INVALID_IDENTIFIER": 1, "DUPLICATE_IN_FILE": 1}
    assert "DUPLICATE_IN_FILE" in set(batch.issues.values_list("code", flat=True))
    assert Event.objects.count() == 0


def with_conflicts(monkeypatch: Any, rows: int, hooks: list[str] | None = None) -> None:
    """The events merger reports ``rows`` conflicting rows (and, if given, registers an
    on-commit hook the way a reaction would)."""
    merge = pipeline.MERGERS["events"]

    def conflicting(**kwargs: Any) -> Any:
        if hooks is not None:
            transaction.on_commit(lambda: hooks.append("ran"))
        return dataclasses.replace(merge(**kwargs), conflict_rows=rows)

    monkeypatch.setitem(pipeline.MERGERS, "events", conflicting)


def test_a_batch_with_conflicting_rows_is_rejected_and_rolled_back(
    trust: Trust, import_file: Any, monkeypatch: Any
) -> None:
    with_conflicts(monkeypatch, rows=1)

    batch = import_file(events(row(1), row(2)))

    assert batch.status == Status.REJECTED
    assert batch.message.startswith(
        "1 of 2 rows have problems (1 conflicting with another row of the file or with a row "
        "already imported), so nothing was imported."
    )
    assert (batch.rows_rejected, batch.rows_inserted) == (1, 0)
    assert batch.issue_counts == {"CONFLICTING_DUPLICATE": 1}
    assert Event.objects.count() == 0


def test_nothing_a_rolled_back_merge_set_off_runs_after_the_commit(
    trust: Trust, import_file: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    hooks: list[str] = []
    with_conflicts(monkeypatch, rows=1, hooks=hooks)

    with django_capture_on_commit_callbacks(execute=True):
        import_file(events(row(1), row(2)))

    assert hooks == []


def test_reactions_run_for_a_commit_but_not_for_a_dry_run_or_a_rejection(
    trust: Trust, import_file: Any, django_capture_on_commit_callbacks: Any
) -> None:
    reacted: list[int] = []

    def note(batch_id: int) -> None:
        reacted.append(batch_id)

    reactions.on_commit_of(["events"], note)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            checked = import_file(events(row(1)), dry_run=True)
            rejected = import_file(events(row(2), row(3, patient="123")))
            committed = import_file(events(row(1)))
    finally:
        reactions._reactions["events"].remove(note)

    assert reacted == [committed.pk]
    assert checked.pk not in reacted
    assert rejected.pk not in reacted


# Files that can never commit.


def test_a_file_rejected_beyond_the_bound_is_deleted_at_once(
    trust: Trust, import_file: Any
) -> None:
    batch = import_file(events(row(1), row(2, patient="123")))

    assert batch.status == Status.REJECTED
    assert batch.file_deleted_at is not None
    assert not Path(batch.stored_path).exists()
    assert batch.message.endswith("The uploaded file was deleted; only the error report is kept.")
    assert batch.issues.exists()


def test_a_file_with_no_valid_row_is_deleted_at_once(trust: Trust, import_file: Any) -> None:
    batch = import_file(events(row(1, patient="123")))

    assert (batch.status, batch.issue_counts) == (Status.REJECTED, {"INVALID_IDENTIFIER": 1})
    assert batch.file_deleted_at is not None


def test_a_file_within_the_bound_is_kept_for_a_partial_commit(
    trust: Trust, import_file: Any
) -> None:
    batch = import_file(few_bad_rows())

    assert batch.file_deleted_at is None
    assert Path(batch.stored_path).exists()


def test_the_report_of_a_file_deleted_at_once_still_expires_after_retention(
    trust: Trust, import_file: Any, settings: Any
) -> None:
    settings.IMPORT_RETENTION_DAYS = 7
    batch = import_file(events(row(1), row(2, event_type="LOGON")), dry_run=True)
    assert batch.issues.exists()

    kept = housekeeping.purge_expired_imports(now=batch.finished_at + dt.timedelta(days=6))
    purged = housekeeping.purge_expired_imports(now=batch.finished_at + dt.timedelta(days=8))

    batch.refresh_from_db()
    assert (kept, purged) == (0, 1)
    assert not batch.issues.exists()
    assert batch.unknown_values == {}


# Committing the valid rows only.


def test_committing_the_valid_rows_only_counts_its_own_attempts(
    trust: Trust, import_file: Any
) -> None:
    batch = import_file(few_bad_rows())

    services.commit_valid_rows_only(batch=batch, user=trust.programme_manager)
    pipeline.run(batch.pk)

    batch.refresh_from_db()
    assert batch.status_label == "Committed with 1 rows rejected"
    assert batch.attempts_in_run == 1
    assert batch.attempts > 1  # an attempt of the first run can never record over it


def test_an_interrupted_partial_run_says_what_it_retries(
    trust: Trust, import_file: Any, settings: Any
) -> None:
    batch = import_file(few_bad_rows())
    services.commit_valid_rows_only(batch=batch, user=trust.programme_manager)
    claimed = pipeline.claim(batch.pk)
    assert claimed is not None

    pipeline._release_once(claimed)

    claimed.refresh_from_db()
    assert claimed.message == (
        "Committing the valid rows only was interrupted; it will retry automatically "
        f"(attempt 2 of {settings.IMPORT_MAX_ATTEMPTS})."
    )


def test_the_api_refuses_to_commit_valid_rows_without_the_explicit_confirmation(
    client: Client, trust: Trust, import_file: Any
) -> None:
    batch = import_file(few_bad_rows())
    client.force_login(trust.programme_manager)

    response = client.post(f"/api/v1/imports/{batch.pk}/commit-valid-rows/")

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["field_errors"]] == ["confirm"]
    batch.refresh_from_db()
    assert (batch.status, batch.partial_allowed) == (Status.REJECTED, False)


def test_the_api_shows_a_partial_run_as_its_first_attempt(
    client: Client, trust: Trust, import_file: Any
) -> None:
    batch = import_file(few_bad_rows())
    client.force_login(trust.programme_manager)

    response = client.post(
        f"/api/v1/imports/{batch.pk}/commit-valid-rows/", CONFIRM, content_type="application/json"
    )
    pipeline.run(batch.pk)
    body = client.get(f"/api/v1/imports/{batch.pk}/").json()

    assert response.status_code == 202
    assert (body["status"], body["phase"], body["attempts"]) == ("committed", "partial", 1)


# Correction: programme managers only; leavers: anyone importing staff lists, for their staff.


def test_a_ward_manager_may_not_correct_earlier_imports(trust: Trust, settings: Any) -> None:
    staff = f"{STAFF_HEADER}\nN951,Someone,nursing,Nurse,N/WA,,\n"

    with pytest.raises(PermissionDenied) as raised:
        services.create_import_batch(
            user=trust.ward_manager, programme=trust.programme, kind="staff",
            profile_name="golive-staff", upload=io.BytesIO(staff.encode()),
            file_name="s.csv", correction=True,
        )  # fmt: skip

    assert str(raised.value) == "Only a programme manager may correct earlier imports."
    assert not ImportBatch.objects.exists()


def test_a_ward_managers_full_staff_list_marks_only_staff_solely_in_their_ward(
    client: Client, trust: Trust, settings: Any, tmp_path: Path
) -> None:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"
    MappingProfile.objects.create(
        programme=trust.programme,
        name="Full ESR list",
        kind="staff",
        spec={**reference_profile("staff").to_spec(), "full_extract": True},
        updated_by=trust.programme_manager,
    )
    client.force_login(trust.ward_manager)
    upload = io.BytesIO(f"{STAFF_HEADER}\nN952,Someone,nursing,Nurse,N/WA,,\n".encode())
    upload.name = "staff.csv"

    # "As the mapping profile says": a full list, so it marks leavers.
    response = client.post(
        "/adoption/imports/new/", {"kind": "staff", "profile": "Full ESR list", "file": upload}
    )
    batch = ImportBatch.objects.get()
    pipeline.run(batch.pk)

    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.mark_leavers, batch.rows_leavers) == (Status.COMMITTED, True, 1)
    leavers = set(StaffMember.objects.exclude(end_date=None).values_list("pk", flat=True))
    assert leavers == {trust.staff_a.pk}  # Ward A's only: Ward B's and C's staff are not theirs


def test_the_upload_page_refuses_a_correction_for_a_ward_manager_beside_the_option(
    client: Client, trust: Trust, settings: Any, tmp_path: Path
) -> None:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    client.force_login(trust.ward_manager)
    upload = io.BytesIO(f"{STAFF_HEADER}\nN952,Someone,nursing,Nurse,N/WA,,\n".encode())
    upload.name = "staff.csv"

    response = client.post(
        "/adoption/imports/new/",
        {"kind": "staff", "profile": "golive-staff", "file": upload, "correction": "on"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "correction": ["Only a programme manager may correct earlier imports."]
    }
    assert not ImportBatch.objects.exists()


def test_the_api_refuses_a_correction_by_a_ward_manager_as_forbidden(
    client: Client, trust: Trust, settings: Any, tmp_path: Path
) -> None:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    client.force_login(trust.ward_manager)
    upload = io.BytesIO(f"{STAFF_HEADER}\nN953,Someone,nursing,Nurse,N/WA,,\n".encode())
    upload.name = "staff.csv"

    response = client.post(
        "/api/v1/imports/", {"kind": "staff", "file": upload, "correction": "true"}
    )

    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "Only a programme manager may correct earlier imports.",
    }


def test_a_full_extract_profile_marks_leavers_unless_told_otherwise(
    trust: Trust, import_file: Any
) -> None:
    MappingProfile.objects.create(
        programme=trust.programme,
        name="Full ESR list",
        kind="staff",
        spec={**reference_profile("staff").to_spec(), "full_extract": True},
        updated_by=trust.programme_manager,
    )
    staff = f"{STAFF_HEADER}\nN954,Someone,nursing,Nurse,N/WA,,\n"

    by_default = import_file(staff, kind="staff", profile="Full ESR list", dry_run=True)
    told_not = import_file(
        staff, kind="staff", profile="Full ESR list", dry_run=True, mark_leavers=False
    )

    assert (by_default.mark_leavers, told_not.mark_leavers) == (True, False)


# The batch page and the unknown values report.


def test_the_batch_page_of_a_dry_run_shows_what_would_happen_and_the_unknown_values(
    client: Client, trust: Trust, import_file: Any
) -> None:
    batch = import_file(events(row(1), row(2, event_type="LOGON")), dry_run=True)
    client.force_login(trust.programme_manager)

    body = client.get(f"/adoption/imports/{batch.pk}/").content.decode()

    assert "Dry run: nothing was imported." in body
    assert "Would be inserted" in body
    assert "1 distinct unknown value in column event_type" in body
    assert "<code>LOGON</code>" in body
    assert "when the check finished: only the masked report is kept." in body


def test_the_unknown_values_download_escapes_formulas(
    client: Client, trust: Trust, import_file: Any
) -> None:
    batch = import_file(events(row(1), row(2, event_type="=SUM(A1)")), dry_run=True)
    client.force_login(trust.programme_manager)

    response = client.get(f"/adoption/imports/{batch.pk}/unknown-values.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["field", "column", "value", "rows"],
        ["event_type", "event_type", "'=SUM(A1)", "1"],
    ]


def test_unknown_staff_numbers_are_never_collected_as_unknown_values(
    trust: Trust, import_file: Any
) -> None:
    training = "staff_number,course,completed_on\nX99999,NOPE,2026-01-05\n"

    batch = import_file(training, kind="training", profile="golive-training", dry_run=True)

    assert batch.issue_counts == {"UNKNOWN_STAFF": 1, "UNKNOWN_COURSE": 1}
    assert list(batch.unknown_values) == ["course"]


def test_the_import_list_shows_a_dry_run_as_such(
    client: Client, trust: Trust, import_file: Any
) -> None:
    import_file(events(row(1)), dry_run=True)
    client.force_login(trust.programme_manager)

    body = client.get("/adoption/imports/").content.decode()

    assert '<strong class="nhsuk-tag nhsuk-tag--purple">Dry run finished</strong>' in body
