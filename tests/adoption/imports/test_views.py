from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from adoption.imports import pipeline, services
from adoption.models import ImportBatch, MappingProfile
from tests.conftest import EVENTS_HEADER, Trust

UPLOAD_URL = "/adoption/imports/new/"
LIST_URL = "/adoption/imports/"
STAFF_HEADER = "staff_number,full_name,role_group,job_title,area,start_date,epr_user_id"
HTMX = {"HX-Request": "true"}


def events(*rows: str) -> str:
    return "\n".join([EVENTS_HEADER, *rows]) + "\n"


def login_row(number: int) -> str:
    minute = number % 60
    return f"E{number},2026-10-01 09:{minute:02d}:00,login,,EPR{number % 7},nursing,N/WA,"


def csv_file(content: str | bytes, name: str = "extract.csv") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def post_upload(
    client: Client,
    content: str | bytes,
    *,
    kind: str = "events",
    profile: str = "golive-events",
    name: str = "extract.csv",
) -> Any:
    return client.post(
        UPLOAD_URL, {"kind": kind, "profile": profile, "file": csv_file(content, name)}
    )


def csv_rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def upload_dirs(settings: Any, tmp_path: Path) -> Path:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"
    return tmp_path / "files"


@pytest.fixture
def queued_batch(trust: Trust, upload_dirs: Path) -> ImportBatch:
    """A batch as the upload leaves it: stored and queued, no worker yet."""
    return services.create_import_batch(
        user=trust.programme_manager,
        programme=trust.programme,
        kind="events",
        profile_name="golive-events",
        upload=io.BytesIO(events(login_row(1)).encode()),
        file_name="queued.csv",
    )


@pytest.fixture
def few_bad_rows(import_file: Any) -> ImportBatch:
    """Rejected for 1 bad row in 1,000: within the reference profile's 0.5% bound."""
    rows = [login_row(n) for n in range(1, 1000)]
    rows.append("E1000,2026-13-01 09:00:00,login,,EPR1,nursing,N/WA,")
    batch: ImportBatch = import_file(events(*rows), file_name="big.csv")
    assert (batch.status, batch.rows_read, batch.rows_rejected) == ("rejected", 1000, 1)
    return batch


# Uploading


def test_upload_redirects_to_the_new_batch_page(
    client: Client, trust: Trust, upload_dirs: Path
) -> None:
    client.force_login(trust.programme_manager)

    response = post_upload(client, events(login_row(1)))

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/adoption/imports/{batch.pk}/"
    assert (batch.status, batch.file_name, batch.uploaded_by) == (
        "queued",
        "extract.csv",
        trust.programme_manager,
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64, "not a CSV", id="xlsx"),
        pytest.param(
            "event_id,occurred_at,event_type,area\nE1,2026-10-01 09:00:00,login,N/WA\n",
            "Required columns are missing: user_id",
            id="missing-column",
        ),
        pytest.param(EVENTS_HEADER + "\n", "The file has a header but no data rows", id="empty"),
    ],
)
def test_file_refused_at_upload_is_shown_on_the_file_field_and_nothing_is_stored(
    client: Client, trust: Trust, upload_dirs: Path, content: str | bytes, message: str
) -> None:
    client.force_login(trust.programme_manager)

    response = post_upload(client, content)

    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert 'id="id_file_error"' in body
    assert message in body
    assert not ImportBatch.objects.exists()
    assert list(upload_dirs.iterdir()) == []


def test_file_already_imported_is_refused_with_the_earlier_batch(
    client: Client, trust: Trust, import_file: Any
) -> None:
    earlier = import_file(events(login_row(1)))
    client.force_login(trust.programme_manager)

    response = post_upload(client, events(login_row(1)))

    assert response.status_code == 200
    assert f"(batch {earlier.pk}); nothing changed" in response.content.decode()
    assert ImportBatch.objects.count() == 1


def test_profile_for_another_kind_is_a_form_error(
    client: Client, trust: Trust, upload_dirs: Path
) -> None:
    client.force_login(trust.programme_manager)

    response = post_upload(client, events(login_row(1)), profile="golive-staff")

    assert response.status_code == 200
    expected = "golive-staff reads staff lists. Choose a profile for EPR event extracts."
    assert expected in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_upload_page_offers_saved_profiles_of_the_programme(
    client: Client, trust: Trust, upload_dirs: Path
) -> None:
    spec = {"kind": "events", "columns": {"occurred_at": "When", "event_type": "What"}}
    spec["columns"] |= {"user_id": "Who", "area": "Ward"}
    services.save_mapping_profile(
        programme=trust.programme,
        user=trust.programme_manager,
        name="Vendor audit log",
        description="",
        spec=spec,
    )
    client.force_login(trust.programme_manager)

    response = client.get(UPLOAD_URL)

    assert '<option value="Vendor audit log">' in response.content.decode()


