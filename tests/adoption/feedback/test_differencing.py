"""Suppressed survey figures cannot be worked out by subtraction: not from an area's total
less its weeks shown, not from a survey's count less the areas shown, and no comment from
a hidden week; the survey link's hourly cap; the batched backfill of response periods."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import re
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from adoption.feedback import services
from adoption.models import Survey, SurveyResponse
from tests.adoption.feedback.test_soft_data import AGREE, DISAGREE, member, phone, send

WEEK = dt.timedelta(days=7)


@pytest.fixture
def survey(trust: Any) -> Survey:
    return Survey.objects.create(go_live=trust.wave_1, title="Two weeks in")


def _this_monday() -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday())


def _move(area: Any, count: int, to: dt.date) -> None:
    """Move ``count`` of an area's latest responses of this week to the week starting
    ``to``."""
    this_week = SurveyResponse.objects.filter(area=area, period=_this_monday())
    pks = this_week.order_by("-pk").values_list("pk", flat=True)[:count]
    SurveyResponse.objects.filter(pk__in=list(pks)).update(period=to)


def _seven_in_ward_a(trust: Any, survey: Survey) -> None:
    """Ward A: five agree this week, two disagree last week (a total of 7)."""
    for _ in range(5):
        send(phone(), survey, trust.ward_a, AGREE)
    for _ in range(2):
        send(phone(), survey, trust.ward_a, DISAGREE, "Only two of us on nights")
    _move(trust.ward_a, 2, _this_monday() - WEEK)


def _export(trust: Any) -> dict[str, list[str]]:
    body = member(trust.programme_manager).get("/adoption/feedback/export.csv").content.decode()
    return {row[1]: row for row in csv.reader(io.StringIO(body)) if row[:1] == ["Ward A"]}


def _left_over(total: int, weeks: list[int | None]) -> int:
    return total - sum(count for count in weeks if count is not None)


@pytest.mark.django_db
def test_an_areas_total_less_its_weeks_shown_gives_back_no_small_week_in_the_export(
    trust: Any, survey: Survey
) -> None:
    _seven_in_ward_a(trust, survey)

    rows = _export(trust)

    weeks = [int(r[2]) if r[4] == "No" else None for k, r in rows.items() if k != "All weeks"]
    assert rows["All weeks"][2:5] == ["7", "43", "No"]
    # Before: the week of 5 was shown, and 7 - 5 = 2 gave last week's count (and score).
    assert _left_over(7, weeks) not in range(1, 5)
    assert weeks == [None, None]


@pytest.mark.django_db
def test_the_api_and_the_page_hide_the_same_weeks_as_the_export(trust: Any, survey: Survey) -> None:
    _seven_in_ward_a(trust, survey)
    client = member(trust.programme_manager)

    body = client.get(f"/api/v1/feedback-scores/?go_live={trust.wave_1.pk}").json()
    page = client.get("/adoption/feedback/").content.decode()

    ward_a = body["areas"][0]
    assert (ward_a["responses"], ward_a["suppressed"]) == (7, False)
    assert _left_over(7, [w["responses"] for w in ward_a["weeks"]]) not in range(1, 5)
    assert re.findall(r"<td[^>]*>\s*([+-]\d+)\s*</td>", page) == ["+43"]  # the total only


@pytest.mark.django_db
def test_a_week_is_hidden_only_as_far_as_needed(trust: Any, survey: Survey) -> None:
    for _ in range(12):
        send(phone(), survey, trust.ward_a, AGREE)
    _move(trust.ward_a, 1, _this_monday() - 2 * WEEK)  # one alone: hidden
    _move(trust.ward_a, 5, _this_monday() - WEEK)  # five: hidden with it, as the smaller
    # This week keeps six: shown, since 1 + 5 hidden is no longer a small group.

    rows = _export(trust)

    assert rows[_this_monday().isoformat()][2:5] == ["6", "100", "No"]
    assert rows[(_this_monday() - WEEK).isoformat()][4] == "Yes"
    assert rows[(_this_monday() - 2 * WEEK).isoformat()][4] == "Yes"


@pytest.mark.django_db
def test_a_surveys_count_less_the_areas_shown_gives_back_no_hidden_area(
    trust: Any, survey: Survey
) -> None:
    for _ in range(5):
        send(phone(), survey, trust.ward_a, AGREE)
    for _ in range(3):
        send(phone(), survey, trust.ward_b, DISAGREE)
    stuffer = phone()
    send(stuffer, survey, trust.ward_b)
    send(stuffer, survey, trust.ward_b)  # a repeat in the hidden ward

    page = member(trust.programme_manager).get("/adoption/feedback/").content.decode()

    counted = re.search(r"(\d+) responses? counted in the figures shown", page)
    assert counted is not None
    # Before: "9 responses counted" beside Ward A's 5 gave Ward B's 4.
    assert int(counted.group(1)) == 5
    assert "repeat" not in page.split("counted in the figures shown")[1].split(")")[0]
    assert "Repeat responses excluded: 0." in page


@pytest.mark.django_db
def test_no_comment_from_a_hidden_week_is_shown_though_its_area_is(
    trust: Any, survey: Survey
) -> None:
    _seven_in_ward_a(trust, survey)
    for _ in range(5):
        send(phone(), survey, trust.ward_a, AGREE, "Order sets are quicker")
    # Ward A: 10 this week (shown), 2 last week (hidden; with the week of 10 hidden too the
    # area's total gives nothing back, so no week and no comment is shown).
    page = member(trust.programme_manager).get("/adoption/feedback/").content.decode()

    assert "Only two of us on nights" not in page
    assert "Order sets are quicker" not in page
    assert "7 comments not shown" in page


@pytest.mark.django_db
def test_comments_from_shown_weeks_are_shown_with_their_week(trust: Any, survey: Survey) -> None:
    for _ in range(5):
        send(phone(), survey, trust.ward_a, AGREE, "Order sets are quicker")
    for _ in range(5):
        send(phone(), survey, trust.ward_a, AGREE)
    for _ in range(2):
        send(phone(), survey, trust.ward_a, DISAGREE, "Only two of us on nights")
    _move(trust.ward_a, 2, _this_monday() - 2 * WEEK)
    _move(trust.ward_a, 5, _this_monday() - WEEK)  # the smaller shown week: hidden too

    page = member(trust.programme_manager).get("/adoption/feedback/").content.decode()

    assert "Only two of us on nights" not in page
    assert page.count("Order sets are quicker") == 5
    assert f"week starting {_this_monday():%-d %b %Y}" in page
    assert "2 comments not shown" in page


@pytest.mark.django_db
def test_one_address_is_held_to_the_hourly_cap_on_one_link(
    trust: Any, survey: Survey, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "SURVEY_SUBMISSIONS_PER_MINUTE", 100)
    monkeypatch.setattr(services, "SURVEY_SUBMISSIONS_PER_HOUR", 2)
    script = Client(REMOTE_ADDR="192.0.2.40")

    statuses = [send(script, survey, trust.ward_a).status_code for _ in range(3)]
    refused = send(script, survey, trust.ward_a)

    assert statuses == [302, 302, 429]
    assert refused["Retry-After"] == "3600"
    assert "Please wait an hour and send your answers again" in refused.content.decode()
    assert SurveyResponse.objects.count() == 2


@pytest.mark.django_db
def test_the_hourly_cap_counts_each_link_separately(
    trust: Any, survey: Survey, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "SURVEY_SUBMISSIONS_PER_HOUR", 1)
    other = Survey.objects.create(go_live=trust.wave_1, title="Four weeks in")
    ward_pc = Client(REMOTE_ADDR="192.0.2.41")
    send(ward_pc, survey, trust.ward_a)

    assert send(ward_pc, other, trust.ward_a).status_code == 302


@pytest.mark.django_db
def test_the_period_backfill_writes_every_response_in_batches(
    trust: Any, survey: Survey, monkeypatch: pytest.MonkeyPatch
) -> None:
    migration = importlib.import_module("adoption.migrations.0013_survey_repeats")
    monkeypatch.setattr(migration, "BATCH", 2)
    for _ in range(5):
        send(phone(), survey, trust.ward_a)
    SurveyResponse.objects.update(period=dt.date(2000, 1, 3))

    migration.fill_periods(apps, None)

    assert set(SurveyResponse.objects.values_list("period", flat=True)) == {_this_monday()}
