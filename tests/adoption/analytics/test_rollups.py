from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.utils import OperationalError

from adoption.analytics import metrics, rollups, tasks
from adoption.models import DailyAreaUsers, DailyRollup, DailyUserActivity
from tests.adoption.conftest import extract

D = dt.date

# Times are local (Europe/London). Around both 2025 clock changes, a local day and a UTC day
# disagree for the events near midnight: those are the ones a naive rollup gets wrong.
SPRING = [
    "S1,2025-03-29 23:30:00,login,,U1,nursing,N/WA,",  # GMT: 23:30 UTC on the 29th
    "S2,2025-03-30 00:30:00,login,,U1,nursing,N/WA,",
    "S3,2025-03-30 23:30:00,order_placed,pathology,U1,nursing,N/WA,9990000026",  # 22:30 UTC
    "S4,2025-03-31 00:30:00,order_placed,pathology,U2,medical,N/WA,9990000026",  # 23:30 UTC 30th
]
AUTUMN = [
    "A1,2025-10-26 00:30:00,documentation,,U1,nursing,N/WB,9990000026",  # BST: 23:30 UTC 25th
    "A2,2025-10-26 23:30:00,documentation,,U2,medical,N/WB,9990000026",  # GMT: 23:30 UTC 26th
    "A3,2025-10-26 12:00:00,login_failed,,U3,nursing,N/WB,",
    "A4,2025-10-25 23:30:00,documentation,,U1,nursing,N/WB,9990000026",  # BST: 22:30 UTC 25th
]


def cells() -> dict[tuple[Any, ...], tuple[int, int]]:
    return {
        (r.local_date, r.area.code, r.event_type, r.order_type, r.role_group): (r.events, r.users)
        for r in DailyRollup.objects.select_related("area")
    }


def active(day: dt.date) -> set[str]:
    return set(
        DailyUserActivity.objects.filter(local_date=day).values_list("epr_user_id", flat=True)
    )


@pytest.mark.django_db
def test_rollups_count_events_on_local_days_across_the_spring_clock_change(
    import_events: Any,
) -> None:
    rollups.rollup_batch(import_events(*SPRING).pk)

    assert cells() == {
        (D(2025, 3, 29), "WA", "login", "", "nursing"): (1, 1),
        (D(2025, 3, 30), "WA", "login", "", "nursing"): (1, 1),
        (D(2025, 3, 30), "WA", "order_placed", "pathology", "nursing"): (1, 1),
        (D(2025, 3, 31), "WA", "order_placed", "pathology", "medical"): (1, 1),
    }


@pytest.mark.django_db
def test_rollups_count_events_on_local_days_across_the_autumn_clock_change(
    import_events: Any,
) -> None:
    rollups.rollup_batch(import_events(*AUTUMN).pk)

    assert cells() == {
        (D(2025, 10, 25), "WB", "documentation", "", "nursing"): (1, 1),
        (D(2025, 10, 26), "WB", "documentation", "", "nursing"): (1, 1),
        (D(2025, 10, 26), "WB", "documentation", "", "medical"): (1, 1),
        (D(2025, 10, 26), "WB", "login_failed", "", "nursing"): (1, 1),
    }


@pytest.mark.django_db
def test_a_user_who_only_failed_to_log_in_is_not_active(import_events: Any) -> None:
    rollups.rollup_batch(import_events(*AUTUMN).pk)

    assert active(D(2025, 10, 26)) == {"U1", "U2"}


@pytest.mark.django_db
def test_distinct_users_in_a_cell_count_each_user_once(import_events: Any) -> None:
    batch = import_events(
        "X1,2025-05-01 09:00:00,login,,U1,nursing,N/WA,",
        "X2,2025-05-01 10:00:00,login,,U1,nursing,N/WA,",
        "X3,2025-05-01 11:00:00,login,,U2,nursing,N/WA,",
    )
    rollups.rollup_batch(batch.pk)

    assert cells() == {(D(2025, 5, 1), "WA", "login", "", "nursing"): (3, 2)}
    assert DailyUserActivity.objects.get(epr_user_id="U1").events == 2


@pytest.mark.django_db
def test_rolling_up_a_batch_twice_gives_the_same_rows(import_events: Any) -> None:
    batch = import_events(*SPRING, *AUTUMN)
    rollups.rollup_batch(batch.pk)
    first = (cells(), list(DailyUserActivity.objects.values().order_by("pk")))

    tasks.rollup_batch(batch.pk)

    assert (cells(), list(DailyUserActivity.objects.values().order_by("pk"))) == first


