"""Soft data: one counted survey response per respondent per week (repeats kept, not
counted), and the small-number rule on the feedback page, its export and the API."""

from __future__ import annotations

import csv
import io
import itertools
import re
import uuid
from typing import Any

import pytest
from django.db import IntegrityError
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from adoption.feedback import respondents, services
from adoption.models import Survey, SurveyResponse
from golive import definitions
from tests.definitions_support import missing_wording, registry_markers

FEEDBACK_KEYS = [
    "adoption.feedback.net_experience_score",
    "adoption.feedback.responses",
    "adoption.feedback.repeat_responses",
    "golive.small_numbers",
]
AGREE = dict.fromkeys(SurveyResponse.ITEMS, "5")
DISAGREE = dict.fromkeys(SurveyResponse.ITEMS, "1")
NOT_SHOWN = "Not shown, to protect a group of fewer than 5"


@pytest.fixture
def survey(trust: Any) -> Survey:
    return Survey.objects.create(go_live=trust.wave_1, title="Two weeks in")


def _url(survey: Survey) -> str:
    return f"/adoption/feedback/s/{survey.token}/"


def _body(area: Any, token: str, sheet: dict[str, str], comment: str = "") -> dict[str, str]:
    return {
        "submission": str(uuid.uuid4()),
        "respondent": token,
        "area": str(area.pk),
        "comment": comment,
        **sheet,
    }


def send(
    client: Client, survey: Survey, area: Any, sheet: dict[str, str] = AGREE, comment: str = ""
) -> Any:
    """As a browser: load the page, then send it with the page's token."""
    token = client.get(_url(survey)).context["respondent_token"]
    return client.post(_url(survey), _body(area, token, sheet, comment))


_addresses = itertools.count(1)


def phone() -> Client:
    """Someone else's phone: its own cookies and its own address (the survey link allows
    each address only so many submissions a minute)."""
    return Client(REMOTE_ADDR=f"198.51.100.{next(_addresses) % 250 + 1}")


