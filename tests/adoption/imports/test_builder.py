from __future__ import annotations

import gzip
import io
import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from adoption.imports import builder, services
from adoption.imports.builder_forms import CodesForm
from adoption.imports.builder_views import STATE_KEY
from adoption.imports.demo import BUILT_PROFILE_NAME, seed_built_profile
from adoption.imports.files import FileRefused
from adoption.imports.profiles import BUILTIN_NAMES, ProfileError, builtin_profile, parse_spec
from adoption.models import ImportBatch, MappingProfile
from golive.models import Area
from tests.conftest import Trust

NHS_NUMBER = "9434765919"
HEADER = "AUDIT_ID,EVENT_TIME,ACTION,USERNAME,WARD,NHS_NUMBER"
BUILD = "/adoption/profiles/build/"


def vendor_rows() -> list[str]:
    """Three actions (LOGON most), two wards written the vendor's way, one NHS number."""
    rows = []
    for n in range(1, 11):
        action = "LOGON" if n <= 6 else "Ord Sign" if n <= 9 else "RES_VIEW"
        ward = "Ward A" if n % 2 else "wb"
        rows.append(f"A{n},01/10/2026 09:{n:02d},{action},EPR{n % 3},{ward},{NHS_NUMBER}")
    return rows


def sample(text: str | None = None, name: str = "vendor.csv") -> SimpleUploadedFile:
    content = text if text is not None else "\n".join([HEADER, *vendor_rows()]) + "\n"
    return SimpleUploadedFile(name, content.encode(), content_type="text/csv")


def upload_sample(client: Client, file: SimpleUploadedFile | None = None) -> Any:
    return client.post(
        BUILD, {"source": "sample", "sample-kind": "events", "sample-file": file or sample()}
    )


def columns_step(client: Client, **changes: str) -> Any:
    data = {
        "column_0": "event_id",
        "column_1": "occurred_at",
        "column_2": "event_type",
        "column_3": "user_id",
        "column_4": "area",
        "column_5": "patient_id",
        "date_format": "%d/%m/%Y %H:%M",
        "time_zone": "Europe/London",
        "patient_id_type": "nhs_number",
        **changes,
    }
    return client.post("/adoption/profiles/build/columns/", data)


def code_field(name: str, value: str) -> str:
    """The step-2 form field of a coded value."""
    return CodesForm.key(name, value)


def events_spec(**changes: Any) -> dict[str, Any]:
    columns = {"occurred_at": "When", "event_type": "What", "user_id": "Who", "area": "Ward"}
    return {"kind": "events", "columns": columns, **changes}


# Analysing a sample (pure).


def test_sample_columns_are_proposed_from_header_names_and_synonyms() -> None:
    header = ["AUDIT_ID", "Event Time", "ACTION", "USERNAME", "LOCATION", "NHS_NUMBER"]

    proposed = builder.propose_columns("events", header)

    assert proposed == {
        "event_id": "AUDIT_ID",
        "occurred_at": "Event Time",
        "event_type": "ACTION",
        "user_id": "USERNAME",
        "area": "LOCATION",
        "patient_id": "NHS_NUMBER",
    }


def test_day_first_dates_are_detected() -> None:
    assert builder.detect_date_format(["01/10/2026 09:05", "13/10/2026 17:30"]) == "%d/%m/%Y %H:%M"
    assert builder.detect_date_format(["2026-10-01 09:05:00"]) == "iso"


def test_analysis_lists_distinct_values_with_row_counts_most_rows_first() -> None:
    header, rows, _ = builder.read_sample(sample())

    analysis = builder.analyse("events", header, rows, source="vendor.csv", truncated=False)

    action = next(c for c in analysis["columns"] if c["name"] == "ACTION")
    assert action["distinct"] == [["LOGON", 6], ["Ord Sign", 3], ["RES_VIEW", 1]]


