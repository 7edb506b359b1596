from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from adoption.imports import pipeline, services
from adoption.imports.profiles import reference_profile
from adoption.models import ImportBatch, MappingProfile
from golive.models import Role
from tests import factories as f
from tests.conftest import EVENTS_HEADER, Trust

STAFF_HEADER = "staff_number,full_name,role_group,job_title,area,start_date,epr_user_id"


@pytest.fixture(autouse=True)
def _import_dirs(settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"


def events(*rows: str) -> str:
    return "\n".join([EVENTS_HEADER, *rows]) + "\n"


def good_row(n: int) -> str:
    return f"E{n},2025-10-01 09:{n % 60:02d}:00,login,,EPR1,nursing,N/WA,"


BAD_ROW = "EX,2025-13-01 09:00:00,login,,EPR1,nursing,N/WA,"


def upload(client: Client, content: str | bytes, **fields: Any) -> Any:
    data = content.encode() if isinstance(content, str) else content
    name = fields.pop("file_name", "extract.csv")
    body = {"kind": "events", "file": SimpleUploadedFile(name, data, "text/csv"), **fields}
    return client.post("/api/v1/imports/", body)


def lenient_profile(trust: Trust) -> MappingProfile:
    """The reference format, but valid rows may be committed alone with up to 20% rejected."""
    spec = {**reference_profile("events").to_spec(), "max_rejected_share": 0.2}
    return services.save_mapping_profile(
        programme=trust.programme,
        user=trust.programme_manager,
        name="lenient",
        description="",
        spec=spec,
    )


def test_upload_is_accepted_with_the_batch_and_its_location(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    response = upload(client, events(good_row(1), good_row(2)))

    assert response.status_code == 202
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"http://testserver/api/v1/imports/{batch.pk}/"
    body = response.json()
    assert (body["id"], body["status"], body["uploaded_by"]) == (batch.pk, "queued", "pm")
    assert body["profile_name"] == "golive-events"
    assert body["links"]["issues"] == f"http://testserver/api/v1/imports/{batch.pk}/issues/"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"PK\x03\x04" + b"\x00" * 64, "FILE_NOT_TEXT_CSV"),
        ("when,what\n2025-10-01,login\n", "HEADER_MISMATCH"),
        (EVENTS_HEADER + "\n", "NO_DATA_ROWS"),
        (b"", "NO_DATA_ROWS"),
    ],
)
def test_file_level_problems_are_refused_with_their_reason_code(
    client: Client, trust: Trust, content: str | bytes, code: str
) -> None:
    client.force_login(trust.programme_manager)

    response = upload(client, content)

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not ImportBatch.objects.exists()


def test_uploading_the_same_file_again_is_a_conflict_as_already_imported(
    client: Client, trust: Trust
) -> None:
    client.force_login(trust.programme_manager)
    first = upload(client, events(good_row(1))).json()
    pipeline.run(first["id"])

    response = upload(client, events(good_row(1)), file_name="again.csv")

    assert response.status_code == 409
    assert response.json()["code"] == "ALREADY_IMPORTED"
    assert f"(batch {first['id']})" in response.json()["message"]


def test_unknown_mapping_profile_is_refused_with_its_code(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    response = upload(client, events(good_row(1)), profile="vendor-x")

    assert response.status_code == 400
    assert response.json()["code"] == "profile_missing"


def test_upload_without_a_file_names_the_missing_field(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    response = client.post("/api/v1/imports/", {"kind": "events"})

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["field_errors"]] == ["file"]


def test_executive_may_not_upload(client: Client, trust: Trust) -> None:
    client.force_login(trust.executive)

    response = upload(client, events(good_row(1)))

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_ward_manager_may_not_upload_event_extracts(client: Client, trust: Trust) -> None:
    client.force_login(trust.ward_manager)

    response = upload(client, events(good_row(1)))

    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def test_upload_must_name_the_programme_when_the_user_has_several(
    client: Client, trust: Trust
) -> None:
    other = f.ProgrammeFactory(organisation=trust.organisation, name="Second EPR")
    f.grant(trust.programme_manager, Role.PROGRAMME_MANAGER, other)
    client.force_login(trust.programme_manager)

    response = upload(client, events(good_row(1)))

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["field_errors"]] == ["programme"]


def test_upload_into_a_named_programme(client: Client, trust: Trust) -> None:
    other = f.ProgrammeFactory(organisation=trust.organisation, name="Second EPR")
    f.grant(trust.programme_manager, Role.PROGRAMME_MANAGER, other)
    client.force_login(trust.programme_manager)

    response = upload(client, events(good_row(1)), programme=other.pk)

    assert response.status_code == 202
    assert response.json()["programme"] == other.pk


def test_ward_manager_lists_only_their_own_batches(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)
    upload(client, events(good_row(1)))
    client.force_login(trust.ward_manager)
    staff_file = f"{STAFF_HEADER}\nS900,Dana New,nursing,Staff Nurse,N/WA,2025-01-01,EPR9\n"
    own = upload(client, staff_file, kind="staff", file_name="staff.csv").json()

    listed = client.get("/api/v1/imports/").json()

    assert [batch["id"] for batch in listed["results"]] == [own["id"]]