def test_ward_manager_cannot_upload_an_event_extract(
    client: Client, trust: Trust, upload_dirs: Path
) -> None:
    client.force_login(trust.ward_manager)

    response = post_upload(client, events(login_row(1)))

    assert response.status_code == 200
    assert "Choose a kind of file you may import." in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_executive_cannot_open_the_upload_page(client: Client, trust: Trust) -> None:
    client.force_login(trust.executive)

    assert client.get(UPLOAD_URL).status_code == 403


# The list of batches


def test_ward_manager_sees_their_own_batch_but_not_the_programme_managers(
    client: Client, trust: Trust, import_file: Any
) -> None:
    import_file(events(login_row(1)), file_name="pm-extract.csv")
    staff = f"{STAFF_HEADER}\nS1,Dana Ward-A,nursing,Staff nurse,N/WA,2024-01-01,\n"
    import_file(staff, kind="staff", user=trust.ward_manager, file_name="wm-staff.csv")
    client.force_login(trust.ward_manager)

    body = client.get(LIST_URL).content.decode()

    assert "wm-staff.csv" in body
    assert "pm-extract.csv" not in body


def test_programme_manager_sees_every_batch_of_the_programme(
    client: Client, trust: Trust, import_file: Any
) -> None:
    import_file(events(login_row(1)), file_name="pm-extract.csv")
    staff = f"{STAFF_HEADER}\nS1,Dana Ward-A,nursing,Staff nurse,N/WA,2024-01-01,\n"
    import_file(staff, kind="staff", user=trust.ward_manager, file_name="wm-staff.csv")
    client.force_login(trust.programme_manager)

    body = client.get(LIST_URL).content.decode()

    assert "wm-staff.csv" in body
    assert "pm-extract.csv" in body


def test_import_list_filters_by_status(client: Client, trust: Trust, import_file: Any) -> None:
    import_file(events(login_row(1)), file_name="good.csv")
    import_file(events("E2,2026-13-01 09:00:00,login,,EPR1,nursing,N/WA,"), file_name="bad.csv")
    client.force_login(trust.programme_manager)

    body = client.get(LIST_URL, {"status": "rejected"}).content.decode()

    assert "bad.csv" in body
    assert "good.csv" not in body


def test_import_list_returns_only_the_results_to_htmx(
    client: Client, trust: Trust, import_file: Any
) -> None:
    import_file(events(login_row(1)), file_name="good.csv")
    client.force_login(trust.programme_manager)

    response = client.get(LIST_URL, {"kind": "events"}, headers=HTMX)

    body = response.content.decode()
    assert 'id="import-results"' in body
    assert "good.csv" in body
    assert "<html" not in body


def test_import_list_offers_no_upload_to_an_executive(client: Client, trust: Trust) -> None:
    client.force_login(trust.executive)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert "Upload a file" not in response.content.decode()


# A batch's page and its error report


def test_batch_page_is_not_found_for_a_user_who_cannot_see_it(
    client: Client, trust: Trust, import_file: Any
) -> None:
    batch = import_file(events(login_row(1)))
    client.force_login(trust.ward_manager)

    assert client.get(f"/adoption/imports/{batch.pk}/").status_code == 404


def test_progress_partial_keeps_polling_while_the_batch_is_queued(
    client: Client, trust: Trust, queued_batch: ImportBatch
) -> None:
    client.force_login(trust.programme_manager)

    response = client.get(f"/adoption/imports/{queued_batch.pk}/", headers=HTMX)

    body = response.content.decode()
    assert "<html" not in body
    assert 'hx-trigger="every 1s"' in body
    assert "<progress" in body


def test_progress_partial_shows_rows_rate_and_time_left_while_checking(
    client: Client, trust: Trust, queued_batch: ImportBatch
) -> None:
    ImportBatch.objects.filter(pk=queued_batch.pk).update(
        status="validating",
        started_at=timezone.now() - dt.timedelta(seconds=10),
        rows_read=20_000,
        bytes_processed=250,
        bytes_total=1000,
    )
    client.force_login(trust.programme_manager)

    body = client.get(f"/adoption/imports/{queued_batch.pk}/", headers=HTMX).content.decode()

    assert (
        '<progress class="golive-progress__bar" id="batch-progress-bar" max="100" value="25">'
        in body
    )
    assert "Rows processed: 20,000" in body
    assert "Rate: 2,000 rows a second" in body
    assert "Time left: about 30 seconds" in body