def test_a_gzipped_sample_is_read() -> None:
    data = gzip.compress(("\n".join([HEADER, *vendor_rows()]) + "\n").encode())

    header, rows, more = builder.read_sample(io.BytesIO(data))

    assert (header[0], len(rows), more) == ("AUDIT_ID", 10, False)


def test_unmapped_values_leave_out_codes_that_already_map() -> None:
    header, rows, _ = builder.read_sample(sample())
    analysis = builder.analyse("events", header, rows, source="", truncated=False)
    spec = events_spec(
        columns={"occurred_at": "EVENT_TIME", "event_type": "ACTION", "user_id": "USERNAME"}
        | {"area": "WARD"},
        value_maps={"event_type": {"logon": "login"}},
    )

    found = builder.unmapped_values(spec, analysis, {"area": {"N/WB", "WB"}})

    assert found == {"event_type": [["Ord Sign", 3], ["RES_VIEW", 1]], "area": [["Ward A", 5]]}


# The builder pages.


@pytest.fixture
def pm(client: Client, trust: Trust) -> Client:
    client.force_login(trust.programme_manager)
    return client


def test_uploading_a_sample_proposes_a_field_for_each_column(pm: Client) -> None:
    response = upload_sample(pm)

    assert response["Location"] == "/adoption/profiles/build/columns/"
    page = pm.get("/adoption/profiles/build/columns/").content.decode()
    assert '<option value="occurred_at" selected>' in page
    assert 'value="%d/%m/%Y %H:%M"' in page


def test_the_codes_step_lists_unmapped_values_with_their_row_counts(pm: Client) -> None:
    upload_sample(pm)
    columns_step(pm)

    page = pm.get("/adoption/profiles/build/codes/").content.decode()

    assert "LOGON (6 rows)" in page
    assert "Ord Sign (3 rows)" in page
    assert "Ward A (5 rows)" in page
    assert "wb (" not in page  # a bare code of the trust maps already
    assert "N/WA — Ward A" in page


def test_nhs_numbers_from_a_sample_appear_in_no_page_nor_the_session(pm: Client) -> None:
    upload_sample(pm)
    pages = [pm.get("/adoption/profiles/build/columns/").content.decode()]
    columns_step(pm)
    pages.append(pm.get("/adoption/profiles/build/codes/").content.decode())
    pages.append(pm.get("/adoption/profiles/build/save/").content.decode())

    assert all(NHS_NUMBER not in page for page in pages)
    assert "********19" in pages[0]
    assert NHS_NUMBER not in json.dumps(pm.session[STATE_KEY])


def test_a_profile_saved_from_the_builder_imports_the_sample(
    pm: Client, trust: Trust, import_file: Any
) -> None:
    upload_sample(pm)
    columns_step(pm)
    pm.post(
        "/adoption/profiles/build/codes/",
        {
            "action": "map",
            code_field("event_type", "LOGON"): "login",
            code_field("event_type", "Ord Sign"): "order_placed",
            code_field("event_type", "RES_VIEW"): "result_viewed",
            code_field("area", "Ward A"): "N/WA",
        },
    )
    response = pm.post(
        "/adoption/profiles/build/save/", {"name": "Vendor audit", "description": ""}
    )

    assert response["Location"] == "/adoption/profiles/"
    profile = MappingProfile.objects.get(name="Vendor audit")
    assert profile.spec["value_maps"]["event_type"]["Ord Sign"] == "order_placed"
    batch = import_file("\n".join([HEADER, *vendor_rows()]) + "\n", profile="Vendor audit")
    assert (batch.status, batch.rows_inserted) == (ImportBatch.Status.COMMITTED, 10)
    assert STATE_KEY not in pm.session


def test_an_administrator_creates_an_area_from_the_codes_step(pm: Client, trust: Trust) -> None:
    upload_sample(pm)
    columns_step(pm)

    pm.post(
        "/adoption/profiles/build/codes/",
        {
            "action": "create_area",
            "area-site": trust.ward_a.site_id,
            "area-code": "W7B",
            "area-name": "Ward 7B",
            "area-area_type": "ward",
        },
    )

    assert Area.objects.filter(code="W7B", site=trust.ward_a.site).exists()
    assert "N/W7B — Ward 7B" in pm.get("/adoption/profiles/build/codes/").content.decode()