def test_programme_manager_lists_every_batch_of_their_programme(
    client: Client, trust: Trust
) -> None:
    client.force_login(trust.ward_manager)
    staff_file = f"{STAFF_HEADER}\nS900,Dana New,nursing,Staff Nurse,N/WA,2025-01-01,EPR9\n"
    upload(client, staff_file, kind="staff", file_name="staff.csv")
    client.force_login(trust.programme_manager)
    upload(client, events(good_row(1)))

    listed = client.get("/api/v1/imports/").json()

    assert listed["count"] == 2


def test_batch_list_filters_by_kind_and_status(
    client: Client, trust: Trust, import_file: Any
) -> None:
    committed = import_file(events(good_row(1)))
    import_file(events(BAD_ROW))
    client.force_login(trust.programme_manager)

    listed = client.get("/api/v1/imports/", {"kind": "events", "status": "committed"}).json()

    assert [batch["id"] for batch in listed["results"]] == [committed.pk]


def test_batch_list_refuses_an_unknown_status(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    response = client.get("/api/v1/imports/", {"status": "done"})

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["field_errors"]] == ["status"]


def test_batch_detail_shows_counters_status_and_message(
    client: Client, trust: Trust, import_file: Any
) -> None:
    batch = import_file(events(good_row(1), good_row(2)))
    client.force_login(trust.programme_manager)

    body = client.get(f"/api/v1/imports/{batch.pk}/").json()

    assert (body["status"], body["status_label"], body["message"]) == (
        "committed",
        "Committed",
        "Committed.",
    )
    assert body["counters"] == {
        "read": 2,
        "inserted": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "duplicate": 0,
        "superseded": 0,
        "leavers": 0,
    }
    assert body["attempts"] == 1
    assert body["timings"]["finished_at"] is not None


def test_executive_cannot_see_someone_elses_batch(
    client: Client, trust: Trust, import_file: Any
) -> None:
    batch = import_file(events(good_row(1)))
    client.force_login(trust.executive)

    response = client.get(f"/api/v1/imports/{batch.pk}/")

    assert response.status_code == 404


def test_issues_are_listed_a_page_at_a_time(client: Client, trust: Trust, import_file: Any) -> None:
    bad = [f"E{n},2025-13-0{n} 09:00:00,login,,EPR1,nursing,N/WA," for n in range(1, 4)]
    batch = import_file(events(*bad))
    client.force_login(trust.programme_manager)

    page = client.get(f"/api/v1/imports/{batch.pk}/issues/", {"limit": 2}).json()

    assert page["count"] == 3
    assert [issue["line"] for issue in page["results"]] == [2, 3]
    assert page["results"][0]["code"] == "INVALID_DATE"
    assert page["results"][0]["column"] == "occurred_at"
    assert set(page["results"][0]) == {"line", "column", "code", "message", "value", "expected"}
    assert page["next"] is not None


def test_commit_valid_rows_queues_a_rejected_batch_again(
    client: Client, trust: Trust, import_file: Any
) -> None:
    lenient_profile(trust)
    batch = import_file(events(*[good_row(n) for n in range(1, 5)], BAD_ROW), profile="lenient")
    client.force_login(trust.programme_manager)

    response = client.post(
        f"/api/v1/imports/{batch.pk}/commit-valid-rows/",
        {"confirm": "commit-valid-rows-only"},
        content_type="application/json",
    )

    assert response.status_code == 202
    assert response["Location"].endswith(f"/api/v1/imports/{batch.pk}/")
    body = response.json()
    assert (body["status"], body["partial_allowed"], body["partial_confirmed_by"]) == (
        "queued",
        True,
        "pm",
    )