def test_progress_partial_stops_polling_once_the_batch_is_committed(
    client: Client, trust: Trust, queued_batch: ImportBatch
) -> None:
    pipeline.run(queued_batch.pk)
    client.force_login(trust.programme_manager)

    response = client.get(f"/adoption/imports/{queued_batch.pk}/", headers=HTMX)

    body = response.content.decode()
    assert "Committed" in body
    assert "hx-trigger" not in body
    assert "<html" not in body


def test_batch_page_lists_the_problems_and_links_the_error_report(
    client: Client, trust: Trust, import_file: Any
) -> None:
    batch = import_file(events("E1,2026-13-01 09:00:00,login,,EPR1,nursing,N/WA,"))
    client.force_login(trust.programme_manager)

    body = client.get(f"/adoption/imports/{batch.pk}/").content.decode()

    assert "INVALID_DATE" in body
    assert f'href="/adoption/imports/{batch.pk}/errors.csv"' in body


def test_batch_page_shows_dropped_column_notices(
    client: Client, trust: Trust, import_file: Any
) -> None:
    content = f"{EVENTS_HEADER},NHS_NUMBER\n{login_row(1)},9434765919\n"
    batch = import_file(content)
    client.force_login(trust.programme_manager)

    body = client.get(f"/adoption/imports/{batch.pk}/").content.decode()

    assert "Column &#x27;NHS_NUMBER&#x27; is not needed and was not stored." in body


def test_error_report_escapes_formulas(client: Client, trust: Trust, import_file: Any) -> None:
    batch = import_file(events("E1,2026-10-01 09:00:00,=cmd,,EPR1,nursing,N/WA,"))
    client.force_login(trust.programme_manager)

    response = client.get(f"/adoption/imports/{batch.pk}/errors.csv")

    header, row = csv_rows(response)
    assert response["Content-Disposition"] == (
        f'attachment; filename="golive-batch-{batch.pk}-errors.csv"'
    )
    assert header == ["line", "column", "code", "message", "value", "expected"]
    assert row[:3] == ["2", "event_type", "UNKNOWN_CODE"]
    assert row[4] == "'=cmd"


def test_error_report_masks_patient_identifiers(
    client: Client, trust: Trust, import_file: Any
) -> None:
    batch = import_file(events(f"{login_row(1)}1234567890"))
    client.force_login(trust.programme_manager)

    response = client.get(f"/adoption/imports/{batch.pk}/errors.csv")

    assert "1234567890" not in response.content.decode()
    assert csv_rows(response)[1][2:5:2] == ["INVALID_IDENTIFIER", "********90"]


def test_error_report_is_not_found_for_a_user_who_cannot_see_the_batch(
    client: Client, trust: Trust, import_file: Any
) -> None:
    batch = import_file(events("E1,2026-13-01 09:00:00,login,,EPR1,nursing,N/WA,"))
    client.force_login(trust.ward_manager)

    assert client.get(f"/adoption/imports/{batch.pk}/errors.csv").status_code == 404


# Commit valid rows only


def test_batch_rejected_for_a_few_rows_offers_to_commit_the_valid_rows(
    client: Client, trust: Trust, few_bad_rows: ImportBatch
) -> None:
    client.force_login(trust.programme_manager)

    body = client.get(f"/adoption/imports/{few_bad_rows.pk}/").content.decode()

    assert f'action="/adoption/imports/{few_bad_rows.pk}/commit-valid-rows/"' in body
    assert "accept that 1 rows will not be imported" in body


def test_batch_rejected_for_many_rows_offers_no_partial_commit(
    client: Client, trust: Trust, import_file: Any
) -> None:
    batch = import_file(events(login_row(1), "E2,2026-13-01 09:00:00,login,,EPR1,nursing,N/WA,"))
    client.force_login(trust.programme_manager)

    body = client.get(f"/adoption/imports/{batch.pk}/").content.decode()

    assert "commit-valid-rows" not in body