def test_a_sample_that_is_not_a_csv_is_refused_on_the_form(pm: Client) -> None:
    response = upload_sample(pm, SimpleUploadedFile("x.csv", b"PK\x03\x04rest", "text/csv"))

    assert response.status_code == 200
    assert "This is a ZIP or Excel (.xlsx) file" in response.content.decode()


def test_a_user_who_may_not_edit_profiles_gets_403(client: Client, trust: Trust) -> None:
    client.force_login(trust.ward_manager)

    assert client.get(BUILD).status_code == 403
    assert upload_sample(client).status_code == 403


def test_a_profile_of_another_programme_cannot_be_built_on(pm: Client, trust: Trust) -> None:
    from tests import factories as f  # noqa: PLC0415

    other = f.ProgrammeFactory(organisation=trust.organisation, name="Other")
    profile = MappingProfile.objects.create(
        programme=other, name="Theirs", kind="events", spec=events_spec()
    )

    assert pm.get(f"/adoption/profiles/{profile.pk}/build/").status_code == 404
    response = pm.post(BUILD, {"source": "profile", "profile-start": f"saved:{profile.pk}"})
    assert response.status_code == 200  # not a choice offered: a form error
    assert STATE_KEY not in pm.session


# Saving: area targets, spelling, versions.


def test_an_area_target_the_trust_does_not_have_is_refused_naming_it(trust: Trust) -> None:
    spec = events_spec(value_maps={"area": {"Ward 7B": "N/W7Z"}})

    with pytest.raises(Exception) as refused:  # noqa: PT011 - a ValidationError dict
        services.save_mapping_profile(
            programme=trust.programme,
            user=trust.programme_manager,
            name="Vendor",
            description="",
            spec=spec,
        )

    assert "N/W7Z (for 'Ward 7B') is not an area of this trust." in str(refused.value)
    assert not MappingProfile.objects.exists()


def test_the_json_editor_refuses_a_bad_area_target_on_the_form(pm: Client) -> None:
    spec = events_spec(value_maps={"area": {"Ward 7B": "N/W7Z", "Ward A": "n/wa"}})

    response = pm.post(
        "/adoption/profiles/new/", {"name": "Vendor", "description": "", "spec": json.dumps(spec)}
    )

    assert (
        "N/W7Z (for &#x27;Ward 7B&#x27;) is not an area of this trust." in response.content.decode()
    )


def test_value_map_keys_keep_their_spelling_and_still_match_any_case(
    trust: Trust, import_file: Any
) -> None:
    spec = events_spec(value_maps={"event_type": {"Log On": "login"}, "area": {"Ward a": "N/WA"}})
    services.save_mapping_profile(
        programme=trust.programme, user=trust.programme_manager, name="V", description="", spec=spec
    )

    batch = import_file(
        "When,What,Who,Ward\n2026-10-01 09:00:00, LOG ON ,EPR1,WARD A\n", profile="V"
    )

    saved = MappingProfile.objects.get().spec
    assert saved["value_maps"] == {"event_type": {"Log On": "login"}, "area": {"Ward a": "N/WA"}}
    assert batch.status == ImportBatch.Status.COMMITTED


def test_two_keys_differing_only_by_case_or_spaces_are_refused() -> None:
    with pytest.raises(ProfileError, match="has both 'RN' and ' rn '"):
        parse_spec("x", events_spec(value_maps={"role": {"RN": "nursing", " rn ": "medical"}}))


