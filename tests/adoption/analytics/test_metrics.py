from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count

from adoption.analytics import metrics, rollups
from adoption.analytics.metrics import Scope
from adoption.models import DailyUserActivity, Metric
from golive.access import Access
from tests import factories as f

D = dt.date
MARCH = (D(2025, 3, 29), D(2025, 3, 30), D(2025, 3, 31))


def values(known: Any, name: str, *areas: Any, role_groups: tuple[str, ...] = ()) -> list[Any]:
    area_ids = tuple(a.pk for a in areas) or (known.ward_a.pk,)
    scope = Scope(area_ids, D(2025, 3, 29), D(2025, 3, 31), role_groups)
    result = metrics.series(known.metrics[name], scope)
    assert [day for day, _ in result] == list(MARCH)
    return [None if v is None else round(v, 2) for _, v in result]


@pytest.mark.django_db
def test_pathology_orders_per_day_fall_on_local_days(known: Any) -> None:
    assert values(known, "Pathology orders per day") == [0, 1, 1]


@pytest.mark.django_db
def test_radiology_orders_count_only_their_areas(known: Any) -> None:
    assert values(known, "Radiology orders per day") == [0, 0, 0]
    assert values(known, "Radiology orders per day", known.ward_b) == [0, 1, 0]


@pytest.mark.django_db
def test_active_users_per_day_count_people_not_log_in_failures(known: Any) -> None:
    assert values(known, "Active users per day") == [1, 2, 1]


@pytest.mark.django_db
def test_active_users_across_areas_count_each_person_once(known: Any) -> None:
    # U1 worked on both wards on the 30th; U9 on Ward B only.
    assert values(known, "Active users per day", known.ward_a, known.ward_b) == [1, 3, 1]


@pytest.mark.django_db
def test_active_users_across_areas_in_a_role_group_count_each_person_once(known: Any) -> None:
    # Nursing on the 30th: U1 on both wards, U9 on Ward B.
    both = (known.ward_a, known.ward_b)
    assert values(known, "Active users per day", *both, role_groups=("nursing",)) == [1, 2, 0]


@pytest.mark.django_db
def test_active_users_from_area_counts_equal_a_distinct_count_for_any_areas_and_groups(
    trust: Any, import_events: Any
) -> None:
    # People wander between three wards and change role group: the added per-area counts
    # less the correction must equal counting distinct people over the activity rows.
    rng = random.Random(7)
    rows = [
        f"X{n},2025-06-0{rng.randint(1, 4)} {rng.randint(8, 20):02d}:00:00,"
        f"{rng.choice(['login', 'documentation', 'login_failed'])},,U{rng.randint(1, 12)},"
        f"{rng.choice(['nursing', 'medical', 'admin'])},{rng.choice(['N/WA', 'N/WB', 'S/WC'])},"
        for n in range(300)
    ]
    rollups.rollup_batch(import_events(*rows).pk)
    wards = [trust.ward_a.pk, trust.ward_b.pk, trust.ward_c.pk]
    start, end = D(2025, 6, 1), D(2025, 6, 4)

    for size in (1, 2, 3):
        for ids in itertools.combinations(wards, size):
            for groups in (None, ["nursing"], ["medical", "admin"]):
                activity = DailyUserActivity.objects.filter(area_id__in=ids)
                if groups is not None:
                    activity = activity.filter(role_group__in=groups)
                distinct = activity.values("local_date").annotate(
                    n=Count("epr_user_id", distinct=True)
                )
                expected = {row["local_date"]: float(row["n"]) for row in distinct}
                found = metrics.active_users_per_day(ids, start, end, groups)
                assert {d: n for d, n in found.items() if n} == expected, (ids, groups)


@pytest.mark.django_db
def test_a_role_group_filter_narrows_the_series(known: Any) -> None:
    assert values(known, "Active users per day", role_groups=("medical",)) == [0, 1, 1]


@pytest.mark.django_db
def test_login_failure_rate_is_failures_over_attempts_and_empty_without_attempts(
    known: Any,
) -> None:
    assert values(known, "Login failure rate") == [0, 33.33, None]


@pytest.mark.django_db
def test_documentation_per_active_user_divides_by_that_days_active_users(known: Any) -> None:
    assert values(known, "Documentation events per active user") == [0, 1, 0]


