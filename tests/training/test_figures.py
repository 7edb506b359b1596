"""Known-answer counts for the training figures (totals and breakdowns by area, site and
role group) on a go-live with every status, new starters, people added and excluded by hand,
and a requirement change. The figures are counted set-wise in the database; these pin the
counts a person would get by going through the names one by one."""

from __future__ import annotations

import datetime as dt
from dataclasses import astuple

import pytest

from golive.access import Access
from tests import factories as f
from tests.training.conftest import TrainingTrust
from tests.training.factories import CompletionFactory, CourseFactory, RequirementFactory
from training import selectors
from training.models import Booking, ScopeChange

# (in scope, with a required course, trained, booked, overdue, new starters)
Counts = tuple[int, int, int, int, int, int]


class Wave:
    """Wave 1 went live 20 days ago (cut-off 34 days ago; new starters have 28 days).
    Nurses must do Basics and Workflows, due in five days; doctors Basics, due yesterday;
    administrators nothing."""

    def __init__(self, training: TrainingTrust, today: dt.date) -> None:
        t = training.trust
        self.training, self.today = training, today
        go_live = training.go_live
        go_live.user_go_live_date = today - dt.timedelta(days=20)
        go_live.save()
        go_live.requirements.update(due_on=today + dt.timedelta(days=5))
        RequirementFactory(
            go_live=go_live,
            course=training.basics,
            role_group="medical",
            due_on=today - dt.timedelta(days=1),
        )
        both = (training.basics, training.workflows)

        def person(name: str, areas: list, role_group: str = "nursing", **kw: object) -> object:
            return f.StaffMemberFactory(
                organisation=t.organisation,
                full_name=name,
                areas=areas,
                role_group=role_group,
                **kw,
            )

        for course in both:  # Alice (ward A): trained
            CompletionFactory(staff=t.staff_a, course=course)
        CompletionFactory(staff=t.staff_b, course=training.basics)  # Bob (ward B): booked
        Booking.objects.create(staff=t.staff_b, course=training.workflows, session_on=today)
        dan = person("Dan", [t.ward_a, t.ward_b], "medical")  # overdue, though booked
        Booking.objects.create(staff=dan, course=training.basics, session_on=today)
        self.eve = person("Eve", [t.ward_a], "medical")  # trained; Workflows not asked of her
        for course in both:
            CompletionFactory(staff=self.eve, course=course)
        person("Fay", [t.ward_b], "admin")  # no courses required
        person("Gus", [t.ward_a], start_date=today - dt.timedelta(days=10))  # new, in time
        person("Hal", [t.ward_b], start_date=today - dt.timedelta(days=30))  # new, late
        kim = person("Kim", [t.ward_a], start_date=today - dt.timedelta(days=400))
        CompletionFactory(staff=kim, course=training.basics)  # booked on a course she did
        Booking.objects.create(staff=kim, course=training.basics, session_on=today)
        for course in both:  # Carol (ward C, outside wave 1) added by hand: trained
            CompletionFactory(staff=t.staff_c, course=course)
        ScopeChange.objects.create(go_live=go_live, staff=t.staff_c, kind="include")
        jon = person("Jon", [t.ward_a])  # trained, but excluded by hand
        for course in both:
            CompletionFactory(staff=jon, course=course)
        ScopeChange.objects.create(go_live=go_live, staff=jon, kind="exclude")

    def scope(self) -> selectors.Scope:
        access = Access(self.training.trust.programme_manager)
        return selectors.scope_for(access, self.training.go_live)

    def totals(self) -> Counts:
        staff = selectors.staff_in_scope(self.scope())
        return _counts(selectors.totals(staff, self.training.go_live, today=self.today))

    def by(self, by: str) -> dict[str, Counts]:
        rows = selectors.breakdown(self.scope(), by=by, today=self.today)
        return {row.label: _counts(row) for row in rows}


def _counts(figures: selectors.Figures) -> Counts:
    return astuple(figures)[1:]  # type: ignore[return-value]


@pytest.fixture
def wave(training: TrainingTrust, today: dt.date) -> Wave:
    return Wave(training, today)


def test_totals_count_each_person_in_scope_once_by_their_status(wave: Wave) -> None:
    # Alice, Bob, Dan, Eve, Fay, Gus, Hal, Kim and Carol (added); Jon excluded.
    assert wave.totals() == (9, 8, 3, 1, 2, 2)


def test_figures_by_area_count_a_person_in_each_of_their_areas(wave: Wave) -> None:
    assert wave.by("area") == {
        "Ward A (North Hospital)": (5, 5, 2, 0, 1, 1),  # Alice, Dan, Eve, Gus, Kim
        "Ward B (North Hospital)": (4, 3, 0, 1, 2, 1),  # Bob, Dan, Fay, Hal
    }


def test_figures_by_site_count_a_person_in_two_areas_of_a_site_once(wave: Wave) -> None:
    assert wave.by("site") == {"North Hospital": (8, 7, 2, 1, 2, 2)}


def test_figures_by_role_group_cover_everyone_in_scope(wave: Wave) -> None:
    assert wave.by("role_group") == {
        "Administrative and clerical": (1, 0, 0, 0, 0, 0),
        "Medical and dental": (2, 2, 1, 0, 1, 0),
        "Nursing and midwifery": (6, 6, 2, 1, 1, 2),
    }


def test_a_course_newly_required_of_a_role_group_untrains_those_who_lack_it(
    wave: Wave, training: TrainingTrust
) -> None:
    prescribing = CourseFactory(programme=training.trust.programme, name="Prescribing")
    RequirementFactory(
        go_live=training.go_live,
        course=prescribing,
        role_group="medical",
        due_on=wave.today + dt.timedelta(days=5),
    )

    # Eve lacks it (not trained, not yet due); Dan lacks two courses, one overdue.
    assert wave.by("area")["Ward A (North Hospital)"] == (5, 5, 1, 0, 1, 1)
    assert wave.totals() == (9, 8, 2, 1, 2, 2)


def test_a_role_group_whose_requirements_are_removed_no_longer_counts(
    wave: Wave, training: TrainingTrust
) -> None:
    training.go_live.requirements.filter(role_group="medical").delete()

    # Dan and Eve need nothing now: in scope, but neither required, trained nor overdue.
    assert wave.by("area")["Ward A (North Hospital)"] == (5, 3, 1, 0, 0, 1)
    assert wave.totals() == (9, 6, 2, 1, 1, 2)