def member(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _score_cells(page: str) -> list[str]:
    """The signed scores in the page's table cells, in order."""
    return re.findall(r"<td[^>]*>\s*([+-]\d+)\s*</td>", page)


def _counted_and_repeats(survey: Survey) -> tuple[int, int]:
    rows = SurveyResponse.objects.filter(survey=survey)
    return rows.filter(is_repeat=False).count(), rows.filter(is_repeat=True).count()


@pytest.mark.django_db
def test_one_browser_sending_the_survey_eight_times_counts_once(trust: Any, survey: Survey) -> None:
    stuffer = Client()
    for _ in range(4):  # four colleagues on their own phones agree
        send(phone(), survey, trust.ward_a, AGREE)

    first = send(stuffer, survey, trust.ward_a, AGREE)
    stuffing = [send(stuffer, survey, trust.ward_a, DISAGREE) for _ in range(7)]
    page = member(trust.programme_manager).get("/adoption/feedback/").content.decode()

    assert first.status_code == 302
    assert {r.status_code for r in stuffing} == {302}
    assert _counted_and_repeats(survey) == (5, 7)  # all eight kept, one counted
    # The seven disagreeing repeats are not in the score, overall or for the week.
    assert _score_cells(page) == ["+100", "+100"]
    assert "Repeat responses excluded: 7." in page
    assert "5 responses counted in the figures shown, 7 repeats not counted" in page


@pytest.mark.django_db
def test_a_second_person_on_another_browser_counts(trust: Any, survey: Survey) -> None:
    send(phone(), survey, trust.ward_a)
    send(phone(), survey, trust.ward_a)

    assert _counted_and_repeats(survey) == (2, 0)


@pytest.mark.django_db
def test_a_repeat_is_told_it_was_kept_but_not_counted(trust: Any, survey: Survey) -> None:
    client = Client()
    send(client, survey, trust.ward_a)

    repeat = send(client, survey, trust.ward_a)
    thanks = client.get(repeat["Location"]).content.decode()

    assert repeat["Location"].endswith("?repeat=1")
    assert "kept but not counted" in thanks


@pytest.mark.django_db
def test_the_same_form_sent_again_after_clearing_cookies_is_a_repeat(
    trust: Any, survey: Survey
) -> None:
    client = Client()
    token = client.get(_url(survey)).context["respondent_token"]
    client.post(_url(survey), _body(trust.ward_a, token, AGREE))

    client.cookies.clear()
    again = client.post(_url(survey), _body(trust.ward_a, token, DISAGREE))

    assert again.status_code == 302
    assert _counted_and_repeats(survey) == (1, 1)


@pytest.mark.django_db
def test_the_respondent_cookie_is_http_only_same_site_and_scoped_to_the_survey(
    trust: Any, survey: Survey
) -> None:
    page = Client().get(_url(survey))

    cookie = page.cookies[respondents.COOKIE]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == respondents.COOKIE_PATH
    assert int(cookie["max-age"]) == respondents.COOKIE_MAX_AGE
    secure = Client().get(_url(survey), secure=True).cookies[respondents.COOKIE]
    assert secure["secure"] is True


@pytest.mark.django_db
def test_only_a_hash_of_the_respondent_is_stored(trust: Any, survey: Survey) -> None:
    client = Client()
    send(client, survey, trust.ward_a)
    respondent_id = respondents.from_cookie(client.get(_url(survey)).wsgi_request)
    assert respondent_id is not None

    stored = SurveyResponse.objects.get()

    assert respondent_id not in stored.respondent
    assert stored.respondent == respondents.respondent_hash(
        survey_token=survey.token, respondent_id=respondent_id
    )


@pytest.mark.django_db
def test_a_forged_or_foreign_token_is_refused_and_the_answers_kept_on_the_page(
    trust: Any, survey: Survey
) -> None:
    other = Survey.objects.create(go_live=trust.wave_1, title="Other")
    foreign = respondents.issue_token(survey_token=other.token, respondent_id="x")

    forged = Client().post(_url(survey), _body(trust.ward_a, "forged", AGREE, "Kept text"))
    wrong_link = Client().post(_url(survey), _body(trust.ward_a, foreign, AGREE))

    assert forged.status_code == wrong_link.status_code == 200
    assert "This page had expired" in forged.content.decode()
    assert "Kept text" in forged.content.decode()
    assert forged.context["respondent_token"] != "forged"
    assert not SurveyResponse.objects.exists()


@pytest.mark.django_db
def test_a_later_week_counts_again(trust: Any, survey: Survey) -> None:
    moment = timezone.now()
    kwargs: dict[str, Any] = {
        "survey": survey,
        "respondent": "same person",
        "area": trust.ward_a,
        "role_group": "",
        "answers": dict.fromkeys(SurveyResponse.ITEMS, 4),
        "comment": "",
    }

    services.record_response(submission=uuid.uuid4(), at=moment, **kwargs)
    repeat = services.record_response(submission=uuid.uuid4(), at=moment, **kwargs)
    next_week = services.record_response(
        submission=uuid.uuid4(), at=moment + timezone.timedelta(days=7), **kwargs
    )

    assert (repeat.is_repeat, next_week.is_repeat) == (True, False)


@pytest.mark.django_db
def test_the_database_refuses_two_counted_responses_from_one_respondent_in_a_week(
    trust: Any, survey: Survey
) -> None:
    fields: dict[str, Any] = {
        "survey": survey,
        "respondent": "same person",
        "period": timezone.localdate(),
        "area": trust.ward_a,
        **dict.fromkeys(SurveyResponse.ITEMS, 4),
    }
    SurveyResponse.objects.create(submission=uuid.uuid4(), **fields)

    with pytest.raises(IntegrityError):
        SurveyResponse.objects.create(submission=uuid.uuid4(), **fields)


@pytest.mark.django_db
def test_the_survey_link_allows_ten_submissions_a_minute_from_one_address(
    trust: Any, survey: Survey
) -> None:
    statuses = [
        send(Client(REMOTE_ADDR="192.0.2.40"), survey, trust.ward_a).status_code for _ in range(11)
    ]

    assert statuses == [302] * 10 + [429]


@pytest.mark.django_db
def test_the_survey_throttle_counts_an_ipv6_network_as_one_client(
    trust: Any, survey: Survey, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "SURVEY_SUBMISSIONS_PER_MINUTE", 1)

    first = send(Client(REMOTE_ADDR="2001:db8:1:2::1"), survey, trust.ward_a)
    same_network = send(Client(REMOTE_ADDR="2001:db8:1:2::ffff"), survey, trust.ward_a)

    assert (first.status_code, same_network.status_code) == (302, 429)


def _ward_a_shown_ward_b_withheld(trust: Any, survey: Survey) -> None:
    for _ in range(5):
        send(phone(), survey, trust.ward_a, AGREE, "Ward A likes order sets")
    for _ in range(4):
        send(phone(), survey, trust.ward_b, DISAGREE, "Ward B cannot log in")


@pytest.mark.django_db
def test_the_feedback_page_withholds_areas_and_comments_below_five_responses(
    trust: Any, survey: Survey
) -> None:
    _ward_a_shown_ward_b_withheld(trust, survey)

    page = member(trust.programme_manager).get("/adoption/feedback/").content.decode()

    assert "Ward A likes order sets" in page
    assert "Ward B cannot log in" not in page  # not even for the programme manager
    assert "4 comments not shown: they come from an area's week whose figures are not shown" in page
    assert _score_cells(page) == ["+100", "+100"]  # Ward A only: Ward B's -100 is withheld
    assert "Not shown, to protect a group of fewer than 5</td>" in page


@pytest.mark.django_db
def test_an_area_week_below_five_responses_is_withheld_though_its_area_is_shown(
    trust: Any, survey: Survey
) -> None:
    _ward_a_shown_ward_b_withheld(trust, survey)
    last_week = timezone.localdate() - timezone.timedelta(days=7)
    response = SurveyResponse.objects.filter(area=trust.ward_a).first()
    assert response is not None
    monday = last_week - timezone.timedelta(days=last_week.weekday())
    SurveyResponse.objects.filter(pk=response.pk).update(period=monday)

    body = member(trust.programme_manager).get("/adoption/feedback/export.csv").content.decode()

    rows = list(csv.reader(io.StringIO(body)))
    ward_a = [row for row in rows if row[:1] == ["Ward A"]]
    assert ["Ward A", "All weeks", "5", "100", "No"] in ward_a
    assert ["Ward A", monday.isoformat(), NOT_SHOWN, "", "Yes"] in ward_a


@pytest.mark.django_db
def test_the_feedback_export_withholds_small_areas_and_notes_the_repeats(
    trust: Any, survey: Survey
) -> None:
    _ward_a_shown_ward_b_withheld(trust, survey)
    stuffer = Client()
    send(stuffer, survey, trust.ward_a)
    send(stuffer, survey, trust.ward_a)

    body = member(trust.programme_manager).get("/adoption/feedback/export.csv").content.decode()

    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["Area", "Week starting", "Responses", "Net experience score", "Suppressed"]
    assert ["Ward A", "All weeks", "6", "100", "No"] in rows
    assert ["Ward B", "All weeks", NOT_SHOWN, "", "Yes"] in rows
    assert ["Note: Repeat responses excluded: 1"] in rows
    assert "cannot log in" not in body


@pytest.mark.django_db
def test_the_feedback_xlsx_has_the_same_rows(trust: Any, survey: Survey) -> None:
    _ward_a_shown_ward_b_withheld(trust, survey)

    response = member(trust.programme_manager).get("/adoption/feedback/export.xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert ("Ward B", "All weeks", NOT_SHOWN, None, "Yes") in rows


@pytest.mark.django_db
def test_the_api_nulls_small_areas_flags_them_and_counts_repeats(
    trust: Any, survey: Survey
) -> None:
    _ward_a_shown_ward_b_withheld(trust, survey)
    stuffer = phone()
    send(stuffer, survey, trust.ward_a)
    send(stuffer, survey, trust.ward_a)
    url = f"/api/v1/feedback-scores/?go_live={trust.wave_1.pk}"

    body = member(trust.executive).get(url).json()

    areas = {row["area_name"]: row for row in body["areas"]}
    assert (body["min_responses"], body["repeat_responses_excluded"]) == (5, 1)
    assert (areas["Ward A"]["responses"], areas["Ward A"]["score"]) == (6, 100)
    ward_b = areas["Ward B"]
    assert (ward_b["responses"], ward_b["score"], ward_b["suppressed"]) == (None, None, True)
    assert [(w["responses"], w["suppressed"]) for w in ward_b["weeks"]] == [(None, True)]


@pytest.mark.django_db
def test_the_api_schema_reads_its_help_texts_from_the_registry(trust: Any) -> None:
    client = member(trust.executive)
    with registry_markers():
        schema = client.get("/api/schema/?format=json").content.decode()

    assert "[definition of adoption.feedback.net_experience_score]" in schema
    assert "[definition of adoption.feedback.repeat_responses]" in schema
    assert "[definition of golive.small_numbers]" in schema


@pytest.mark.django_db
def test_the_feedback_page_reads_its_figures_wording_from_the_registry(
    trust: Any, survey: Survey
) -> None:
    _ward_a_shown_ward_b_withheld(trust, survey)
    client = member(trust.programme_manager)

    with registry_markers():
        page = client.get("/adoption/feedback/").content.decode()
        export = client.get("/adoption/feedback/export.csv").content.decode()

    assert missing_wording(page, FEEDBACK_KEYS) == []
    assert missing_wording(export, FEEDBACK_KEYS) == []


def test_the_small_number_rule_is_registered_as_one_sentence() -> None:
    assert definitions.label("golive.small_numbers") == NOT_SHOWN