@pytest.mark.django_db
def test_share_of_in_scope_staff_active_counts_staff_from_their_start_date(known: Any) -> None:
    # Ward A's list: Alice (no EPR id), U1, idle, and U2 from the 30th.
    # 29th: U1 of 3; 30th: U1 and U2 of 4; 31st: U2 of 4.
    assert values(known, "Share of in-scope staff active") == [33.33, 50, 25]


@pytest.mark.django_db
def test_share_of_trained_staff_active_counts_staff_from_their_first_completion(
    known: Any,
) -> None:
    # 29th: nobody trained yet; 30th: U2 trained and active; 31st: U1 and U2, U2 active.
    assert values(known, "Share of trained staff active") == [None, 100, 50]


@pytest.mark.django_db
def test_a_day_no_extract_covered_has_no_value_rather_than_zero(known: Any) -> None:
    scope = Scope((known.ward_a.pk,), D(2025, 3, 31), D(2025, 4, 1))
    result = metrics.series(known.metrics["Pathology orders per day"], scope)

    assert result == [(D(2025, 3, 31), 1.0), (D(2025, 4, 1), None)]


@pytest.mark.django_db
def test_time_to_first_use_counts_staff_in_post_at_go_live(known: Any) -> None:
    go_live = f.GoLiveFactory(
        programme=known.programme, user_go_live_date=D(2025, 3, 29), areas=[known.ward_a]
    )
    result = metrics.first_use(go_live, [known.ward_a.pk])

    # Alice, U1 and the idle member were in post; U2 started the day after go-live.
    assert (result.staff_in_scope, result.used, result.median_days) == (3, 1, 0.0)
    assert result.never_used == 2


@pytest.mark.django_db
def test_built_in_metrics_are_created_once_and_edits_survive(known: Any) -> None:
    Metric.objects.filter(name="Active users per day").update(higher_is_better=False)

    again = metrics.ensure_builtin_metrics(known.programme)

    assert len(again) == len(known.metrics)
    assert Metric.objects.filter(programme=known.programme).count() == len(known.metrics)
    assert not Metric.objects.get(name="Active users per day").higher_is_better