@pytest.mark.django_db
def test_a_later_batch_recomputes_only_the_local_days_it_touched(import_events: Any) -> None:
    rollups.rollup_batch(import_events(*SPRING).pk)
    # A marker value: if the 29th were recomputed it would go back to 1.
    DailyRollup.objects.filter(local_date=D(2025, 3, 29)).update(events=99)

    later = import_events("S5,2025-03-30 12:00:00,login,,U2,medical,N/WA,", *AUTUMN)
    result = rollups.rollup_batch(later.pk)

    assert result is not None
    assert result.days == 3  # 30 March, 25 and 26 October
    assert cells()[(D(2025, 3, 29), "WA", "login", "", "nursing")] == (99, 1)
    assert cells()[(D(2025, 3, 30), "WA", "login", "", "medical")] == (1, 1)
    assert active(D(2025, 3, 30)) == {"U1", "U2"}


@pytest.mark.django_db
def test_a_batch_that_is_gone_or_not_committed_is_left_alone(import_file: Any) -> None:
    rejected = import_file(extract(SPRING[0], "B1,2025-02-31 10:00:00,login,,U1,nursing,N/WA,"))
    assert rejected.status == "rejected"

    assert rollups.rollup_batch(rejected.pk) is None
    assert rollups.rollup_batch(987654) is None
    assert not DailyRollup.objects.exists()