def test_versions_count_up_and_batches_record_the_one_they_used(
    trust: Trust, import_file: Any
) -> None:
    saved = services.save_mapping_profile(
        programme=trust.programme,
        user=trust.programme_manager,
        name="V",
        description="",
        spec=events_spec(),
    )
    services.save_mapping_profile(
        programme=trust.programme,
        user=trust.programme_manager,
        name="V",
        description="",
        spec=events_spec(value_maps={"event_type": {"Log On": "login"}}),
        profile=saved,
    )

    batch = import_file("When,What,Who,Ward\n2026-10-01 09:00:00,Log On,EPR1,N/WA\n", profile="V")

    assert batch.profile_version == 2


def test_history_lists_versions_and_downloads_an_old_one(pm: Client, trust: Trust) -> None:
    saved = services.save_mapping_profile(
        programme=trust.programme,
        user=trust.programme_manager,
        name="V",
        description="",
        spec=events_spec(),
    )
    services.save_mapping_profile(
        programme=trust.programme,
        user=trust.programme_manager,
        name="V",
        description="",
        spec=events_spec(date_format="%d/%m/%Y %H:%M"),
        profile=saved,
    )
    first = saved.history.order_by("history_id").first()

    page = pm.get(f"/adoption/profiles/{saved.pk}/history/").content.decode()
    download = pm.get(f"/adoption/profiles/{saved.pk}/history/{first.history_id}.json").json()

    assert "v2" in page
    assert "v1 (created)" in page
    assert (download["version"], download["spec"].get("date_format", "iso")) == (1, "iso")


def test_the_json_export_round_trips_composite_columns_and_spelling(
    pm: Client, trust: Trust
) -> None:
    spec = events_spec(
        value_maps={"event_type": {"Log On": "login"}},
        composite_columns={"event_id": ["TABLE", "ROW_ID"]},
    )
    saved = services.save_mapping_profile(
        programme=trust.programme, user=trust.programme_manager, name="V", description="", spec=spec
    )
    exported = pm.get(f"/adoption/profiles/{saved.pk}/export/").content

    pm.post("/adoption/profiles/import/", {"file": SimpleUploadedFile("v.json", exported)})

    again = MappingProfile.objects.get()
    assert again.spec["composite_columns"] == {"event_id": ["TABLE", "ROW_ID"]}
    assert again.spec["value_maps"] == {"event_type": {"Log On": "login"}}
    assert again.version == 1  # the same spec: no new version


def test_the_demo_seeds_a_built_profile_at_version_two_once(trust: Trust) -> None:
    seed_built_profile(programme=trust.programme, user=trust.programme_manager)
    seed_built_profile(programme=trust.programme, user=trust.programme_manager)

    profile = MappingProfile.objects.get(name=BUILT_PROFILE_NAME)
    assert (profile.version, profile.history.count()) == (2, 2)
    assert profile.spec["value_maps"]["event_type"]["Log On"] == "login"


def test_starting_from_a_rejected_batch_lists_its_unknown_values(
    pm: Client, trust: Trust, import_file: Any
) -> None:
    services.save_mapping_profile(
        programme=trust.programme,
        user=trust.programme_manager,
        name="V",
        description="",
        spec=events_spec(),
    )
    batch = import_file("When,What,Who,Ward\n2026-10-01 09:00:00,Zap,EPR1,N/WA\n", profile="V")
    batch.unknown_values = {"event_type": {"column": "What", "values": [["Zap", 7]], "distinct": 1}}
    batch.save(update_fields=["unknown_values"])

    pm.post(BUILD, {"source": "batch", "batch-start": str(batch.pk)})
    page = pm.get("/adoption/profiles/build/codes/").content.decode()

    assert batch.status == ImportBatch.Status.REJECTED
    assert "Zap (7 rows)" in page
    assert pm.session[STATE_KEY]["profile_id"] == MappingProfile.objects.get().pk


def test_starting_from_a_built_in_profile_keeps_its_columns(pm: Client) -> None:
    pm.post(BUILD, {"source": "profile", "profile-start": "builtin:golive-staff"})

    page = pm.get("/adoption/profiles/build/columns/").content.decode()

    assert "Golive field for staff_number" in page
    assert pm.session[STATE_KEY]["spec"]["kind"] == "staff"


