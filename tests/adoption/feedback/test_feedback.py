from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from adoption.feedback import score, services
from adoption.models import FeedbackTheme, Survey, SurveyResponse
from golive.client_address import client_address
from golive.navigation import SESSION_GO_LIVE_KEY


def test_net_experience_score_is_percent_agree_minus_percent_disagree() -> None:
    assert score.net_experience_score([5, 4, 3, 2, 1]) == 0
    assert score.net_experience_score([5, 5, 4, 1]) == 50
    assert score.net_experience_score([1, 2, 3]) == -67
    assert score.net_experience_score([]) is None


@pytest.fixture
def survey(trust: Any) -> Survey:
    return Survey.objects.create(go_live=trust.wave_1, title="Two weeks in")


def answers(area: Any, **changes: Any) -> dict[str, Any]:
    body = {
        "submission": str(uuid.uuid4()),
        "area": area.pk,
        "quality": "5",
        "available": "4",
        "fast": "2",
        "easy_to_learn": "4",
        "training": "3",
        "comment": "Order sets save me time.",
    }
    return {**body, **changes}


def send(client: Client, survey: Survey, area: Any, **changes: Any) -> Any:
    """Load the survey page as a browser would, then send it with the page's token."""
    url = f"/adoption/feedback/s/{survey.token}/"
    page = client.get(url)
    return client.post(url, answers(area, respondent=page.context["respondent_token"], **changes))


def member(user: Any, go_live: Any) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_GO_LIVE_KEY] = go_live.pk
    session.save()
    return client


@pytest.mark.django_db
def test_the_survey_link_works_without_an_account(trust: Any, survey: Survey) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/adoption/feedback/s/{survey.token}/")
    token = page.cookies["csrftoken"].value

    response = client.post(
        f"/adoption/feedback/s/{survey.token}/",
        {
            **answers(trust.ward_a),
            "csrfmiddlewaretoken": token,
            "respondent": page.context["respondent_token"],
        },
    )

    assert page.status_code == 200
    assert response.status_code == 302
    stored = SurveyResponse.objects.get()
    assert (stored.area, stored.answers()) == (trust.ward_a, [5, 4, 2, 4, 3])


@pytest.mark.django_db
def test_one_submission_is_stored_once_however_often_it_is_sent(trust: Any, survey: Survey) -> None:
    page = Client().get(f"/adoption/feedback/s/{survey.token}/")
    body = answers(trust.ward_a, respondent=page.context["respondent_token"])

    Client().post(f"/adoption/feedback/s/{survey.token}/", body)
    Client().post(f"/adoption/feedback/s/{survey.token}/", body)

    assert SurveyResponse.objects.count() == 1


@pytest.mark.django_db
def test_the_survey_accepts_only_areas_of_its_own_go_live(trust: Any, survey: Survey) -> None:
    # Ward C is in wave 2 only.
    response = send(Client(), survey, trust.ward_c)

    assert response.status_code == 200
    assert "Choose an area from the list." in response.content.decode()
    assert not SurveyResponse.objects.exists()


@pytest.mark.django_db
def test_junk_answers_are_refused_with_messages(trust: Any, survey: Survey) -> None:
    body = answers(trust.ward_a, fast="7", comment="x" * 1001, submission="not-a-uuid")
    del body["training"]

    response = Client().post(f"/adoption/feedback/s/{survey.token}/", body)

    page = response.content.decode()
    assert "Choose one of the answers given." in page
    assert "Keep your comment to 1,000 characters or fewer." in page
    assert "Say how far you agree: my training prepared me to use the epr." in page
    assert not SurveyResponse.objects.exists()


@pytest.mark.django_db
def test_a_closed_or_unknown_survey_link_is_not_found(trust: Any, survey: Survey) -> None:
    survey.is_open = False
    survey.save()

    assert Client().get(f"/adoption/feedback/s/{survey.token}/").status_code == 404
    assert Client().get("/adoption/feedback/s/guessed-token/").status_code == 404


@pytest.mark.django_db
def test_ward_manager_sees_scores_and_comments_for_their_areas_only(
    trust: Any, survey: Survey
) -> None:
    for n in range(5):  # five people each, on their own phones: enough to show
        send(Client(REMOTE_ADDR=f"198.51.100.{n}"), survey, trust.ward_a)
        send(
            Client(REMOTE_ADDR=f"198.51.101.{n}"),
            survey,
            trust.ward_b,
            comment="Ward B cannot log in",
        )

    page = member(trust.ward_manager, trust.wave_1).get("/adoption/feedback/").content.decode()

    assert "Order sets save me time." in page
    assert "Ward B cannot log in" not in page
    assert "+40" in page  # Ward A: 3 agree, 1 disagree, of 5 answers on each sheet


