"""Training's status in one sentence: known answers worked out by hand from planted series.

Each series plants 10 people trained a week for the six weeks before 3 March 2027 (60 of a
population of 100), so the rate is 10 a week and 30 more reach the 90% target in 21 days.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from golive.access import Access
from golive.navigation import SESSION_GO_LIVE_KEY
from tests.training.conftest import TrainingTrust
from tests.training.factories import CompletionFactory
from training import forecast, services
from training.models import TrainingAlert, TrainingPlan, TrajectoryPoint
from training.selectors import Trajectory
from training.status import completions_needed, status_sentence
from training.tiles import training_tile

D = dt.date
TODAY = D(2027, 3, 3)
GO_LIVE = D(2027, 3, 31)  # four weeks on
SIX_WEEKS = [(TODAY - dt.timedelta(days=1 + 7 * week), 10) for week in range(6)]


def _trajectory(
    actual: list[tuple[dt.date, int]],
    *,
    planned_today: float | None,
    go_live_on: dt.date = GO_LIVE,
    today: dt.date = TODAY,
    population: int = 100,
) -> Trajectory:
    planned = [] if planned_today is None else [(min(today, go_live_on), planned_today)]
    result = forecast.forecast(
        actual,
        population=population,
        target_percent=90,
        as_of=min(today, go_live_on),
        go_live_on=go_live_on,
    )
    plan = TrainingPlan(target_percent=90, alert_margin_points=10)
    return Trajectory(plan=plan, planned=planned, actual=actual, forecast=result, today=today)


def test_behind_plan_but_reaching_the_target_before_go_live_says_both_in_one_sentence() -> None:
    sentence = status_sentence(_trajectory(SIX_WEEKS, planned_today=75))

    assert sentence == (
        "Behind plan now (60.0% against 75.0% planned for today); at the current rate "
        "(10.0 a week) the 90% target is reached on 24 March 2027 (before go-live); "
        "8 completions a week needed to reach it by go-live."
    )


def test_a_target_reached_after_go_live_says_so_and_how_many_a_week_would_make_it() -> None:
    trajectory = _trajectory(SIX_WEEKS, planned_today=60, go_live_on=D(2027, 3, 17))

    assert status_sentence(trajectory) == (
        "On plan now (60.0% against 60.0% planned for today); at the current rate "
        "(10.0 a week) the 90% target is reached on 24 March 2027 (after go-live); "
        "15 completions a week needed to reach it by go-live."
    )


def test_ahead_of_plan_is_said_as_such() -> None:
    sentence = status_sentence(_trajectory(SIX_WEEKS, planned_today=50))

    assert sentence.startswith("Ahead of plan now (60.0% against 50.0% planned for today); ")


def test_with_no_completions_yet_there_is_no_rate_but_the_weekly_need_is_still_said() -> None:
    sentence = status_sentence(_trajectory([], planned_today=20))

    # 90 people in 4 weeks: 22.5 a week, so 23 (a part-person is a whole one to train).
    assert sentence == (
        "Behind plan now (0.0% against 20.0% planned for today); no one has finished training "
        "yet, so no rate says when the 90% target is met; 23 completions a week needed to "
        "reach it by go-live."
    )


def test_a_rate_of_nothing_lately_never_reaches_the_target() -> None:
    long_ago = [(TODAY - dt.timedelta(days=60), 10)]

    sentence = status_sentence(_trajectory(long_ago, planned_today=None))

    assert sentence == (
        "10.0% trained now (the plan does not reach back to today); at the current rate "
        "(0.0 a week) the 90% target is never reached; 20 completions a week needed to "
        "reach it by go-live."
    )


def test_a_target_already_met_gives_the_day_it_was_met_and_no_weekly_need() -> None:
    met = [*SIX_WEEKS, (TODAY - dt.timedelta(days=1), 35)]

    sentence = status_sentence(_trajectory(met, planned_today=75))

    assert sentence == (
        "Ahead of plan now (95.0% against 75.0% planned for today); the 90% target was "
        "reached on 2 March 2027."
    )


def test_once_live_the_sentence_gives_go_live_day_and_when_the_target_was_reached() -> None:
    after = [*SIX_WEEKS, (D(2027, 3, 10), 30)]

    trajectory = _trajectory(after, planned_today=75, go_live_on=TODAY, today=D(2027, 3, 20))

    assert status_sentence(trajectory) == (
        "Went live with 60.0% trained against 75.0% planned; the 90% target was reached on "
        "10 March 2027 (after go-live)."
    )


def test_once_live_a_target_not_yet_reached_is_said_plainly() -> None:
    trajectory = _trajectory(SIX_WEEKS, planned_today=None, go_live_on=TODAY, today=D(2027, 4, 1))

    assert status_sentence(trajectory) == (
        "Went live with 60.0% trained; the 90% target has not been reached yet."
    )


def test_no_one_who_must_train_means_no_status() -> None:
    sentence = status_sentence(_trajectory([], planned_today=20, population=0))

    assert sentence == "No one in scope has a required course yet, so training has no status."


def test_the_weekly_need_rounds_up_to_whole_people() -> None:
    result = _trajectory(SIX_WEEKS, planned_today=75).forecast

    assert result.weekly_needed == 7.5
    assert completions_needed(result) == 8


# Where the sentence shows: the training page, the dashboard tile and the API, on the shared
# test trust (two nurses on wave 1 must do two courses; go-live six weeks away).


def _date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _trained(training: TrainingTrust, member: Any, on: dt.date) -> None:
    for course in (training.basics, training.workflows):
        CompletionFactory(staff=member, course=course, completed_on=on)


def _behind_plan(training: TrainingTrust) -> str:
    """One of two nurses trained yesterday against 60% planned for today: the sentence."""
    today = timezone.localdate()
    TrajectoryPoint.objects.create(go_live=training.go_live, on_date=today, planned_percent=60)
    _trained(training, training.trust.staff_a, today - dt.timedelta(days=1))
    # 1.8 people is the 90% target: 0.8 more at 1 a week takes 6 days; 0.8 over 6 weeks
    # is under one a week, so one.
    return (
        "Behind plan now (50.0% against 60.0% planned for today); at the current rate "
        f"(1.0 a week) the 90% target is reached on {_date(today + dt.timedelta(days=6))} "
        "(before go-live); 1 completion a week needed to reach it by go-live."
    )


@pytest.mark.django_db
def test_the_training_page_says_the_status_sentence(training: TrainingTrust) -> None:
    sentence = _behind_plan(training)

    client = Client()
    client.force_login(training.lead)
    page = client.get(reverse("training:home")).content.decode()

    assert f'<p class="nhsuk-body-l" data-training-status>{sentence}</p>' in page


@pytest.mark.django_db
def test_the_dashboard_tile_gives_trained_now_and_the_status_sentence(
    training: TrainingTrust,
) -> None:
    sentence = _behind_plan(training)

    tile = training_tile(Access(training.lead), training.go_live, timezone.localdate())

    assert (tile.figure, tile.detail) == ("50%", f"1 of 2 staff trained; 0 overdue. {sentence}")


@pytest.mark.django_db
def test_the_trajectory_api_gives_the_status_sentence(training: TrainingTrust) -> None:
    sentence = _behind_plan(training)

    client = Client()
    client.force_login(training.lead)
    body = client.get(f"/api/v1/training/go-lives/{training.go_live.pk}/trajectory/").json()

    assert body["status"] == sentence


@pytest.mark.django_db
def test_a_behind_plan_alert_carries_the_status_sentence(training: TrainingTrust) -> None:
    sentence = _behind_plan(training)

    services.refresh_alerts(go_live_id=training.go_live.pk, today=timezone.localdate())

    alert = TrainingAlert.objects.get(kind=TrainingAlert.Kind.BEHIND_PLAN)
    assert alert.message.endswith(f"points behind (alert margin 5). {sentence}")


def _on_wave_1(training: TrainingTrust) -> Client:
    """The training lead with wave 1 chosen (once it is past, the switcher would not)."""
    client = Client()
    client.force_login(training.lead)
    session = client.session
    session[SESSION_GO_LIVE_KEY] = training.go_live.pk
    session.save()
    return client


@pytest.mark.django_db
def test_a_live_wave_shows_trained_now_with_its_own_count_and_go_live_day_named_apart(
    training: TrainingTrust,
) -> None:
    """The contradiction: "79.3%" (go-live day) beside "653 of 765" (now) on one card."""
    today = timezone.localdate()
    training.go_live.user_go_live_date = today - dt.timedelta(days=10)
    training.go_live.save()
    _trained(training, training.trust.staff_a, today - dt.timedelta(days=20))
    _trained(training, training.trust.staff_b, today - dt.timedelta(days=3))

    page = _on_wave_1(training).get(reverse("training:home")).content.decode()
    tile = training_tile(Access(training.lead), training.go_live, today)

    assert '<p class="golive-figure">100.0%</p>' in page
    assert "2 of 2 staff who must train. Trained on go-live day: 50.0% (1 of 2)." in page
    went_live = (
        "Went live with 50.0% trained; the 90% target was reached on "
        f"{_date(today - dt.timedelta(days=3))} (after go-live)."
    )
    assert went_live in page
    assert (tile.figure, tile.detail) == ("100%", f"2 of 2 staff trained; 0 overdue. {went_live}")