def test_checking_a_profile_against_a_sample_keeps_its_maps_and_counts_a_version(
    pm: Client, trust: Trust
) -> None:
    spec = events_spec(
        columns={"occurred_at": "EVENT_TIME", "event_type": "ACTION", "user_id": "USERNAME"}
        | {"area": "WARD"},
        value_maps={"event_type": {"Logon": "login"}},
        date_format="%d/%m/%Y %H:%M",
    )
    saved = services.save_mapping_profile(
        programme=trust.programme, user=trust.programme_manager, name="V", description="", spec=spec
    )

    pm.post(
        f"/adoption/profiles/{saved.pk}/build/",
        {"source": "sample", "sample-kind": "events", "sample-file": sample()},
    )
    columns_step(pm)
    codes = pm.get("/adoption/profiles/build/codes/").content.decode()
    pm.post(
        "/adoption/profiles/build/codes/",
        {"action": "map", code_field("event_type", "Ord Sign"): "order_placed"},
    )
    pm.post("/adoption/profiles/build/save/", {"name": "V", "description": ""})

    saved.refresh_from_db()
    assert "LOGON (" not in codes
    assert saved.version == 2
    assert saved.spec["value_maps"]["event_type"] == {"Logon": "login", "Ord Sign": "order_placed"}


def test_a_course_target_the_programme_does_not_have_is_refused(trust: Trust) -> None:
    spec = {
        "kind": "training",
        "columns": {"staff_number": "Staff", "course": "Course", "completed_on": "Date"},
        "value_maps": {"course": {"EPR Basics": "EPR999"}},
    }

    with pytest.raises(Exception, match=r"EPR999 \(for 'EPR Basics'\) is not a course"):
        services.save_mapping_profile(
            programme=trust.programme,
            user=trust.programme_manager,
            name="T",
            description="",
            spec=spec,
        )


def test_the_history_of_another_programmes_profile_is_not_found(pm: Client, trust: Trust) -> None:
    from tests import factories as f  # noqa: PLC0415

    other = f.ProgrammeFactory(organisation=trust.organisation, name="Other")
    profile = MappingProfile.objects.create(
        programme=other, name="Theirs", kind="events", spec=events_spec()
    )

    assert pm.get(f"/adoption/profiles/{profile.pk}/history/").status_code == 404