def test_commit_valid_rows_is_refused_for_a_committed_batch(
    client: Client, trust: Trust, import_file: Any
) -> None:
    batch = import_file(events(good_row(1)))
    client.force_login(trust.programme_manager)

    response = client.post(
        f"/api/v1/imports/{batch.pk}/commit-valid-rows/",
        {"confirm": "commit-valid-rows-only"},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "not_rejected"


def test_commit_valid_rows_is_refused_when_too_many_rows_were_rejected(
    client: Client, trust: Trust, import_file: Any
) -> None:
    batch = import_file(events(good_row(1), BAD_ROW))
    client.force_login(trust.programme_manager)

    response = client.post(
        f"/api/v1/imports/{batch.pk}/commit-valid-rows/",
        {"confirm": "commit-valid-rows-only"},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "too_many_rejected"
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.REJECTED


def test_executive_cannot_commit_valid_rows(client: Client, trust: Trust, import_file: Any) -> None:
    batch = import_file(events(good_row(1), BAD_ROW))
    client.force_login(trust.executive)

    response = client.post(
        f"/api/v1/imports/{batch.pk}/commit-valid-rows/",
        {"confirm": "commit-valid-rows-only"},
        content_type="application/json",
    )

    assert response.status_code == 403


def profile_body(**changes: Any) -> dict[str, Any]:
    spec = reference_profile("events").to_spec()
    spec["columns"] = {**spec["columns"], "occurred_at": "EVENT_TIME"}
    body = {"name": "vendor-audit", "kind": "events", "description": "Vendor X", "spec": spec}
    return body | changes


def test_programme_manager_creates_a_profile(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    response = client.post(
        "/api/v1/mapping-profiles/", profile_body(), content_type="application/json"
    )

    assert response.status_code == 201
    profile = MappingProfile.objects.get()
    assert (profile.programme, profile.updated_by) == (trust.programme, trust.programme_manager)
    assert profile.spec["columns"]["occurred_at"] == "EVENT_TIME"
    assert response["Location"].endswith(f"/api/v1/mapping-profiles/{profile.pk}/")


def test_profile_with_an_invalid_spec_is_refused_with_a_field_error_on_spec(
    client: Client, trust: Trust
) -> None:
    client.force_login(trust.programme_manager)
    body = profile_body(spec={"kind": "events", "columns": {"occurred_at": "EVENT_TIME"}})

    response = client.post("/api/v1/mapping-profiles/", body, content_type="application/json")

    assert response.status_code == 400
    errors = response.json()["field_errors"]
    assert [e["field"] for e in errors] == ["spec"]
    assert "required fields" in errors[0]["message"]
    assert not MappingProfile.objects.exists()


def test_profile_kind_must_agree_with_its_spec(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    response = client.post(
        "/api/v1/mapping-profiles/", profile_body(kind="staff"), content_type="application/json"
    )

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["field_errors"]] == ["kind"]


def test_profile_name_already_used_in_the_programme_is_refused(
    client: Client, trust: Trust
) -> None:
    lenient_profile(trust)
    client.force_login(trust.programme_manager)

    response = client.post(
        "/api/v1/mapping-profiles/", profile_body(name="lenient"), content_type="application/json"
    )

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["field_errors"]] == ["name"]


def test_executive_cannot_create_a_profile(client: Client, trust: Trust) -> None:
    client.force_login(trust.executive)

    response = client.post(
        "/api/v1/mapping-profiles/", profile_body(), content_type="application/json"
    )

    assert response.status_code == 403
    assert not MappingProfile.objects.exists()


def test_ward_manager_reads_profiles_but_cannot_change_them(client: Client, trust: Trust) -> None:
    profile = lenient_profile(trust)
    client.force_login(trust.ward_manager)

    listed = client.get("/api/v1/mapping-profiles/").json()
    response = client.patch(
        f"/api/v1/mapping-profiles/{profile.pk}/",
        {"description": "changed"},
        content_type="application/json",
    )

    assert [p["name"] for p in listed["results"]] == ["lenient"]
    assert response.status_code == 403


def test_exported_profile_imports_as_a_new_profile(client: Client, trust: Trust) -> None:
    original = lenient_profile(trust)
    client.force_login(trust.programme_manager)
    exported = client.get(f"/api/v1/mapping-profiles/{original.pk}/").json()
    body = {key: exported[key] for key in ("name", "kind", "description", "spec")}

    response = client.post(
        "/api/v1/mapping-profiles/", body | {"name": "copy"}, content_type="application/json"
    )

    assert response.status_code == 201
    assert MappingProfile.objects.get(name="copy").spec == original.spec


def test_programme_manager_updates_a_profiles_spec(client: Client, trust: Trust) -> None:
    profile = lenient_profile(trust)
    client.force_login(trust.programme_manager)
    spec = {**profile.spec, "time_zone": "UTC"}

    response = client.patch(
        f"/api/v1/mapping-profiles/{profile.pk}/", {"spec": spec}, content_type="application/json"
    )

    assert response.status_code == 200
    profile.refresh_from_db()
    assert (profile.name, profile.spec["time_zone"]) == ("lenient", "UTC")


def test_programme_manager_deletes_a_profile(client: Client, trust: Trust) -> None:
    profile = lenient_profile(trust)
    client.force_login(trust.programme_manager)

    response = client.delete(f"/api/v1/mapping-profiles/{profile.pk}/")

    assert response.status_code == 204
    assert not MappingProfile.objects.exists()


def test_schema_documents_the_upload_as_multipart_with_202_and_400(
    client: Client, trust: Trust
) -> None:
    client.force_login(trust.programme_manager)

    schema = client.get("/api/schema/", {"format": "json"}).json()

    upload_op = schema["paths"]["/api/v1/imports/"]["post"]
    assert {"202", "400", "403"} <= set(upload_op["responses"])
    assert "Location" in upload_op["responses"]["202"]["headers"]
    assert list(upload_op["requestBody"]["content"]) == ["multipart/form-data"]
    commit_op = schema["paths"]["/api/v1/imports/{id}/commit-valid-rows/"]["post"]
    assert "409" in commit_op["responses"]