@pytest.mark.django_db
def test_programme_manager_opens_a_survey_and_links_feedback_to_an_action(
    trust: Any, survey: Survey
) -> None:
    send(Client(), survey, trust.ward_a)
    client = member(trust.programme_manager, trust.wave_1)

    client.post("/adoption/feedback/surveys/", {"title": "Six weeks in"})
    client.post(
        "/adoption/feedback/themes/",
        {"name": "Order sets", "you_said": "Faster ordering", "we_did": "More order sets"},
    )
    theme = FeedbackTheme.objects.get()
    response = SurveyResponse.objects.get()
    client.post(
        f"/adoption/feedback/responses/{response.pk}/theme/", {f"r{response.pk}-theme": theme.pk}
    )

    response.refresh_from_db()
    assert Survey.objects.filter(title="Six weeks in", go_live=trust.wave_1).exists()
    assert response.theme == theme
    assert "More order sets" in client.get("/adoption/feedback/").content.decode()


@pytest.mark.django_db
def test_executives_may_not_open_surveys(trust: Any) -> None:
    response = member(trust.executive, trust.wave_1).post(
        "/adoption/feedback/surveys/", {"title": "x"}
    )

    assert response.status_code == 403
    assert not Survey.objects.exists()


@pytest.mark.django_db
def test_feedback_scores_api_is_scoped_to_the_callers_areas(trust: Any, survey: Survey) -> None:
    for n in range(5):
        send(Client(REMOTE_ADDR=f"198.51.100.{n}"), survey, trust.ward_a)
        send(Client(REMOTE_ADDR=f"198.51.101.{n}"), survey, trust.ward_b)
    url = f"/api/v1/feedback-scores/?go_live={trust.wave_1.pk}"

    everyone = member(trust.executive, trust.wave_1).get(url).json()["areas"]
    ward = member(trust.ward_manager, trust.wave_1).get(url).json()["areas"]

    assert [row["area_name"] for row in everyone] == ["Ward A", "Ward B"]
    assert [(row["area_name"], row["score"]) for row in ward] == [("Ward A", 40)]


@pytest.mark.django_db
def test_a_flood_of_submissions_from_one_client_is_refused_with_a_429_page(
    trust: Any, survey: Survey, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "SURVEY_SUBMISSIONS_PER_MINUTE", 2)
    client = Client(REMOTE_ADDR="192.0.2.10")

    statuses = [send(client, survey, trust.ward_a).status_code for _ in range(3)]
    refused = send(client, survey, trust.ward_a)

    assert statuses == [302, 302, 429]
    assert refused["Retry-After"] == "60"
    assert "Please wait a minute and send your answers again" in refused.content.decode()
    assert SurveyResponse.objects.count() == 2


@pytest.mark.django_db
def test_the_survey_throttle_counts_each_client_and_link_separately(
    trust: Any, survey: Survey, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "SURVEY_SUBMISSIONS_PER_MINUTE", 1)
    other_survey = Survey.objects.create(go_live=trust.wave_1, title="Four weeks in")
    busy = Client(REMOTE_ADDR="192.0.2.20")
    send(busy, survey, trust.ward_a)

    same_link_other_client = send(Client(REMOTE_ADDR="192.0.2.21"), survey, trust.ward_a)
    other_link_same_client = send(busy, other_survey, trust.ward_a)
    same_link_same_client = send(busy, survey, trust.ward_a)

    assert same_link_other_client.status_code == 302
    assert other_link_same_client.status_code == 302
    assert same_link_same_client.status_code == 429


@pytest.mark.django_db
def test_reading_the_survey_is_not_throttled(
    trust: Any, survey: Survey, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "SURVEY_SUBMISSIONS_PER_MINUTE", 1)
    client = Client(REMOTE_ADDR="192.0.2.30")

    statuses = {client.get(f"/adoption/feedback/s/{survey.token}/").status_code for _ in range(3)}

    assert statuses == {200}


def test_behind_trusted_proxies_the_client_is_read_from_x_forwarded_for(
    settings: Any,
) -> None:
    meta = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.5, 10.0.0.9"}

    settings.TRUSTED_PROXY_COUNT = 0
    direct = client_address(meta)
    settings.TRUSTED_PROXY_COUNT = 1
    one_proxy = client_address(meta)
    settings.TRUSTED_PROXY_COUNT = 2
    two_proxies = client_address(meta)

    assert (direct, one_proxy, two_proxies) == ("10.0.0.1", "10.0.0.9", "203.0.113.5")
