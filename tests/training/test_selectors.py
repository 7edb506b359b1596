"""Who is in scope and who is trained, computed set-wise."""

from __future__ import annotations

import datetime as dt

from golive.access import Access
from golive.models import StaffMember
from tests import factories as f
from tests.training.conftest import TrainingTrust
from tests.training.factories import CompletionFactory, RequirementFactory
from training import selectors
from training.models import Booking, ScopeChange
from training.selectors import Status


def _statuses(training: TrainingTrust, today: dt.date) -> dict[str, str]:
    scope = selectors.scope_for(Access(training.trust.programme_manager), training.go_live)
    staff = selectors.with_status(selectors.staff_in_scope(scope), training.go_live, today=today)
    return {member.full_name: member.status for member in staff}


def test_staff_in_the_go_lives_areas_are_in_scope_and_others_are_not(
    training: TrainingTrust, today: dt.date
) -> None:
    assert set(_statuses(training, today)) == {"Alice Ward-A", "Bob Ward-B"}


def test_people_added_by_hand_are_in_scope_and_people_excluded_are_not(
    training: TrainingTrust, today: dt.date
) -> None:
    t = training.trust
    ScopeChange.objects.create(go_live=training.go_live, staff=t.staff_c, kind="include")
    ScopeChange.objects.create(go_live=training.go_live, staff=t.staff_b, kind="exclude")

    assert set(_statuses(training, today)) == {"Alice Ward-A", "Carol Ward-C"}


def test_a_person_with_only_some_required_courses_is_not_trained(
    training: TrainingTrust, today: dt.date
) -> None:
    CompletionFactory(staff=training.trust.staff_a, course=training.basics)

    assert _statuses(training, today)["Alice Ward-A"] == Status.NOT_TRAINED


def test_a_person_with_every_required_course_is_trained(
    training: TrainingTrust, today: dt.date
) -> None:
    for course in (training.basics, training.workflows):
        CompletionFactory(staff=training.trust.staff_a, course=course)

    assert _statuses(training, today)["Alice Ward-A"] == Status.TRAINED


def test_a_course_added_to_the_requirements_untrains_people_who_lack_it(
    training: TrainingTrust, today: dt.date
) -> None:
    for course in (training.basics, training.workflows):
        CompletionFactory(staff=training.trust.staff_a, course=course)

    RequirementFactory(go_live=training.go_live, role_group="nursing")

    assert _statuses(training, today)["Alice Ward-A"] == Status.NOT_TRAINED


def test_completions_of_courses_not_required_of_their_role_group_do_not_count(
    training: TrainingTrust, today: dt.date
) -> None:
    StaffMember.objects.filter(pk=training.trust.staff_a.pk).update(role_group="medical")
    RequirementFactory(go_live=training.go_live, course=training.basics, role_group="medical")
    CompletionFactory(staff=training.trust.staff_a, course=training.workflows)

    assert _statuses(training, today)["Alice Ward-A"] == Status.NOT_TRAINED


def test_a_role_group_with_no_requirements_is_not_counted_as_needing_training(
    training: TrainingTrust, today: dt.date
) -> None:
    StaffMember.objects.filter(pk=training.trust.staff_b.pk).update(role_group="admin")

    scope = selectors.scope_for(Access(training.trust.programme_manager), training.go_live)
    figures = selectors.totals(selectors.staff_in_scope(scope), training.go_live, today=today)

    assert _statuses(training, today)["Bob Ward-B"] == Status.NOT_REQUIRED
    assert (figures.in_scope, figures.required, figures.percent) == (2, 1, 0.0)


def test_a_person_past_a_due_date_without_the_course_is_overdue(
    training: TrainingTrust, today: dt.date
) -> None:
    training.go_live.requirements.filter(course=training.basics).update(
        due_on=today - dt.timedelta(days=1)
    )
    CompletionFactory(staff=training.trust.staff_b, course=training.basics)

    statuses = _statuses(training, today)

    assert (statuses["Alice Ward-A"], statuses["Bob Ward-B"]) == (
        Status.OVERDUE,
        Status.NOT_TRAINED,
    )


def test_a_booked_person_is_shown_as_booked_until_they_attend(
    training: TrainingTrust, today: dt.date
) -> None:
    Booking.objects.create(
        staff=training.trust.staff_a, course=training.workflows, session_on=today
    )

    assert _statuses(training, today)["Alice Ward-A"] == Status.BOOKED


def test_a_new_starter_after_the_cut_off_gets_the_requirements_with_their_own_deadline(
    training: TrainingTrust, today: dt.date
) -> None:
    go_live = training.go_live
    go_live.requirements.update(due_on=today - dt.timedelta(days=30))
    starter = f.StaffMemberFactory(
        organisation=training.trust.organisation,
        full_name="Nina New",
        areas=[training.trust.ward_a],
        start_date=go_live.user_go_live_date - dt.timedelta(days=1),
    )

    scope = selectors.scope_for(Access(training.trust.programme_manager), go_live)
    row = selectors.with_status(selectors.staff_in_scope(scope), go_live, today=today).get(
        pk=starter.pk
    )

    assert (row.new_starter, row.required_n, row.status) == (True, 2, Status.NOT_TRAINED)
    assert _statuses(training, today)["Alice Ward-A"] == Status.OVERDUE


def test_a_new_starter_is_overdue_once_their_days_to_train_have_passed(
    training: TrainingTrust, today: dt.date
) -> None:
    go_live = training.go_live
    go_live.user_go_live_date = today - dt.timedelta(days=100)
    go_live.save()
    f.StaffMemberFactory(
        organisation=training.trust.organisation,
        full_name="Nina New",
        areas=[training.trust.ward_a],
        start_date=today - dt.timedelta(days=29),
    )

    assert _statuses(training, today)["Nina New"] == Status.OVERDUE


def test_the_actual_series_dates_each_person_by_their_last_required_course(
    training: TrainingTrust, today: dt.date
) -> None:
    t = training.trust
    day = dt.date(2026, 1, 5)
    CompletionFactory(staff=t.staff_a, course=training.basics, completed_on=day)
    CompletionFactory(staff=t.staff_a, course=training.workflows, completed_on=day.replace(day=9))
    CompletionFactory(staff=t.staff_b, course=training.basics, completed_on=day)

    scope = selectors.scope_for(Access(t.programme_manager), training.go_live)
    series = selectors.trained_series(selectors.staff_in_scope(scope), training.go_live)

    assert series == [(dt.date(2026, 1, 9), 1)]


def test_a_ward_manager_sees_figures_for_their_own_areas_only(
    training: TrainingTrust, today: dt.date
) -> None:
    scope = selectors.scope_for(Access(training.trust.ward_manager), training.go_live)

    names = set(selectors.staff_in_scope(scope).values_list("full_name", flat=True))

    assert names == {"Alice Ward-A"}


def test_figures_by_area_count_a_person_in_each_of_their_areas(
    training: TrainingTrust, today: dt.date
) -> None:
    t = training.trust
    t.staff_b.areas.add(t.ward_a)
    for course in (training.basics, training.workflows):
        CompletionFactory(staff=t.staff_b, course=course)

    scope = selectors.scope_for(Access(t.programme_manager), training.go_live)
    rows = {row.label: row for row in selectors.breakdown(scope, by="area", today=today)}

    assert (rows["Ward A (North Hospital)"].in_scope, rows["Ward A (North Hospital)"].trained) == (
        2,
        1,
    )
    assert (rows["Ward B (North Hospital)"].in_scope, rows["Ward B (North Hospital)"].percent) == (
        1,
        100.0,
    )
