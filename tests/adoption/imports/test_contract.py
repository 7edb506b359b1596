"""Golden tests: one per error class of ../shared/IMPORT_CONTRACT.md, comparing the exact
report a user gets."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from adoption.models import Event, ImportBatch
from golive.models import StaffMember
from tests.conftest import EVENTS_HEADER, Trust

NHS = "9434765919"
Status = ImportBatch.Status


def events(*rows: str, header: str = EVENTS_HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def row(
    event_id: str = "E1",
    *,
    when: str = "2026-10-01 09:00:00",
    area: str = "N/WA",
    patient: str = NHS,
    event_type: str = "order_placed",
    user: str = "EPR1",
) -> str:
    return f"{event_id},{when},{event_type},pathology,{user},nursing,{area},{patient}"


def report(batch: ImportBatch) -> list[tuple[Any, ...]]:
    return list(batch.issues.values_list("line", "column", "code", "message", "value", "expected"))


def refused(import_file: Any, content: str | bytes, **kwargs: Any) -> ValidationError:
    with pytest.raises(ValidationError) as raised:
        import_file(content, **kwargs)
    return raised.value


def stored_files(settings: Any) -> list[Path]:
    folder = Path(settings.IMPORT_UPLOAD_DIR)
    return list(folder.iterdir()) if folder.exists() else []


def test_too_large_file_is_refused_with_size_and_limit(
    trust: Trust, import_file: Any, settings: Any
) -> None:
    settings.IMPORT_MAX_BYTES = 100

    error = refused(import_file, events(row(), row("E2"), row("E3")))

    assert error.code == "FILE_TOO_LARGE"
    assert error.message == (
        "The file is larger than the limit of 100 bytes. Split the extract by date range and "
        "upload the parts."
    )
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00 rest of an xlsx",
         "This is a ZIP or Excel (.xlsx) file, not a CSV. Save or export it as "
         "'CSV UTF-8 (comma delimited)' and upload that."),
        (b"event_id,occurred_at\x00\x00\x01\n",
         "The file contains binary data (NUL bytes), so it is not a text CSV. Export the "
         "report as CSV and upload that."),
    ],
)  # fmt: skip
def test_binary_file_renamed_to_csv_is_refused(
    trust: Trust, import_file: Any, settings: Any, content: bytes, message: str
) -> None:
    error = refused(import_file, content)

    assert (error.code, error.message) == ("FILE_NOT_TEXT_CSV", message)
    assert stored_files(settings) == []


def test_compressed_bomb_is_stopped_at_the_uncompressed_limit(
    trust: Trust, import_file: Any, settings: Any
) -> None:
    settings.IMPORT_MAX_BYTES = 1_000_000
    bomb = gzip.compress(events(row()).encode() + b"x" * 50_000_000)

    error = refused(import_file, bomb, file_name="extract.csv.gz")

    assert len(bomb) < 100_000
    assert error.code == "FILE_TOO_LARGE"
    assert error.message.startswith("The file is 1.0 MB when uncompressed; the limit is 1.0 MB.")


def test_windows_1252_text_is_refused_with_line_and_byte_offset(
    trust: Trust, import_file: Any
) -> None:
    content = events(row(), row("E2")).encode() + "E3,£\n".encode("cp1252")

    error = refused(import_file, content)

    assert error.code == "FILE_ENCODING"
    assert error.message == (
        "Line 4 is not valid UTF-8 (byte 226 of the file). Re-export the file as UTF-8 "
        "(in Excel: 'CSV UTF-8')."
    )


def test_encoding_error_beyond_the_first_block_rejects_the_batch_in_the_worker(
    trust: Trust, import_file: Any
) -> None:
    good = [row(f"E{n}", when=f"2026-10-01 09:{n % 60:02d}:00") for n in range(2000)]
    content = events(*good).encode() + "E9,caf\xe9\n".encode("latin-1")

    batch = import_file(content)

    assert batch.status == Status.REJECTED
    assert [(line, code) for line, _, code, *_ in report(batch)] == [(2002, "FILE_ENCODING")]
    assert Event.objects.count() == 0


def test_utf8_byte_order_mark_is_accepted(trust: Trust, import_file: Any) -> None:
    batch = import_file("\ufeff" + events(row()))

    assert batch.status == Status.COMMITTED


def test_missing_required_column_is_refused_before_rows_are_read(
    trust: Trust, import_file: Any
) -> None:
    header = EVENTS_HEADER.replace(",area,", ",ward,")

    error = refused(import_file, events(row(), header=header))

    assert error.code == "HEADER_MISMATCH"
    assert error.message == (
        "Required columns are missing: area. Expected the columns event_id, occurred_at, "
        "event_type, order_type, user_id, role, area, patient_id; found event_id, occurred_at, "
        "event_type, order_type, user_id, role, ward, patient_id. Check that the mapping "
        "profile 'golive-events' matches this report."
    )


def test_unknown_columns_are_dropped_with_one_notice_each(trust: Trust, import_file: Any) -> None:
    batch = import_file(events(row() + ",X", header=EVENTS_HEADER + ",NHS_NUMBER"))

    assert batch.status == Status.COMMITTED
    assert batch.notices == [
        "Column 'NHS_NUMBER' is not needed and was not stored.",
        "1 EPR user id is not on the staff list; their events were kept, and are linked to "
        "the staff member when a staff list gives them the id.",
    ]


def test_header_only_file_has_no_data_rows(trust: Trust, import_file: Any) -> None:
    error = refused(import_file, events())

    assert (error.code, error.message) == (
        "NO_DATA_ROWS",
        "The file has a header but no data rows.",
    )


def test_same_file_again_is_refused_as_already_imported(trust: Trust, import_file: Any) -> None:
    first = import_file(events(row()))

    error = refused(import_file, events(row()))

    assert error.code == "ALREADY_IMPORTED"
    assert f"by pm (batch {first.pk}); nothing changed." in error.message
    assert Event.objects.count() == 1


def test_rows_with_problems_are_all_reported_with_line_column_and_expected_format(
    trust: Trust, import_file: Any
) -> None:
    batch = import_file(
        events(
            row("E1"),
            "E2,2026-10-01 09:00:00,login",
            row("E3", when="2025-13-01 10:00:00"),
            row("E4", when="2099-01-01 10:00:00"),
            row("E5", area="W9"),
            row("E6", patient="9434765918"),
            row("E7", event_type="LOGON"),
            row("E8", user="U" * 65),
        )
    )

    assert batch.status == Status.REJECTED
    assert (batch.rows_read, batch.rows_rejected, batch.rows_inserted) == (8, 7, 0)
    assert report(batch) == [
        (3, "", "COLUMN_COUNT", "This row has 3 cells; the header has 8.", "", "8 cells"),
        (4, "occurred_at", "INVALID_DATE", "'2025-13-01 10:00:00' is not a valid date and time.",
         "2025-13-01 10:00:00", "YYYY-MM-DD HH:MM:SS"),
        (5, "occurred_at", "DATE_OUT_OF_RANGE",
         "'2099-01-01 10:00:00' is in the future or before 2000.", "2099-01-01 10:00:00",
         "a date between 2000 and now"),
        (6, "area", "UNKNOWN_AREA",
         "'W9' is not an area Golive knows. Add it to the profile's area value map or create "
         "the area.", "W9", "SITE/AREA code, e.g. NGH/W7B"),
        (7, "patient_id", "INVALID_IDENTIFIER",
         "Not a valid NHS number (10 digits with a correct check digit).", "********18",
         "10-digit NHS number"),
        (8, "event_type", "UNKNOWN_CODE",
         "'LOGON' is not a known event type. Add it to the profile's value map for event_type.",
         "LOGON", "login, login_failed, order_placed, result_viewed, note_signed, "
         "documentation, medication_administered, procedure_recorded"),
        (9, "user_id", "FIELD_TOO_LONG", "65 characters; at most 64 fit.",
         "*" * 63 + "UU", "at most 64 characters"),
    ]  # fmt: skip
    assert "nothing was imported" in batch.message
    assert Event.objects.count() == 0


def test_duplicate_rows_in_a_file_are_counted_once_and_reported(
    trust: Trust, import_file: Any
) -> None:
    batch = import_file(events(row("E1"), row("E2"), row("E1")))

    assert batch.status == Status.COMMITTED
    assert (batch.rows_read, batch.rows_inserted, batch.rows_duplicate) == (3, 2, 1)
    assert report(batch) == [
        (2, "", "DUPLICATE_IN_FILE", "The same record appears on lines 2, 4; it was counted once.",
         "", ""),
    ]  # fmt: skip


def test_formula_looking_text_is_stored_as_literal_text(trust: Trust, import_file: Any) -> None:
    staff = "staff_number,full_name,role_group,job_title,area,start_date,epr_user_id\n" + (
        'N900,"=HYPERLINK(""http://x"")",nursing,Nurse,N/WA,2020-01-01,EPR900\n'
    )

    batch = import_file(staff, kind="staff", profile="golive-staff")

    assert batch.status == Status.COMMITTED
    assert StaffMember.objects.get(staff_number="N900").full_name == '=HYPERLINK("http://x")'


def test_ward_manager_rows_for_another_ward_are_rejected_not_your_area(
    trust: Trust, import_file: Any
) -> None:
    staff = "staff_number,full_name,role_group,job_title,area,start_date,epr_user_id\n" + (
        "N901,Dee Ward-A,nursing,Nurse,N/WA,2020-01-01,\nN902,Eve Ward-B,nursing,Nurse,N/WB,,\n"
    )

    batch = import_file(staff, kind="staff", profile="golive-staff", user=trust.ward_manager)

    assert batch.status == Status.REJECTED
    assert report(batch) == [
        (3, "area", "NOT_YOUR_AREA",
         "'N/WB' is not one of your areas, so you cannot load rows for it.", "N/WB", ""),
    ]  # fmt: skip
    assert not StaffMember.objects.filter(staff_number__in=["N901", "N902"]).exists()


def test_staff_row_giving_an_epr_user_id_to_a_second_person_is_rejected(
    trust: Trust, import_file: Any
) -> None:
    trust.staff_a.epr_user_id = "EPR777"
    trust.staff_a.save()
    staff = "staff_number,full_name,role_group,job_title,area,start_date,epr_user_id\n" + (
        "N903,Fay Ward-A,nursing,Nurse,N/WA,,EPR777\n"
        "N904,Gus Ward-A,nursing,Nurse,N/WA,,EPR888\nN905,Hal Ward-A,nursing,Nurse,N/WA,,epr888\n"
    )

    batch = import_file(staff, kind="staff", profile="golive-staff")

    assert batch.status == Status.REJECTED
    assert report(batch) == [
        (2, "epr_user_id", "DUPLICATE_IDENTIFIER",
         f"This EPR user id already belongs to staff number {trust.staff_a.staff_number}.",
         "****77", "a unique EPR user id"),
        (4, "epr_user_id", "DUPLICATE_IDENTIFIER",
         "This EPR user id already belongs to staff number N904.", "****88",
         "a unique EPR user id"),
    ]  # fmt: skip


def test_nhs_number_in_a_non_patient_column_is_refused_at_upload_masked(
    trust: Trust, import_file: Any, settings: Any
) -> None:
    error = refused(import_file, events(row(user=NHS)))

    assert error.code == "IDENTIFIER_IN_WRONG_COLUMN"
    assert error.message == (
        "Column 'user_id' (read as user_id) holds an NHS number on line 2 (********19). NHS "
        "numbers may only be in the patient identifier column, so nothing was imported: check "
        "that the mapping profile 'golive-events' maps the right source columns."
    )
    assert stored_files(settings) == []


def test_nhs_number_in_a_non_patient_column_further_down_rejects_the_whole_file(
    trust: Trust, import_file: Any
) -> None:
    spaced = "943 476 5919"
    batch = import_file(events(row("E1"), row("E2"), f"E3,2026-10-01 09:00:00,login,,{spaced},"
                                                     "nursing,N/WA,"))  # fmt: skip

    assert batch.status == Status.REJECTED
    assert report(batch) == [
        (4, "user_id", "IDENTIFIER_IN_WRONG_COLUMN",
         "Column 'user_id' (read as user_id) holds an NHS number on line 4 (**********19). NHS "
         "numbers may only be in the patient identifier column, so nothing was imported: check "
         "that the mapping profile 'golive-events' maps the right source columns.",
         "**********19", ""),
    ]  # fmt: skip
    assert Event.objects.count() == 0
    assert not Event.objects.filter(epr_user_id__contains="5919").exists()


def test_staff_list_with_nhs_numbers_as_epr_user_ids_is_refused(
    trust: Trust, import_file: Any
) -> None:
    staff = "staff_number,full_name,role_group,job_title,area,start_date,epr_user_id\n" + (
        f"N906,Ivy Ward-A,nursing,Nurse,N/WA,,EPR906\nN907,Jo Ward-A,nursing,Nurse,N/WA,,{NHS}\n"
    )

    batch = import_file(staff, kind="staff", profile="golive-staff")

    assert batch.status == Status.REJECTED
    assert [(line, column, code) for line, column, code, *_ in report(batch)] == [
        (3, "epr_user_id", "IDENTIFIER_IN_WRONG_COLUMN")
    ]
    assert not StaffMember.objects.filter(staff_number__in=["N906", "N907"]).exists()


def test_line_longer_than_the_cap_is_refused_at_upload(
    trust: Trust, import_file: Any, settings: Any
) -> None:
    settings.IMPORT_MAX_LINE_BYTES = 100_000
    content = gzip.compress(events(row()).encode() + b"E2," + b"x" * 20_000_000 + b"\n")

    error = refused(import_file, content, file_name="extract.csv.gz")

    assert error.code == "LINE_TOO_LONG"
    assert error.message == (
        "Line 3 is longer than 100.0 KB, far longer than any row of an extract, so the file "
        "was not read further. Check that this is the right file, exported as CSV with one "
        "row per line."
    )
    assert stored_files(settings) == []