def test_confirming_commit_valid_rows_queues_the_batch_for_the_confirming_user(
    client: Client,
    trust: Trust,
    few_bad_rows: ImportBatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(trust.programme_manager)

    with django_capture_on_commit_callbacks() as queued:
        response = client.post(
            f"/adoption/imports/{few_bad_rows.pk}/commit-valid-rows/", {"confirm": "on"}
        )

    few_bad_rows.refresh_from_db()
    assert response["Location"] == f"/adoption/imports/{few_bad_rows.pk}/"
    assert few_bad_rows.status == "queued"
    assert few_bad_rows.partial_confirmed_by == trust.programme_manager
    assert len(queued) == 1


def test_confirmed_batch_is_committed_with_its_rejected_rows_counted(
    client: Client, trust: Trust, few_bad_rows: ImportBatch
) -> None:
    client.force_login(trust.programme_manager)
    client.post(f"/adoption/imports/{few_bad_rows.pk}/commit-valid-rows/", {"confirm": "on"})

    pipeline.run(few_bad_rows.pk)

    body = client.get(f"/adoption/imports/{few_bad_rows.pk}/").content.decode()
    assert "Committed with 1 rows rejected" in body


def test_commit_valid_rows_needs_the_confirmation(
    client: Client, trust: Trust, few_bad_rows: ImportBatch
) -> None:
    client.force_login(trust.programme_manager)

    response = client.post(f"/adoption/imports/{few_bad_rows.pk}/commit-valid-rows/", {})

    few_bad_rows.refresh_from_db()
    assert response.status_code == 200
    assert "Confirm that you have read the error report" in response.content.decode()
    assert few_bad_rows.status == "rejected"


def test_commit_valid_rows_refused_by_the_service_is_shown(
    client: Client, trust: Trust, import_file: Any
) -> None:
    batch = import_file(events(login_row(1), "E2,2026-13-01 09:00:00,login,,EPR1,nursing,N/WA,"))
    client.force_login(trust.programme_manager)

    response = client.post(f"/adoption/imports/{batch.pk}/commit-valid-rows/", {"confirm": "on"})

    assert response.status_code == 200
    assert "50.00% of rows were rejected" in response.content.decode()


# Mapping profiles


def reference_spec(**changes: Any) -> dict[str, Any]:
    columns = {"occurred_at": "When", "event_type": "What", "user_id": "Who", "area": "Ward"}
    return {"kind": "events", "columns": columns, **changes}


def post_profile(client: Client, spec: str, *, name: str = "Vendor audit log") -> Any:
    return client.post("/adoption/profiles/new/", {"name": name, "description": "", "spec": spec})


def test_new_profile_starts_from_the_reference_format_of_the_chosen_kind(
    client: Client, trust: Trust
) -> None:
    client.force_login(trust.programme_manager)

    body = client.get("/adoption/profiles/new/", {"kind": "staff"}).content.decode()

    assert "&quot;staff_number&quot;: &quot;staff_number&quot;" in body


def test_profile_is_saved_for_the_current_programme(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    response = post_profile(client, json.dumps(reference_spec()))

    profile = MappingProfile.objects.get()
    assert response["Location"] == "/adoption/profiles/"
    assert (profile.name, profile.programme, profile.kind) == (
        "Vendor audit log",
        trust.programme,
        "events",
    )


def test_profile_with_bad_json_is_shown_again_with_the_json_error(
    client: Client, trust: Trust
) -> None:
    client.force_login(trust.programme_manager)

    response = post_profile(client, '{"kind": "events",')

    assert response.status_code == 200
    assert "Enter valid JSON: Expecting property name" in response.content.decode()
    assert not MappingProfile.objects.exists()


def test_profile_with_an_invalid_spec_is_shown_again_with_the_problem(
    client: Client, trust: Trust
) -> None:
    client.force_login(trust.programme_manager)

    response = post_profile(client, json.dumps({"kind": "events", "columns": {}}))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_spec_error"' in body
    assert "columns must map the required fields" in body
    assert not MappingProfile.objects.exists()


def test_profile_name_already_used_is_a_form_error(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)
    post_profile(client, json.dumps(reference_spec()))

    response = post_profile(client, json.dumps(reference_spec()))

    assert response.status_code == 200
    assert "There is already a profile called Vendor audit log" in response.content.decode()


def test_profile_is_edited(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)
    post_profile(client, json.dumps(reference_spec()))
    profile = MappingProfile.objects.get()

    client.post(
        f"/adoption/profiles/{profile.pk}/edit/",
        {
            "name": profile.name,
            "description": "v2",
            "spec": json.dumps(reference_spec(date_format="%d/%m/%Y %H:%M")),
        },
    )

    profile.refresh_from_db()
    assert (profile.description, profile.spec["date_format"]) == ("v2", "%d/%m/%Y %H:%M")


def test_executive_cannot_create_a_profile(client: Client, trust: Trust) -> None:
    client.force_login(trust.executive)

    response = post_profile(client, json.dumps(reference_spec()))

    assert response.status_code == 403
    assert not MappingProfile.objects.exists()


def test_ward_manager_can_view_profiles_but_not_edit_them(client: Client, trust: Trust) -> None:
    profile = services.save_mapping_profile(
        programme=trust.programme,
        user=trust.programme_manager,
        name="Vendor audit log",
        description="",
        spec=reference_spec(),
    )
    client.force_login(trust.ward_manager)

    listing = client.get("/adoption/profiles/")

    assert "Vendor audit log" in listing.content.decode()
    assert f"/adoption/profiles/{profile.pk}/edit/" not in listing.content.decode()
    assert client.get(f"/adoption/profiles/{profile.pk}/edit/").status_code == 403


def test_profile_exported_as_json_imports_back_unchanged(client: Client, trust: Trust) -> None:
    original = services.save_mapping_profile(
        programme=trust.programme,
        user=trust.programme_manager,
        name="Vendor audit log",
        description="Audit log v2",
        spec=reference_spec(time_zone="UTC"),
    )
    client.force_login(trust.programme_manager)
    exported = client.get(f"/adoption/profiles/{original.pk}/export/")
    MappingProfile.objects.all().delete()

    response = client.post(
        "/adoption/profiles/import/",
        {"file": SimpleUploadedFile("profile.json", exported.content, "application/json")},
    )

    imported = MappingProfile.objects.get()
    assert response["Location"] == "/adoption/profiles/"
    assert exported["Content-Disposition"].startswith("attachment;")
    assert (imported.name, imported.description, imported.spec) == (
        original.name,
        original.description,
        original.spec,
    )


def test_profile_import_updates_the_profile_with_the_same_name(
    client: Client, trust: Trust
) -> None:
    services.save_mapping_profile(
        programme=trust.programme,
        user=trust.programme_manager,
        name="Vendor audit log",
        description="old",
        spec=reference_spec(),
    )
    client.force_login(trust.programme_manager)
    data = {"name": "Vendor audit log", "description": "new", "spec": reference_spec()}

    client.post(
        "/adoption/profiles/import/",
        {"file": SimpleUploadedFile("profile.json", json.dumps(data).encode())},
    )

    assert list(MappingProfile.objects.values_list("description", flat=True)) == ["new"]


def test_profile_import_of_an_invalid_spec_is_refused(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)
    data = {"name": "Broken", "spec": {"kind": "pharmacy"}}

    response = client.post(
        "/adoption/profiles/import/",
        {"file": SimpleUploadedFile("profile.json", json.dumps(data).encode())},
    )

    assert response.status_code == 200
    assert "The profile&#x27;s spec: kind must be one of" in response.content.decode()
    assert not MappingProfile.objects.exists()


def test_builtin_profile_exports_its_reference_spec(client: Client, trust: Trust) -> None:
    client.force_login(trust.executive)

    response = client.get("/adoption/profiles/builtin/golive-staff/export/")

    body = response.json()
    assert body["name"] == "golive-staff"
    assert body["spec"]["columns"]["staff_number"] == "staff_number"


def test_adoption_home_links_to_imports_and_profiles(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    body = client.get("/adoption/").content.decode()

    assert 'href="/adoption/imports/"' in body
    assert 'href="/adoption/profiles/"' in body


def test_staff_list_batch_page_counts_people_not_rows(
    client: Client, trust: Trust, import_file: Any
) -> None:
    staff_list = (
        "staff_number,full_name,role_group,job_title,area,start_date,epr_user_id\n"
        "S900,Nia New,nursing,Staff Nurse,N/WA,,\n"
        "S900,Nia New,nursing,Staff Nurse,N/WB,,\n"
    )
    batch = import_file(staff_list, kind="staff", profile="golive-staff")
    client.force_login(trust.programme_manager)

    response = client.get(f"{LIST_URL}{batch.pk}/")

    html = response.content.decode()
    assert "count people, not rows" in html
    assert "New staff members" in html
    assert batch.rows_read == 2
    assert batch.rows_inserted == 1