@pytest.mark.django_db
def test_committing_an_events_batch_queues_its_rollup_by_id(
    import_events: Any, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    queued: list[tuple[Any, ...]] = []
    monkeypatch.setattr(tasks.rollup_batch, "delay", lambda *args: queued.append(args))

    with django_capture_on_commit_callbacks() as callbacks:
        batch = import_events(*SPRING)
    assert queued == []  # nothing before the commit
    for callback in callbacks:
        callback()

    assert queued == [(batch.pk,)]


@pytest.mark.django_db
def test_rebuild_all_matches_incremental_rollups_and_drops_stale_rows(
    import_events: Any,
) -> None:
    rollups.rollup_batch(import_events(*SPRING).pk)
    rollups.rollup_batch(import_events(*AUTUMN).pk)
    incremental = cells()
    DailyRollup.objects.filter(local_date=D(2025, 3, 29)).update(events=99)

    call_command("rebuild_rollups", stdout=None)

    assert cells() == incremental
    assert DailyUserActivity.objects.count() == 6


STAFF_HEADER = "staff_number,full_name,role_group,job_title,area,start_date,epr_user_id"


@pytest.mark.django_db
def test_a_staff_list_imported_after_the_events_links_their_activity(
    import_events: Any, import_file: Any
) -> None:
    rollups.rollup_batch(import_events("L1,2025-05-01 09:00:00,login,,epr77,nursing,N/WA,").pk)
    assert DailyUserActivity.objects.get().staff_id is None

    staff = import_file(
        f"{STAFF_HEADER}\nS77,Sam Late,nursing,Staff Nurse,N/WA,2025-01-01,EPR77\n",
        kind="staff",
        profile="golive-staff",
    )
    assert staff.status == "committed", staff.message
    rollups.rollup_batch(staff.pk)
    rollups.rollup_batch(staff.pk)

    activity = DailyUserActivity.objects.select_related("staff").get()
    assert activity.staff is not None
    assert activity.staff.staff_number == "S77"


@pytest.mark.django_db
def test_an_events_batch_records_its_local_days_so_rollups_need_not_scan_events(
    import_events: Any,
) -> None:
    batch = import_events(*AUTUMN)

    assert batch.local_dates == ["2025-10-25", "2025-10-26"]
    batch.local_dates = ["2025-10-26"]  # what the merge recorded is what gets recomputed
    batch.save(update_fields=["local_dates"])
    rollups.rollup_batch(batch.pk)

    assert set(DailyRollup.objects.values_list("local_date", flat=True)) == {D(2025, 10, 26)}


@pytest.mark.django_db
def test_the_rollup_task_queues_the_warming_of_its_programmes_dashboards(
    import_events: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    queued: list[tuple[Any, ...]] = []
    monkeypatch.setattr(tasks.warm_dashboards, "delay", lambda *args: queued.append(args))
    batch = import_events(*SPRING)

    tasks.rollup_batch(batch.pk)
    tasks.rollup_batch(987654)  # gone: nothing to roll up, nothing to warm

    assert queued == [(batch.programme_id,)]


@pytest.mark.django_db
def test_warming_computes_the_default_dashboard_figures_into_the_cache(
    known: Any, django_assert_num_queries: Any
) -> None:
    from django.utils import timezone  # noqa: PLC0415

    from adoption.analytics import dashboard  # noqa: PLC0415

    known.wave_1.user_go_live_date = D(2025, 3, 30)
    known.wave_1.save()
    today = timezone.localdate()
    metric = known.metrics["Active users per day"]
    start, end = dashboard.default_range(known.wave_1, today=today)
    scope = metrics.Scope((known.ward_b.pk, known.ward_a.pk), start, end)

    tasks.warm_dashboards(known.programme.pk)

    with django_assert_num_queries(1):  # the staff fingerprint; the series is cached
        cached = metrics.series(metric, scope)
    assert dict(cached)[D(2025, 3, 30)] == 3


# Active users per area: what dashboards add up instead of counting distinct users.


def area_users() -> dict[tuple[Any, ...], int]:
    return {
        (r.local_date, r.area.code, r.role_group): r.users
        for r in DailyAreaUsers.objects.select_related("area")
    }


TWO_WARDS = [
    "T1,2025-05-01 09:00:00,login,,U1,nursing,N/WA,",
    "T2,2025-05-01 10:00:00,documentation,,U1,nursing,N/WB,9990000026",
    "T3,2025-05-01 11:00:00,login,,U2,medical,N/WA,",
    "T4,2025-05-01 12:00:00,login_failed,,U3,nursing,N/WB,",
    "T5,2025-05-02 09:00:00,login,,U1,nursing,N/WB,",
]


@pytest.mark.django_db
def test_rollups_count_active_users_per_area_day_and_role_group(import_events: Any) -> None:
    rollups.rollup_batch(import_events(*TWO_WARDS).pk)

    assert area_users() == {
        (D(2025, 5, 1), "WA", "nursing"): 1,
        (D(2025, 5, 1), "WA", "medical"): 1,
        (D(2025, 5, 1), "WB", "nursing"): 1,
        (D(2025, 5, 2), "WB", "nursing"): 1,
    }


@pytest.mark.django_db
def test_only_people_active_in_two_areas_that_day_are_flagged(import_events: Any) -> None:
    rollups.rollup_batch(import_events(*TWO_WARDS).pk)

    flagged = DailyUserActivity.objects.filter(in_several_areas=True)
    assert sorted(flagged.values_list("local_date", "area__code", "epr_user_id")) == [
        (D(2025, 5, 1), "WA", "U1"),
        (D(2025, 5, 1), "WB", "U1"),
    ]


@pytest.mark.django_db
def test_a_later_batch_that_moves_someone_to_another_area_flags_both_rows(
    import_events: Any,
) -> None:
    rollups.rollup_batch(import_events("M1,2025-05-03 09:00:00,login,,U5,nursing,N/WA,").pk)
    assert not DailyUserActivity.objects.filter(in_several_areas=True).exists()

    rollups.rollup_batch(import_events("M2,2025-05-03 15:00:00,login,,U5,nursing,S/WC,").pk)

    assert DailyUserActivity.objects.filter(in_several_areas=True).count() == 2


@pytest.mark.django_db
def test_someone_whose_role_group_changes_leaves_their_old_groups_count(
    import_events: Any,
) -> None:
    rollups.rollup_batch(import_events("R1,2025-05-04 09:00:00,login,,U6,admin,N/WA,").pk)
    assert area_users() == {(D(2025, 5, 4), "WA", "admin"): 1}

    # The activity row keeps the greatest role group of the day's events: now "nursing".
    rollups.rollup_batch(import_events("R2,2025-05-04 10:00:00,login,,U6,nursing,N/WA,").pk)

    assert area_users() == {(D(2025, 5, 4), "WA", "nursing"): 1}


def flags() -> set[tuple[Any, ...]]:
    rows = DailyUserActivity.objects.values_list(
        "local_date", "area_id", "epr_user_id", "in_several_areas"
    )
    return set(rows)


@pytest.mark.django_db
def test_rebuild_all_gives_the_same_area_counts_and_flags_as_incremental_rollups(
    import_events: Any,
) -> None:
    rollups.rollup_batch(import_events(*TWO_WARDS).pk)
    rollups.rollup_batch(import_events(*SPRING).pk)
    counts, flagged = area_users(), flags()
    DailyAreaUsers.objects.update(users=99)
    DailyUserActivity.objects.update(in_several_areas=False)

    call_command("rebuild_rollups", stdout=None)

    assert area_users() == counts
    assert flags() == flagged


@pytest.mark.django_db(transaction=True)
def test_a_rollup_waits_for_another_rollup_to_commit(import_events: Any) -> None:
    # Two rollups of overlapping days at once could undo each other's flags: they take
    # turns. While another transaction holds the rollups' lock, this one cannot start.
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer; the lock is PostgreSQL's")
    batch = import_events(*TWO_WARDS)
    other = connections.create_connection("default")
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [rollups.ROLLUP_LOCK])
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        with pytest.raises(OperationalError, match="lock timeout"):
            rollups.rollup_batch(batch.pk)
        other.rollback()
    finally:
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")

    rollups.rollup_batch(batch.pk)
    assert DailyAreaUsers.objects.count() == 4
