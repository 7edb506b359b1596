"""Imports never mix trusts, never lose data a file does not carry, never echo identifiers,
and never leave a batch looking busy after an unexpected failure."""

from __future__ import annotations

import gzip
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from adoption.analytics import rollups
from adoption.imports import loading, pipeline
from adoption.models import DailyUserActivity, Event, ImportBatch
from golive.models import Role, StaffMember
from tests import factories as f
from tests.conftest import EVENTS_HEADER, Trust

NHS = "9434765919"
STAFF_HEADER = "staff_number,full_name,role_group,job_title,area,start_date,epr_user_id"


def test_the_same_event_id_in_two_trusts_is_two_events(
    trust: Trust, import_file: Any, settings: Any
) -> None:
    import_file(f"{EVENTS_HEADER}\nE1,2026-10-01 09:00:00,login,,EPR1,,N/WA,\n")
    other_site = f.SiteFactory(code="X")
    f.AreaFactory(site=other_site, code="WX")
    other = f.ProgrammeFactory(organisation=other_site.organisation)
    f.grant(trust.programme_manager, Role.PROGRAMME_MANAGER, other)
    trust.programme = other  # the fixture uploads into trust.programme

    batch = import_file(f"{EVENTS_HEADER}\nE1,2026-10-01 09:00:00,login,,EPR1,,X/WX,\n")

    assert batch.rows_inserted == 1
    assert Event.objects.count() == 2


def test_staff_list_without_optional_columns_keeps_what_golive_has(
    trust: Trust, import_file: Any
) -> None:
    trust.staff_a.epr_user_id, trust.staff_a.job_title = "EPRA", "Sister"
    trust.staff_a.save()
    number = trust.staff_a.staff_number
    short_list = f"staff_number,full_name,role_group,area\n{number},Alice Renamed,nursing,N/WA\n"

    batch = import_file(short_list, kind="staff", profile="golive-staff")

    trust.staff_a.refresh_from_db()
    assert batch.rows_updated == 1
    assert (trust.staff_a.full_name, trust.staff_a.epr_user_id, trust.staff_a.job_title) == (
        "Alice Renamed",
        "EPRA",
        "Sister",
    )


