"""The copy pages: the form with the source's areas ticked, a preview listing what will be
created, the copy on confirmation and its record; refused to all but programme managers."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from administration.models import GoLiveCopy
from golive.models import GoLive, Role
from tests import factories as f

from .conftest import Source

URL = reverse("setup:copy_go_live")


def _answers(source: Source, **extra: object) -> dict[str, object]:
    day = source.go_live.user_go_live_date + dt.timedelta(days=91)
    return {
        "source": source.go_live.pk,
        "name": "Wave 3",
        "user_go_live_date": f"{day:%d/%m/%Y}",
        "technical_go_live_date": "",
        "approach": "",
        "areas": [source.trust.ward_a.pk, source.trust.ward_b.pk],
        **extra,
    }


@pytest.fixture
def pm_client(client: Client, source: Source) -> Client:
    client.force_login(source.trust.programme_manager)
    return client


def test_the_form_ticks_the_chosen_go_lives_areas(pm_client: Client, source: Source) -> None:
    response = pm_client.get(URL, {"source": source.trust.wave_2.pk})

    assert response.status_code == 200
    page = response.content.decode()
    assert f'value="{source.trust.ward_c.pk}" checked' in page
    assert f'value="{source.trust.ward_b.pk}" checked' not in page


def test_the_preview_lists_what_will_be_created_and_creates_nothing(
    pm_client: Client, source: Source
) -> None:
    response = pm_client.post(URL, _answers(source, preview=""))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Check what will be created" in page
    assert "Readiness criteria: 4" in page
    assert "Gate T-7 signatory: Clinical safety officer – Cas Safety" in page
    assert not GoLive.objects.filter(name="Wave 3").exists()


def test_confirming_the_preview_copies_and_shows_what_was_created(
    pm_client: Client, source: Source
) -> None:
    response = pm_client.post(URL, _answers(source, confirm=""), follow=True)

    record = GoLiveCopy.objects.get()
    assert response.redirect_chain[-1][0] == reverse("setup:go_live_copy", args=[record.pk])
    assert "Milestones: 3" in response.content.decode()
    assert record.target.name == "Wave 3"


def test_the_preview_posts_back_the_answers_it_was_given(pm_client: Client, source: Source) -> None:
    preview = pm_client.post(URL, _answers(source, preview=""))
    hidden = re.findall(
        r'<input type="hidden" name="(\w+)" value="([^"]*)">', preview.content.decode()
    )
    answers: dict[str, list[str]] = {}
    for name, value in hidden:
        answers.setdefault(name, []).append(value)

    pm_client.post(URL, {**answers, "confirm": ""})

    target = GoLiveCopy.objects.get().target
    assert target.user_go_live_date == source.go_live.user_go_live_date + dt.timedelta(days=91)
    assert set(target.areas.all()) == {source.trust.ward_a, source.trust.ward_b}


def test_a_taken_name_is_shown_beside_the_field(pm_client: Client, source: Source) -> None:
    response = pm_client.post(URL, _answers(source, name="Wave 2", preview=""))

    assert response.status_code == 200
    assert "Another go-live of this programme already has this name." in response.content.decode()
    assert "There is a problem" in response.content.decode()


@pytest.mark.parametrize("who", ["ward_manager", "executive"])
def test_ward_managers_and_executives_are_refused(client: Client, source: Source, who: str) -> None:
    client.force_login(getattr(source.trust, who))

    assert client.get(URL).status_code == 403
    assert client.post(URL, _answers(source, confirm="")).status_code == 403
    assert not GoLiveCopy.objects.exists()


def test_a_copy_of_another_programme_is_not_found(client: Client, source: Source) -> None:
    record = GoLiveCopy.objects.create(
        source=source.go_live, target=source.trust.wave_2, offset_days=0, created={}
    )
    stranger = f.UserFactory()
    f.grant(stranger, Role.PROGRAMME_MANAGER, f.ProgrammeFactory())
    client.force_login(stranger)

    assert client.get(reverse("setup:go_live_copy", args=[record.pk])).status_code == 404


def test_a_source_that_is_not_a_number_falls_back_to_the_latest_go_live(
    pm_client: Client, source: Source
) -> None:
    for named in ("abc", "²", "-1"):
        assert pm_client.get(URL, {"source": named}).status_code == 200