def test_only_the_start_of_a_large_sample_is_read(
    pm: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(builder, "SAMPLE_MAX_BYTES", 300)
    rows = [f"A{n},01/10/2026 09:00,LOGON,EPR1,Ward A,{NHS_NUMBER}" for n in range(100)]

    upload_sample(pm, sample("\n".join([HEADER, *rows]) + "\n"))
    page = pm.get("/adoption/profiles/build/columns/").content.decode()

    assert pm.session[STATE_KEY]["analysis"]["rows"] < 10
    assert "the rest of the file was not read" in page


def test_uploading_a_sample_needs_the_csrf_token(trust: Trust) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(trust.programme_manager)

    response = upload_sample(client)

    assert response.status_code == 403
    assert STATE_KEY not in client.session


def test_a_built_in_preset_is_offered_as_a_starting_point(pm: Client) -> None:
    preset = next(name for name in BUILTIN_NAMES if not name.startswith("golive-"))
    page = pm.get(BUILD).content.decode()

    pm.post(BUILD, {"source": "profile", "profile-start": f"builtin:{preset}"})

    assert f"{preset} (built in)" in page
    assert pm.session[STATE_KEY]["spec"] == builtin_profile(preset).to_spec()


# Samples the builder refuses, and what it keeps.


def test_a_sample_whose_first_line_is_data_is_refused_without_echoing_it(pm: Client) -> None:
    response = upload_sample(pm, sample("\n".join(vendor_rows()) + "\n"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "The first line looks like data, not column names: ********19" in page
    assert NHS_NUMBER not in page
    assert STATE_KEY not in pm.session


def test_a_hospital_number_in_the_first_line_is_masked_in_the_refusal() -> None:
    text = "EVENT_TIME,ACTION,H1234567\n01/10/2026 09:00,LOGON,H7654321\n"

    with pytest.raises(FileRefused, match=r"not column names: \*{6}67 ") as refused:
        builder.read_sample(io.BytesIO(text.encode()))

    assert "1234567" not in refused.value.message


def test_a_sample_whose_header_repeats_a_name_is_refused_as_the_import_would(
    pm: Client,
) -> None:
    text = "AUDIT_ID,EVENT_TIME,ACTION,ACTION\nA1,01/10/2026 09:00,LOGON,X\n"

    response = upload_sample(pm, sample(text))

    assert "The header repeats column names: ACTION." in response.content.decode()
    assert STATE_KEY not in pm.session


def test_a_sample_with_a_line_over_the_import_limit_is_refused(
    settings: Any,
) -> None:
    settings.IMPORT_MAX_LINE_BYTES = 1_000
    text = ",".join(f"C{n}" for n in range(400)) + "\n" + "x," * 399 + "x\n"

    with pytest.raises(FileRefused, match=r"Line 1 is longer than 1\.0 KB"):
        builder.read_sample(io.BytesIO(text.encode()))


def test_a_sample_with_more_than_a_thousand_columns_is_refused_on_the_form(
    pm: Client,
) -> None:
    text = ",".join(f"C{n}" for n in range(1_001)) + "\n" + "x," * 1_000 + "x\n"

    response = upload_sample(pm, sample(text))

    assert "The first line has 1,001 columns; the builder reads at most 1,000." in (
        response.content.decode()
    )
    assert STATE_KEY not in pm.session


def test_only_columns_feeding_a_coded_field_keep_their_values_in_the_session(
    pm: Client,
) -> None:
    upload_sample(pm)

    columns = pm.session[STATE_KEY]["analysis"]["columns"]

    assert [c["name"] for c in columns if c["distinct"] is not None] == ["ACTION", "WARD"]


def test_starting_over_drops_the_draft_from_the_session(pm: Client) -> None:
    upload_sample(pm)

    pm.get(BUILD)

    assert STATE_KEY not in pm.session


def test_codes_differing_only_by_case_are_listed_once_with_their_rows_summed(
    pm: Client,
) -> None:
    wards = ["Ward 7B", "Ward 7B", " WARD 7B ", "ward 7b"]
    rows = [f"A{n},01/10/2026 09:00,LOGON,EPR1,{ward},X" for n, ward in enumerate(wards)]
    upload_sample(pm, sample("\n".join([HEADER, *rows]) + "\n"))
    columns_step(pm)

    page = pm.get("/adoption/profiles/build/codes/").content.decode()

    assert "Ward 7B (4 rows)" in page
    assert "WARD 7B (" not in page
    assert "ward 7b (" not in page


def test_a_code_keeps_its_mapping_when_the_offered_list_changes_before_posting(
    pm: Client,
) -> None:
    upload_sample(pm)
    columns_step(pm)
    page = pm.get("/adoption/profiles/build/codes/").content.decode()
    label = re.search(r'<label[^>]*for="id_(map_event_type_\w+)"[^>]*>\s*Ord Sign', page)
    assert label is not None
    session = pm.session  # another tab maps LOGON, so it is no longer offered
    state = session[STATE_KEY]
    state["spec"]["value_maps"]["event_type"] = {"LOGON": "login"}
    session[STATE_KEY] = state
    session.save()

    pm.post("/adoption/profiles/build/codes/", {"action": "map", label[1]: "order_placed"})

    assert pm.session[STATE_KEY]["spec"]["value_maps"]["event_type"] == {
        "LOGON": "login",
        "Ord Sign": "order_placed",
    }