@pytest.mark.django_db
def test_a_ratio_without_a_denominator_is_refused(known: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        metrics.validate_definition(
            aggregate="ratio",
            event_types=[],
            order_types=[],
            role_groups=[],
            numerator=known.metrics["Failed log-ins per day"],
            denominator=None,
            programme=known.programme,
        )

    assert "denominator" in raised.value.message_dict


@pytest.mark.django_db
def test_active_users_by_order_type_refuse_event_types_other_than_orders(known: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        metrics.validate_definition(
            aggregate="active_users",
            event_types=["login", "order_placed"],
            order_types=["pathology"],
            role_groups=["nursing", "astronaut"],
            numerator=None,
            denominator=None,
            programme=known.programme,
        )

    assert set(raised.value.message_dict) == {"order_types", "role_groups"}


@pytest.mark.django_db
def test_orders_either_side_of_the_autumn_clock_change_fall_on_local_days(
    known: Any, import_events: Any
) -> None:
    from adoption.analytics import rollups  # noqa: PLC0415

    batch = import_events(
        # 00:30 BST on the 26th is 23:30 UTC on the 25th; 23:30 GMT is 23:30 UTC.
        "Z1,2025-10-26 00:30:00,order_placed,pathology,U1,nursing,N/WA,9990000026",
        "Z2,2025-10-26 23:30:00,order_placed,pathology,U1,nursing,N/WA,9990000026",
        "Z3,2025-10-25 23:59:00,order_placed,pathology,U1,nursing,N/WA,9990000026",
    )
    rollups.rollup_batch(batch.pk)
    scope = Scope((known.ward_a.pk,), D(2025, 10, 25), D(2025, 10, 27))

    result = metrics.series(known.metrics["Pathology orders per day"], scope)

    assert result == [(D(2025, 10, 25), 1.0), (D(2025, 10, 26), 2.0), (D(2025, 10, 27), None)]


# Computed series are cached (adoption.analytics.cache): what changes must still show.


@pytest.mark.django_db
def test_a_cached_series_shows_a_new_extract_once_it_is_rolled_up(
    known: Any, import_events: Any
) -> None:
    from adoption.analytics import rollups  # noqa: PLC0415

    before = values(known, "Active users per day")
    rollups.rollup_batch(import_events("K20,2025-03-31 10:00:00,login,,U7,nursing,N/WA,").pk)

    assert before == [1, 2, 1]
    assert values(known, "Active users per day") == [1, 2, 2]


@pytest.mark.django_db
def test_a_cached_staff_share_sees_a_new_member_of_staff_at_once(known: Any) -> None:
    before = values(known, "Share of in-scope staff active")
    f.StaffMemberFactory(organisation=known.organisation, areas=[known.ward_a])

    # One more on Ward A's list: each day's count of staff in post grows by one.
    assert before == [33.33, 50, 25]
    assert values(known, "Share of in-scope staff active") == [25, 40, 20]


@pytest.mark.django_db
def test_a_cached_staff_share_sees_a_corrected_start_date_at_once(
    known: Any, django_capture_on_commit_callbacks: Any
) -> None:
    before = values(known, "Share of in-scope staff active")
    with django_capture_on_commit_callbacks(execute=True):
        known.u2.start_date = D(2025, 3, 31)  # an edit in place: no new row to notice
        known.u2.save()

    uncached = metrics._series(
        known.metrics["Share of in-scope staff active"],
        Scope((known.ward_a.pk,), D(2025, 3, 29), D(2025, 3, 31)),
    )
    after = values(known, "Share of in-scope staff active")
    assert after != before
    assert after == [None if v is None else round(v, 2) for _, v in uncached]


@pytest.mark.django_db
def test_a_cached_staff_share_sees_someone_moved_off_the_ward_at_once(
    known: Any, django_capture_on_commit_callbacks: Any
) -> None:
    before = values(known, "Share of in-scope staff active")
    with django_capture_on_commit_callbacks(execute=True):
        known.idle.areas.set([known.ward_c])

    # One fewer on Ward A's list: the 30th's two active of four in post become two of three.
    assert before == [33.33, 50, 25]
    assert values(known, "Share of in-scope staff active") == [50, 66.67, 33.33]


@pytest.mark.django_db
def test_an_edited_metric_is_not_read_from_the_cache(known: Any) -> None:
    metric = known.metrics["Active users per day"]
    before = values(known, "Active users per day")
    metric.role_groups = ["medical"]
    metric.save()

    assert before == [1, 2, 1]
    assert values(known, "Active users per day") == [0, 1, 1]


@pytest.mark.django_db
def test_an_areas_share_of_staff_active_drops_a_deleted_member_of_staff_at_once(
    known: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from adoption.analytics import dashboard  # noqa: PLC0415

    view = dashboard.View(known.wave_1, [known.ward_a], D(2025, 3, 29), D(2025, 3, 31))
    before = dashboard.area_rows(view)[0]
    with django_capture_on_commit_callbacks(execute=True):
        known.u1.delete()  # their activity rows keep the EPR id but lose the staff link

    after = dashboard.area_rows(view)[0]
    assert (before.staff, after.staff) == (4, 3)
    # Active on the list: U1 on the 29th, U1 and U2 on the 30th, U2 on the 31st; then U2 only.
    assert before.share_active == pytest.approx((100 / 4 + 200 / 4 + 100 / 4) / 3)
    assert after.share_active == pytest.approx((0 + 100 / 3 + 100 / 3) / 3)
    assert after.active_users == before.active_users  # still people who used the EPR


@pytest.mark.django_db
def test_a_register_moving_a_completion_later_shows_in_the_cached_trained_share(
    known: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from training import services  # noqa: PLC0415
    from training.models import Completion  # noqa: PLC0415

    before = values(known, "Share of trained staff active")
    completion = Completion.objects.get(staff=known.u2)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_completions(
            access=Access(known.programme_manager),
            user=known.programme_manager,
            go_live=known.wave_1,
            course=completion.course,
            completed_on=D(2025, 3, 31),
            staff_ids=[known.u2.pk],
        )

    uncached = metrics._series(
        known.metrics["Share of trained staff active"],
        Scope((known.ward_a.pk,), D(2025, 3, 29), D(2025, 3, 31)),
    )
    after = values(known, "Share of trained staff active")
    assert after != before
    assert after == [None if v is None else round(v, 2) for _, v in uncached]