def test_file_without_a_header_row_never_echoes_identifiers(trust: Trust, import_file: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        import_file(f"E1,2026-10-01 09:00:00,login,,EPR1,,N/WA,{NHS}\n" * 2)

    assert raised.value.code == "HEADER_MISMATCH"
    assert NHS not in raised.value.message


def test_every_member_of_a_multi_member_gzip_counts_towards_the_limit(
    trust: Trust, import_file: Any, settings: Any
) -> None:
    settings.IMPORT_MAX_BYTES = 5_000
    first = gzip.compress(f"{EVENTS_HEADER}\n".encode())
    second = gzip.compress(b"x" * 50_000)

    with pytest.raises(ValidationError) as raised:
        import_file(first + second, file_name="extract.csv.gz")

    assert raised.value.code == "FILE_TOO_LARGE"


def test_ward_manager_cannot_change_a_staff_member_from_another_ward(
    trust: Trust, import_file: Any
) -> None:
    number = trust.staff_b.staff_number
    row = f"{number},Bob Taken-Over,medical,Consultant,N/WA,,"

    batch = import_file(
        f"{STAFF_HEADER}\n{row}\n", kind="staff", profile="golive-staff", user=trust.ward_manager
    )

    assert batch.status == ImportBatch.Status.REJECTED
    assert list(batch.issues.values_list("code", flat=True)) == ["NOT_YOUR_AREA"]
    assert StaffMember.objects.get(pk=trust.staff_b.pk).full_name == "Bob Ward-B"


def test_unexpected_error_fails_the_batch_at_once_with_a_reference(
    trust: Trust, import_file: Any, monkeypatch: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise KeyError(NHS)

    monkeypatch.setattr(pipeline, "_validate", broken)

    batch = import_file(f"{EVENTS_HEADER}\nE1,2026-10-01 09:00:00,login,,EPR1,,N/WA,\n")

    assert batch.status == ImportBatch.Status.FAILED
    assert batch.message.startswith("Processing failed unexpectedly; nothing was imported.")
    assert f"IMPORT-{batch.pk}-1" in batch.message
    assert NHS not in batch.message
    assert batch.file_deleted_at is not None


def test_a_year_beyond_the_calendar_is_a_row_error_not_a_crash(
    trust: Trust, import_file: Any
) -> None:
    batch = import_file(f"{EVENTS_HEADER}\nE1,9999-12-31T23:59:59-01:00,login,,EPR1,,N/WA,\n")

    assert batch.status == ImportBatch.Status.REJECTED
    assert list(batch.issues.values_list("code", flat=True)) == ["INVALID_DATE"]


def test_daily_figures_use_the_trusts_local_day_whatever_zone_the_extract_uses(
    trust: Trust, import_file: Any
) -> None:
    from adoption.imports import services  # noqa: PLC0415

    spec = {
        "kind": "events",
        "columns": {
            "occurred_at": "when_utc",
            "event_type": "type",
            "user_id": "user",
            "area": "ward",
        },
        "time_zone": "UTC",
    }
    services.save_mapping_profile(
        programme=trust.programme,
        user=trust.programme_manager,
        name="utc-report",
        description="",
        spec=spec,
    )

    batch = import_file(
        "when_utc,type,user,ward\n2026-06-30 23:30:00,login,EPR1,N/WA\n"
        "2025-12-31 23:30:00,login,EPR1,N/WA\n",
        profile="utc-report",
    )

    assert batch.status == ImportBatch.Status.COMMITTED, list(batch.issues.values_list("message"))
    assert sorted(str(day) for day in Event.objects.values_list("local_date", flat=True)) == [
        "2025-12-31",  # 23:30 GMT
        "2026-07-01",  # 00:30 British Summer Time
    ]


def test_a_training_lead_in_one_programme_cannot_record_for_another(
    trust: Trust, import_file: Any
) -> None:
    from training.models import Course  # noqa: PLC0415

    lead = f.UserFactory()
    other = f.ProgrammeFactory(organisation=trust.organisation, name="Other programme")
    f.grant(lead, Role.TRAINING_LEAD, other)
    f.grant(lead, Role.WARD_MANAGER, trust.programme, [trust.ward_a])
    Course.objects.create(programme=trust.programme, code="C1", name="C1", delivery="e_learning")
    number = trust.staff_b.staff_number

    batch = import_file(
        f"staff_number,course,completed_on\n{number},C1,2026-09-01\n",
        kind="training",
        profile="golive-training",
        user=lead,
    )

    assert list(batch.issues.values_list("code", flat=True)) == ["NOT_YOUR_AREA"]


def test_an_area_with_events_cannot_be_deleted(trust: Trust, import_file: Any) -> None:
    from django.db.models import ProtectedError  # noqa: PLC0415

    import_file(f"{EVENTS_HEADER}\nE1,2026-10-01 09:00:00,login,,EPR1,,N/WA,\n")

    with pytest.raises(ProtectedError):
        trust.ward_a.delete()


def test_merge_refuses_rows_whose_area_vanished_during_validation(
    trust: Trust, import_file: Any, monkeypatch: Any
) -> None:
    real_validate = pipeline._validate

    def area_deleted_meanwhile(*args: Any, **kwargs: Any) -> Any:
        validated = real_validate(*args, **kwargs)
        trust.staff_b.areas.clear()
        from golive.models import Area  # noqa: PLC0415

        Area.objects.filter(pk=trust.ward_b.pk).delete()
        return validated

    monkeypatch.setattr(pipeline, "_validate", area_deleted_meanwhile)

    batch = import_file(f"{EVENTS_HEADER}\nE1,2026-10-01 09:00:00,login,,EPR1,,N/WB,\n")

    assert batch.status == ImportBatch.Status.FAILED
    assert Event.objects.count() == 0


def test_events_loaded_before_the_staff_list_count_for_their_staff_member_when_it_arrives(
    trust: Trust, import_file: Any
) -> None:
    extract = (
        f"{EVENTS_HEADER}\n"
        ",2026-01-15 09:00:00,login,,epr-new,,N/WA,\n"
        ",2026-01-15 09:05:00,login,,EPR-NEW,,N/WA,\n"
        ",2026-01-15 09:10:00,login,,EPR-OTHER,,N/WA,\n"
    )
    events_batch = import_file(extract)
    rollups.rollup_batch(events_batch.pk)
    assert not DailyUserActivity.objects.filter(staff__isnull=False).exists()

    staff_batch = import_file(
        f"{STAFF_HEADER}\nS900,Nia New,nursing,Staff Nurse,N/WA,,EPR-NEW\n",
        kind="staff",
        profile="golive-staff",
    )
    rollups.rollup_batch(staff_batch.pk)  # what the worker runs once the list commits

    newcomer = StaffMember.objects.get(staff_number="S900")
    linked = DailyUserActivity.objects.filter(staff=newcomer)
    assert sorted(linked.values_list("epr_user_id", flat=True)) == ["EPR-NEW", "epr-new"]
    unlinked = DailyUserActivity.objects.filter(staff__isnull=True)
    assert list(unlinked.values_list("epr_user_id", flat=True)) == ["EPR-OTHER"]


def test_recomputing_a_day_keeps_the_link_a_later_staff_list_made(
    trust: Trust, import_file: Any
) -> None:
    events_batch = import_file(f"{EVENTS_HEADER}\n,2026-01-15 09:00:00,login,,epr-new,,N/WA,\n")
    import_file(
        f"{STAFF_HEADER}\nS900,Nia New,nursing,Staff Nurse,N/WA,,EPR-NEW\n",
        kind="staff",
        profile="golive-staff",
    )

    rollups.rollup_batch(events_batch.pk)

    assert DailyUserActivity.objects.get().staff == StaffMember.objects.get(staff_number="S900")


def test_linking_to_staff_never_reaches_another_trusts_activity(
    trust: Trust, import_file: Any
) -> None:
    elsewhere = f.AreaFactory(site=f.SiteFactory(code="X"), code="WX")
    other_batch = import_file(f"{EVENTS_HEADER}\n,2026-01-15 09:00:00,login,,EPR-NEW,,N/WA,\n")
    Event.objects.update(area=elsewhere)  # as if another trust had loaded it
    rollups.rollup_batch(other_batch.pk)

    staff_batch = import_file(
        f"{STAFF_HEADER}\nS900,Nia New,nursing,Staff Nurse,N/WA,,EPR-NEW\n",
        kind="staff",
        profile="golive-staff",
    )
    rollups.rollup_batch(staff_batch.pk)
    rollups.rebuild_all()

    assert DailyUserActivity.objects.get().staff_id is None


def test_duplicate_groups_beyond_the_report_cap_still_count_in_the_problem_total(
    trust: Trust, import_file: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loading, "DUPLICATE_REPORT_CAP", 2)
    rows = [f",2026-01-15 09:0{n}:00,login,,EPR1,,N/WA," for n in range(3)]

    batch = import_file(f"{EVENTS_HEADER}\n" + "\n".join(rows + rows) + "\n")

    assert batch.status == ImportBatch.Status.COMMITTED
    assert (batch.rows_inserted, batch.rows_duplicate) == (3, 3)
    assert batch.issues_total == 3
    assert batch.issues.count() == 2
