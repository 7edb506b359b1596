"""Workforce sources: the ESR, OLM and e-roster presets, staff end dates, leavers marked from
full staff lists (and left out of denominators, rotas and nominations), and in-file
conflicts in staff lists and rosters."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from adoption.imports import pipeline, services
from adoption.imports.profiles import (
    BUILTIN_NAMES,
    ProfileError,
    builtin_profile,
    parse_spec,
)
from adoption.imports.roster import merge_roster
from adoption.imports.rows import forename_first
from adoption.imports.staff import merge_staff
from adoption.models import ImportBatch
from champions import rota
from champions.models import Designation, RotaEntry
from champions.selectors import area_designations, coverage_for, eligible_designations
from golive.access import Access
from golive.demo import DEMO_PROGRAMME, seed_demo
from golive.models import Programme, StaffMember, User
from tests import factories as f
from tests.champions.conftest import Champions
from tests.conftest import Trust
from training import selectors as training
from training.models import Completion, Course

SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "samples"
STAFF_HEADER = "staff_number,full_name,role_group,job_title,area,start_date,epr_user_id"
Status = ImportBatch.Status


def _run(
    trust: Trust,
    content: str,
    *,
    user: Any = None,
    kind: str = "staff",
    profile: str = "golive-staff",
    **flags: bool,
) -> ImportBatch:
    """Upload and run a batch, with ``flags`` (mark_leavers, partial_allowed) set on it
    first, as the upload options will."""
    batch = services.create_import_batch(
        user=user or trust.programme_manager,
        programme=trust.programme,
        kind=kind,
        profile_name=profile,
        upload=io.BytesIO(content.encode()),
        file_name="list.csv",
    )
    ImportBatch.objects.filter(pk=batch.pk).update(**{"mark_leavers": False, **flags})
    pipeline.run(batch.pk)
    batch.refresh_from_db()
    return batch


@pytest.fixture
def run(trust: Trust, settings: Any, tmp_path: Path) -> Any:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"
    return lambda content, **kwargs: _run(trust, content, **kwargs)


def staff_list(*rows: str) -> str:
    return "\n".join([STAFF_HEADER, *rows]) + "\n"


def row(member: StaffMember, area: str) -> str:
    return f"{member.staff_number},{member.full_name},nursing,,{area},,"


# Presets and samples.


@pytest.fixture
def demo(db: None, settings: Any, tmp_path: Path) -> Programme:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"
    seed_demo(staff_count=10, today=dt.date(2026, 11, 26))
    return Programme.objects.get(name=DEMO_PROGRAMME)


def _import_sample(programme: Programme, kind: str, profile: str, name: str) -> ImportBatch:
    batch = services.create_import_batch(
        user=User.objects.get(username="pm"),
        programme=programme,
        kind=kind,
        profile_name=profile,
        upload=io.BytesIO((SAMPLES / name).read_bytes()),
        file_name=name,
    )
    ImportBatch.objects.filter(pk=batch.pk).update(mark_leavers=False)
    pipeline.run(batch.pk)
    return ImportBatch.objects.get(pk=batch.pk)


def test_the_esr_sample_imports_into_the_demo_with_the_esr_preset(demo: Programme) -> None:
    batch = _import_sample(demo, "staff", "esr-staff", "esr-staff.csv")

    assert batch.status == Status.COMMITTED, batch.message
    assert batch.rows_inserted == 11
    grace = StaffMember.objects.get(staff_number="20100001")
    assert (grace.full_name, grace.role_group, grace.start_date) == (
        "Grace Adeyemi",
        "nursing",
        dt.date(2019, 4, 1),
    )
    assert StaffMember.objects.get(staff_number="20100005").end_date == dt.date(2026, 10, 31)
    assert StaffMember.objects.get(staff_number="20100007").role_group == "pharmacy"
    assert StaffMember.objects.get(staff_number="20100003").areas.count() == 2


def test_the_olm_sample_imports_completions_and_skips_rows_not_completed(
    demo: Programme,
) -> None:
    _import_sample(demo, "staff", "esr-staff", "esr-staff.csv")
    for code, name in (("EPR101", "EPR essentials"), ("EPR201", "Ward workflows in the EPR")):
        Course.objects.update_or_create(programme=demo, code=code, defaults={"name": name})

    batch = _import_sample(demo, "training", "olm-completions", "olm-completions.csv")

    assert batch.status == Status.COMMITTED, batch.message
    assert batch.rows_inserted == 4
    assert "2 rows are not completions (their status is not Completed) and were skipped." in (
        batch.notices
    )
    assert Completion.objects.filter(staff__staff_number="20100003").count() == 0


def test_the_eroster_sample_imports_a_night_shift_as_ending_the_next_morning(
    demo: Programme,
) -> None:
    _import_sample(demo, "staff", "esr-staff", "esr-staff.csv")

    batch = _import_sample(demo, "roster", "eroster-shifts", "eroster-shifts.csv")

    assert batch.status == Status.COMMITTED, batch.message
    assert batch.rows_inserted == 5
    night = RotaEntry.objects.get(
        staff__staff_number="20100001", starts_at__date=dt.date(2026, 12, 2)
    )
    assert timezone.localtime(night.ends_at) == dt.datetime(
        2026, 12, 3, 7, 30, tzinfo=timezone.get_current_timezone()
    )


def test_a_night_shift_over_the_autumn_clock_change_ends_at_the_local_time_written(
    trust: Trust, run: Any
) -> None:
    a = trust.staff_a.staff_number
    content = f"Staff Number,Unit,Shift Date,Start,End\n{a},N/WA,30/10/2032,20:00,08:00\n"

    batch = run(content, kind="roster", profile="eroster-shifts")

    shift = RotaEntry.objects.get()
    assert batch.status == Status.COMMITTED, batch.message
    assert shift.ends_at - shift.starts_at == dt.timedelta(hours=13)  # the clocks go back


def test_esr_names_written_surname_first_are_stored_forename_first() -> None:
    assert forename_first("Adeyemi, Mrs Grace") == "Grace Adeyemi"
    assert forename_first("O'Neill, Mary Anne") == "Mary Anne O'Neill"
    assert forename_first("Prince") == "Prince"


def test_a_profile_with_an_unknown_name_order_is_refused() -> None:
    spec = {**builtin_profile("esr-staff").to_spec(), "name_order": "backwards"}

    with pytest.raises(ProfileError, match="name_order"):
        parse_spec("mine", spec)


def test_every_built_in_profile_is_valid_and_found_by_name() -> None:
    for name, kind in BUILTIN_NAMES.items():
        profile = builtin_profile(name)
        assert (profile.name, profile.kind) == (name, kind)
        assert parse_spec(name, profile.to_spec()) == profile
    assert builtin_profile("esr-staff").full_extract


def test_a_saved_copy_of_the_esr_preset_maps_esr_organisations_to_areas(
    trust: Trust, run: Any
) -> None:
    spec = builtin_profile("esr-staff").to_spec()
    spec["value_maps"]["area"] = {"245 Ward A North": "N/WA"}
    services.save_mapping_profile(
        programme=trust.programme,
        user=trust.programme_manager,
        name="ESR (our trust)",
        description="",
        spec=spec,
    )
    content = (
        "Employee Number,Full Name,Staff Group,Job Role,Organisation,Assignment Start Date,"
        "Assignment End Date\n"
        '30000001,"Nolan, Dr Ada",Medical and Dental,Consultant,245 Ward A North,01/02/2020,\n'
    )

    batch = run(content, profile="ESR (our trust)")

    assert batch.status == Status.COMMITTED, batch.message
    assert list(StaffMember.objects.get(staff_number="30000001").areas.all()) == [trust.ward_a]


# End dates and leavers.


def test_a_staff_list_with_an_end_date_column_sets_end_dates(trust: Trust, run: Any) -> None:
    content = (
        f"{STAFF_HEADER},end_date\n"
        f"{trust.staff_a.staff_number},Alice Ward-A,nursing,,N/WA,,,2026-06-30\n"
    )

    batch = run(content)

    assert batch.status == Status.COMMITTED, batch.message
    trust.staff_a.refresh_from_db()
    assert trust.staff_a.end_date == dt.date(2026, 6, 30)


def test_a_full_staff_list_marks_staff_missing_from_it_as_leavers_from_today(
    trust: Trust, run: Any
) -> None:
    batch = run(
        staff_list(row(trust.staff_a, "N/WA")),
        mark_leavers=True,
    )

    today = timezone.localdate()
    assert batch.status == Status.COMMITTED, batch.message
    ended = dict(StaffMember.objects.values_list("full_name", "end_date"))
    assert ended == {"Alice Ward-A": None, "Bob Ward-B": today, "Carol Ward-C": today}
    assert (
        f"2 staff missing from this full list were marked as leavers from {today:%-d %b %Y}."
        in batch.notices
    )


def test_a_staff_list_not_marked_as_the_full_list_marks_no_leavers(trust: Trust, run: Any) -> None:
    run(staff_list(row(trust.staff_a, "N/WA")))

    assert not StaffMember.objects.exclude(end_date=None).exists()


def test_a_full_list_committed_with_rows_rejected_marks_no_leavers_and_says_why(
    trust: Trust, run: Any
) -> None:
    batch = run(staff_list(row(trust.staff_a, "N/WA")), mark_leavers=True, partial_allowed=True)

    assert not StaffMember.objects.exclude(end_date=None).exists()
    assert any("no one missing from this list was marked" in n for n in batch.notices)


def test_a_ward_managers_full_list_marks_only_staff_solely_in_their_wards(
    trust: Trust, run: Any
) -> None:
    both = f.StaffMemberFactory(organisation=trust.organisation, areas=[trust.ward_a, trust.ward_b])
    only_a = f.StaffMemberFactory(organisation=trust.organisation, areas=[trust.ward_a])

    batch = run(staff_list(row(trust.staff_a, "N/WA")), user=trust.ward_manager, mark_leavers=True)

    assert batch.status == Status.COMMITTED, batch.message
    leavers = set(StaffMember.objects.exclude(end_date=None).values_list("pk", flat=True))
    assert leavers == {only_a.pk}
    assert both.pk not in leavers
    assert any("work outside your areas" in notice for notice in batch.notices)


def test_a_programme_managers_full_list_leaves_staff_of_other_programmes_areas_alone(
    trust: Trust, run: Any
) -> None:
    # A trust may run other programmes: their staff are not on this programme's list.
    elsewhere = f.AreaFactory(site=trust.ward_a.site, code="PHARM", name="Pharmacy")
    other_programme = f.StaffMemberFactory(organisation=trust.organisation, areas=[elsewhere])

    batch = run(
        staff_list(
            row(trust.staff_a, "N/WA"), row(trust.staff_b, "N/WB"), row(trust.staff_c, "S/WC")
        ),
        mark_leavers=True,
    )

    assert batch.status == Status.COMMITTED, batch.message
    other_programme.refresh_from_db()
    assert other_programme.end_date is None


def test_a_leaver_listed_again_in_a_full_list_has_rejoined(trust: Trust, run: Any) -> None:
    StaffMember.objects.filter(pk=trust.staff_b.pk).update(end_date=dt.date(2026, 1, 31))

    run(
        staff_list(
            row(trust.staff_a, "N/WA"), row(trust.staff_b, "N/WB"), row(trust.staff_c, "S/WC")
        ),
        mark_leavers=True,
    )

    trust.staff_b.refresh_from_db()
    assert trust.staff_b.end_date is None


def test_a_leaver_leaves_training_scope_from_their_end_date(trust: Trust) -> None:
    scope = training.scope_for(Access(trust.programme_manager), trust.wave_1)
    StaffMember.objects.filter(pk=trust.staff_b.pk).update(end_date=dt.date(2026, 3, 1))

    before = set(training.staff_in_scope(scope, on=dt.date(2026, 2, 28)))
    after = set(training.staff_in_scope(scope, on=dt.date(2026, 3, 1)))

    assert before == {trust.staff_a, trust.staff_b}
    assert after == {trust.staff_a}


def test_a_leavers_rota_shifts_after_their_end_date_are_not_counted_as_on_shift(
    trust: Trust,
) -> None:
    champions = Champions(trust)
    shift = champions.shift(trust.ward_a, planned_staff=10)
    for member in (trust.staff_a, f.StaffMemberFactory(organisation=trust.organisation)):
        rota.record_rota_entries(
            rows=[rota.RotaRow(member.pk, trust.ward_a.pk, shift.starts_at, shift.ends_at)]
        )
    StaffMember.objects.filter(pk=trust.staff_a.pk).update(end_date=shift.day)

    (cell,) = coverage_for(trust.wave_1, [trust.ward_a]).cells

    assert (cell.staff_on_shift, cell.staff_from_roster) == (1, True)


def test_a_leaver_is_not_offered_for_shifts_after_their_end_date(trust: Trust) -> None:
    champions = Champions(trust)
    shift = champions.shift(trust.ward_a)
    stays = champions.designate(champions.staff("Stays", trust.ward_a), trust.ward_a)
    leaves = champions.designate(trust.staff_a, trust.ward_a)
    StaffMember.objects.filter(pk=trust.staff_a.pk).update(end_date=shift.day)

    offered = eligible_designations(shift)

    assert [d.pk for d in offered] == [stays.pk]
    assert leaves.pk not in [d.pk for d in offered]


def test_a_leavers_nomination_no_longer_counts_in_their_areas_designations(
    trust: Trust,
) -> None:
    champions = Champions(trust)
    champions.designate(trust.staff_a, trust.ward_a)
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    before = {
        row.area: row for row in area_designations(Access(trust.programme_manager), trust.wave_1)
    }
    StaffMember.objects.filter(pk=trust.staff_a.pk).update(end_date=yesterday)
    after = {
        row.area: row for row in area_designations(Access(trust.programme_manager), trust.wave_1)
    }

    assert (before[trust.ward_a].champions, before[trust.ward_a].staff) == (1, 1)
    assert (after[trust.ward_a].champions, after[trust.ward_a].staff) == (0, 0)


# Conflicts in one file.


def _merge(merger: Any, trust: Trust, tmp_path: Path, rows: list[list[object]], kind: str) -> Any:
    batch = ImportBatch.objects.create(
        programme=trust.programme,
        kind=kind,
        profile_name=f"golive-{kind}",
        profile_spec={},
        uploaded_by=trust.programme_manager,
        file_name="x.csv",
        file_size=1,
        sha256="0" * 64,
        stored_path="",
    )
    work = tmp_path / "work.csv"
    with work.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    with transaction.atomic():
        return merger(batch_id=batch.pk, work_file=work, present_fields=frozenset({"full_name"}))


def test_every_line_of_a_staff_number_with_two_names_in_a_file_is_a_conflict_and_not_written(
    trust: Trust, tmp_path: Path
) -> None:
    a = trust.ward_a.pk
    merged = _merge(
        merge_staff,
        trust,
        tmp_path,
        [
            [2, "X1", "Ann Able", "nursing", "", a, "", "EPR1", ""],
            [3, "X1", "Ann Baker", "nursing", "", a, "", "EPR2", ""],
            [4, "X1", "Ann Able", "nursing", "", trust.ward_b.pk, "", "EPR1", ""],
        ],
        "staff",
    )

    # The first line and the one agreeing with it too: which name is right is unknown.
    assert [(c.line, c.other_line, c.fields) for c in merged.conflicts] == [
        (2, 3, ("full_name", "epr_user_id")),
        (3, 2, ("full_name", "epr_user_id")),
        (4, 3, ("full_name", "epr_user_id")),
    ]
    assert merged.conflicts[1].values[0] == ("Ann Baker", "Ann Able")
    assert "EPR2" not in str(merged.conflicts[1].values[1])  # the EPR user id is masked
    assert merged.conflict_rows == 3
    assert not StaffMember.objects.filter(staff_number="X1").exists()


def test_one_person_in_two_areas_on_two_lines_is_two_placements_not_a_conflict(
    trust: Trust, tmp_path: Path
) -> None:
    line = ["X2", "Ann Able", "nursing", "", "", ""]
    merged = _merge(
        merge_staff,
        trust,
        tmp_path,
        [
            [2, *line[:4], trust.ward_a.pk, *line[4:], ""],
            [3, *line[:4], trust.ward_b.pk, *line[4:], ""],
        ],
        "staff",
    )

    assert merged.conflicts == ()
    assert set(StaffMember.objects.get(staff_number="X2").areas.all()) == {
        trust.ward_a,
        trust.ward_b,
    }


def test_both_lines_of_a_shift_listed_with_different_ends_are_conflicts_and_not_stored(
    trust: Trust, tmp_path: Path
) -> None:
    start = "2030-07-01T06:30:00+00:00"
    staff, area = trust.staff_a.pk, trust.ward_a.pk
    merged = _merge(
        merge_roster,
        trust,
        tmp_path,
        [
            [2, staff, area, start, "2030-07-01T14:30:00+00:00"],
            [3, staff, area, start, "2030-07-01T18:30:00+00:00"],
        ],
        "roster",
    )

    assert [(c.line, c.other_line, c.fields) for c in merged.conflicts] == [
        (2, 3, ("ends_at",)),
        (3, 2, ("ends_at",)),
    ]
    assert merged.conflict_rows == 2
    assert not RotaEntry.objects.exists()


def test_designations_of_leavers_stay_on_record(trust: Trust) -> None:
    champions = Champions(trust)
    champions.designate(trust.staff_a, trust.ward_a)
    StaffMember.objects.filter(pk=trust.staff_a.pk).update(end_date=dt.date(2026, 1, 1))

    assert Designation.objects.filter(staff=trust.staff_a).exists()


def test_the_staff_list_says_when_a_leaver_left(trust: Trust, client: Any) -> None:
    StaffMember.objects.filter(pk=trust.staff_a.pk).update(end_date=dt.date(2026, 1, 31))
    client.force_login(trust.programme_manager)

    page = client.get("/staff/")

    assert "Left on 31 Jan 2026" in page.content.decode()
