"""Bad dates, marker ownership and free text on the analytics pages and API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.test import Client

from adoption.analytics import markers, metrics
from adoption.models import ChangeMarker, Survey, SurveyResponse
from golive.access import Access
from golive.identifiers import REMOVED
from golive.models import Role
from golive.navigation import SESSION_GO_LIVE_KEY
from tests import factories as f
from tests.conftest import Trust


def _client(user: Any, go_live: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    session = client.session
    session[SESSION_GO_LIVE_KEY] = go_live.pk
    session.save()
    return client


def test_dates_near_year_one_are_field_errors_on_the_dashboard_and_the_api(trust: Trust) -> None:
    client = _client(trust.programme_manager, trust.wave_1)
    metric = metrics.ensure_builtin_metrics(trust.programme)[0]

    page = client.get("/adoption/dashboard/?end=0001-01-02")
    api = client.get(f"/api/v1/metrics/{metric.pk}/series/?end=0001-01-02")

    assert page.status_code == 200
    assert "Enter a date between 2000 and 2100" in page.content.decode()
    assert api.status_code == 400
    assert api.json()["field_errors"][0]["field"] == "end"


def test_a_start_date_alone_cannot_stretch_the_dashboard_past_its_longest_range(
    trust: Trust,
) -> None:
    client = _client(trust.programme_manager, trust.wave_1)

    response = client.get("/adoption/dashboard/?start=1990-01-01")

    view = response.context["view"]
    assert response.status_code == 200
    assert (view.end - view.start).days < 366


def test_a_manager_of_one_ward_cannot_change_or_delete_a_marker_for_another(
    trust: Trust,
) -> None:
    pm = trust.programme_manager
    marker = markers.record_marker(
        access=Access(pm), user=pm, programme=trust.programme, kind="configuration",
        on=dt.date(2026, 1, 5), title="Ward B only", description="", areas=[trust.ward_b],
    )  # fmt: skip
    ward_a_manager = f.UserFactory(username="pm-a")
    f.grant(ward_a_manager, Role.PROGRAMME_MANAGER, trust.programme, [trust.ward_a])
    client = _client(ward_a_manager, trust.wave_1)

    deleted = client.post(f"/adoption/changes/{marker.pk}/delete/")
    edited = client.post(
        f"/adoption/changes/{marker.pk}/edit/",
        {"kind": "configuration", "on": "2026-01-05", "title": "Mine now",
         "areas": [trust.ward_a.pk]},
    )  # fmt: skip

    assert (deleted.status_code, edited.status_code) == (403, 403)
    assert ChangeMarker.objects.get(pk=marker.pk).title == "Ward B only"


@pytest.mark.django_db
def test_a_survey_comment_never_keeps_an_nhs_number(trust: Trust) -> None:
    survey = Survey.objects.create(go_live=trust.wave_1, title="How is it going")
    client = Client()
    page = client.get(f"/adoption/feedback/s/{survey.token}/")
    form = page.context["form"]
    data: dict[str, Any] = {
        "submission": str(uuid.uuid4()), "area": trust.ward_a.pk, "role_group": "nursing",
        "comment": "pt 943 476 5919 allergy missed",
        "respondent": page.context["respondent_token"],
    }  # fmt: skip
    for name, field in form.fields.items():
        choices = [value for value, _ in getattr(field, "choices", []) if value != ""]
        data.setdefault(name, choices[0] if choices else "1")

    response = client.post(f"/adoption/feedback/s/{survey.token}/", data)

    assert response.status_code == 302
    assert SurveyResponse.objects.get().comment == f"pt {REMOVED} allergy missed"
