"""Who counts as trained when requirements change, and new starters given requirements
automatically, seen through the service, the trajectory and the huddle export."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.test import Client
from django.urls import reverse

from golive.access import Access
from tests import factories as f
from tests.training.conftest import TrainingTrust
from tests.training.factories import CompletionFactory, CourseFactory
from training import selectors, services
from training.models import Requirement
from training.selectors import Status


def _status(training: TrainingTrust, today: dt.date, name: str) -> str:
    scope = selectors.scope_for(Access(training.trust.programme_manager), training.go_live)
    staff = selectors.with_status(selectors.staff_in_scope(scope), training.go_live, today=today)
    return {member.full_name: member.status for member in staff}[name]


def test_removing_the_course_someone_lacks_makes_them_trained(
    training: TrainingTrust, today: dt.date
) -> None:
    CompletionFactory(staff=training.trust.staff_a, course=training.basics)
    before = _status(training, today, "Alice Ward-A")
    lacking = Requirement.objects.get(course=training.workflows)

    services.remove_requirement(access=Access(training.lead), requirement=lacking)

    assert (before, _status(training, today, "Alice Ward-A")) == (
        Status.NOT_TRAINED,
        Status.TRAINED,
    )


def test_a_course_newly_required_moves_the_trained_day_to_when_it_was_done(
    training: TrainingTrust, today: dt.date
) -> None:
    t = training.trust
    early, late = today - dt.timedelta(days=20), today - dt.timedelta(days=3)
    for course in (training.basics, training.workflows):
        CompletionFactory(staff=t.staff_a, course=course, completed_on=early)
    extra = CourseFactory(programme=t.programme, code="EPR301", name="Prescribing")
    CompletionFactory(staff=t.staff_a, course=extra, completed_on=late)
    scope = selectors.scope_for(Access(t.programme_manager), training.go_live)
    before = selectors.trained_series(selectors.staff_in_scope(scope), training.go_live)

    services.set_requirement(
        access=Access(training.lead),
        go_live=training.go_live,
        course=extra,
        role_groups=["nursing"],
        due_on=training.go_live.user_go_live_date,
    )
    after = selectors.trained_series(selectors.staff_in_scope(scope), training.go_live)

    assert (before, after) == ([(early, 1)], [(late, 1)])


def test_a_new_starter_is_on_the_huddle_export_flagged_with_every_course_they_need(
    training: TrainingTrust,
) -> None:
    t = training.trust
    f.StaffMemberFactory(
        organisation=t.organisation,
        full_name="Nina New",
        areas=[t.ward_a],
        start_date=training.go_live.user_go_live_date - dt.timedelta(days=1),
    )
    client = Client()
    client.force_login(t.ward_manager)

    response = client.get(reverse("training:export_csv"))

    rows = {row[1]: row for row in csv.reader(io.StringIO(response.content.decode()))}
    assert (rows["Nina New"][6], rows["Nina New"][7]) == ("Yes", "Basics; Workflows")
    assert rows["Alice Ward-A"][6] == "No"


def test_a_new_starter_counts_in_the_new_starters_figure_over_the_api(
    training: TrainingTrust,
) -> None:
    t = training.trust
    f.StaffMemberFactory(
        organisation=t.organisation,
        full_name="Nina New",
        areas=[t.ward_b],
        start_date=training.go_live.user_go_live_date - dt.timedelta(days=1),
    )
    client = Client()
    client.force_login(training.lead)

    body = client.get(
        f"/api/v1/training/go-lives/{training.go_live.pk}/breakdown/", {"by": "area"}
    ).json()

    assert [(row["group"], row["must_train"], row["new_starters"]) for row in body] == [
        ("Ward A (North Hospital)", 1, 0),
        ("Ward B (North Hospital)", 2, 1),
    ]
