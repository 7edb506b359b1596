"""After go-live: compliance per area over time, with new starters counted from their start."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from golive.access import Access
from golive.navigation import SESSION_GO_LIVE_KEY
from tests import factories as f
from tests.training.conftest import TrainingTrust
from tests.training.factories import CompletionFactory
from training import selectors


def _live(training: TrainingTrust, today: dt.date) -> dt.date:
    go_live = training.go_live
    go_live.user_go_live_date = today - dt.timedelta(days=21)
    go_live.save()
    t = training.trust
    for member in (t.staff_a, t.staff_b):
        for course in (training.basics, training.workflows):
            CompletionFactory(staff=member, course=course, completed_on=go_live.user_go_live_date)
    return go_live.user_go_live_date


def test_a_new_starter_lowers_their_areas_compliance_from_the_week_they_start(
    training: TrainingTrust, today: dt.date
) -> None:
    live_on = _live(training, today)
    f.StaffMemberFactory(
        organisation=training.trust.organisation,
        areas=[training.trust.ward_a],
        start_date=live_on + dt.timedelta(days=10),
    )

    scope = selectors.scope_for(Access(training.trust.programme_manager), training.go_live)
    result = selectors.compliance_over_time(scope, today=today)

    by_area = dict(result.by_area)
    assert result.weeks == [live_on + dt.timedelta(days=7 * n) for n in range(4)]
    assert by_area["Ward A (North Hospital)"] == [100.0, 100.0, 50.0, 50.0]
    assert by_area["Ward B (North Hospital)"] == [100.0] * 4
    assert result.overall == [100.0, 100.0, 66.7, 66.7]


def test_a_new_starter_trained_later_restores_compliance_that_week(
    training: TrainingTrust, today: dt.date
) -> None:
    live_on = _live(training, today)
    starter = f.StaffMemberFactory(
        organisation=training.trust.organisation,
        areas=[training.trust.ward_a],
        start_date=live_on + dt.timedelta(days=3),
    )
    for course in (training.basics, training.workflows):
        CompletionFactory(
            staff=starter, course=course, completed_on=live_on + dt.timedelta(days=15)
        )

    scope = selectors.scope_for(Access(training.trust.ward_manager), training.go_live)
    result = selectors.compliance_over_time(scope, today=today)

    assert dict(result.by_area) == {"Ward A (North Hospital)": [100.0, 50.0, 50.0, 100.0]}


def test_the_compliance_page_explains_itself_before_go_live(training: TrainingTrust) -> None:
    client = Client()
    client.force_login(training.lead)

    page = client.get(reverse("training:compliance")).content.decode()

    assert "Once it is live, this page shows EPR training" in page


def test_the_compliance_page_shows_a_chart_and_table_once_live(
    training: TrainingTrust, today: dt.date
) -> None:
    _live(training, today)
    client = Client()
    client.force_login(training.trust.ward_manager)
    session = client.session
    session[SESSION_GO_LIVE_KEY] = training.go_live.pk
    session.save()

    page = client.get(reverse("training:compliance")).content.decode()

    assert 'data-golive-chart="training-compliance-data"' in page
    assert "Ward A (North Hospital)" in page
    assert "Ward B (North Hospital)" not in page
