"""The audit trail's page, CSV export and API: filters, scope, refusals and cost."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from golive.models import Role
from tests import factories as f
from tests.administration.audit.conftest import acting_as
from tests.conftest import Trust

HOME = reverse("audit:home")
EXPORT = reverse("audit:export")
API = "/api/v1/audit-entries/"


def rename(go_live: Any, name: str, reason: str = "") -> None:
    go_live.name = name
    go_live._change_reason = reason
    go_live.save()


def results(client: Client, **params: str) -> str:
    """The page's results (its htmx fragment), without the go-live switcher's names."""
    return client.get(HOME, params, headers={"HX-Request": "true"}).content.decode()


def export_rows(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def cso(trust: Trust) -> Any:
    user = f.UserFactory(username="cso", first_name="Sam", last_name="Safety")
    f.grant(user, Role.CLINICAL_SAFETY_OFFICER, trust.programme)
    return user


def test_the_page_shows_who_what_before_after_and_reason(
    client: Client, trust: Trust, cso: Any
) -> None:
    with acting_as(trust.programme_manager):
        rename(trust.wave_1, "Wave 1 (medicine)", "Scope narrowed by the board")
    client.force_login(cso)

    response = client.get(HOME, {"object_type": "Go-live"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Go-live changed: Wave 1 (medicine)" in page
    assert "Name: Wave 1 → Wave 1 (medicine)" in page
    assert "Scope narrowed by the board" in page
    assert 'aria-hidden="true">Who </span>pm' in page


def test_filtering_by_type_shows_only_that_type(client: Client, trust: Trust, cso: Any) -> None:
    rename(trust.wave_1, "Renamed wave")
    client.force_login(cso)

    page = results(client, object_type="Area")

    assert "Renamed wave" not in page
    assert "Area created" in page


def test_filtering_by_person_matches_their_name(client: Client, trust: Trust, cso: Any) -> None:
    with acting_as(cso):
        rename(trust.wave_1, "Renamed by Sam")
    with acting_as(trust.programme_manager):
        rename(trust.wave_2, "Renamed by pm")
    client.force_login(cso)

    page = results(client, person="sam safety")

    assert "Renamed by Sam" in page
    assert "Renamed by pm" not in page


def test_filtering_by_date_keeps_the_days_asked_for(client: Client, trust: Trust, cso: Any) -> None:
    rename(trust.wave_1, "Renamed today")
    trust.wave_1.history.filter(name="Renamed today").update(
        history_date=dt.datetime(2026, 1, 10, 23, 30, tzinfo=dt.UTC)  # 10 Jan, local time
    )
    client.force_login(cso)

    on_the_day = results(client, date_from="10/01/2026", date_to="10/01/2026")
    after = results(client, date_from="11/01/2026")

    assert "Renamed today" in on_the_day
    assert "1 change\n" in on_the_day
    assert "Renamed today" not in after


def test_an_end_date_before_the_start_is_refused_with_a_message(
    client: Client, trust: Trust, cso: Any
) -> None:
    client.force_login(cso)

    response = client.get(HOME, {"date_from": "10/01/2026", "date_to": "09/01/2026"})

    assert "The end date must be on or after the start date." in response.content.decode()


def test_the_export_has_the_evidence_columns_and_one_line_per_changed_field(
    client: Client, trust: Trust, cso: Any
) -> None:
    with acting_as(trust.programme_manager):
        trust.wave_1.name = "Wave 1b"
        trust.wave_1.scope_note = "Adult inpatients only"
        trust.wave_1._change_reason = "Board decision"
        trust.wave_1.save()
    client.force_login(cso)

    rows = export_rows(client.get(EXPORT, {"object_type": "Go-live", "q": "Board"}))

    assert rows[0] == [
        "when (UTC ISO 8601)", "who", "action", "object type", "object id", "object",
        "field", "before", "after", "reason",
    ]  # fmt: skip
    assert [row[1:] for row in rows[1:]] == [
        ["pm", "changed", "Go-live", str(trust.wave_1.pk), "Wave 1b", "Name", "Wave 1",
         "Wave 1b", "Board decision"],
        ["pm", "changed", "Go-live", str(trust.wave_1.pk), "Wave 1b", "Patient cohort", "",
         "Adult inpatients only", "Board decision"],
    ]  # fmt: skip
    assert rows[1][0].endswith("Z")


def test_a_created_entry_is_one_export_line_with_no_field(
    client: Client, trust: Trust, cso: Any
) -> None:
    client.force_login(cso)

    rows = export_rows(client.get(EXPORT, {"object_type": "Programme"}))

    assert [row[2:] for row in rows[1:]] == [
        ["created", "Programme", str(trust.programme.pk), "EPR", "", "", "", ""]
    ]


def test_the_export_neutralises_spreadsheet_formulas(
    client: Client, trust: Trust, cso: Any
) -> None:
    rename(trust.wave_1, '=HYPERLINK("http://evil")', "+cmd|' /C calc'!A0")
    client.force_login(cso)

    rows = export_rows(client.get(EXPORT, {"object_type": "Go-live", "q": "cmd"}))

    assert rows[1][5] == '\'=HYPERLINK("http://evil")'
    assert rows[1][8] == '\'=HYPERLINK("http://evil")'
    assert rows[1][9] == "'+cmd|' /C calc'!A0"


def test_a_clinical_safety_officer_sees_only_their_programmes_trail(
    client: Client, trust: Trust, cso: Any
) -> None:
    other = f.ProgrammeFactory(name="Other EPR")
    other_wave = f.GoLiveFactory(programme=other, name="Other wave")
    rename(other_wave, "Other wave renamed")
    rename(trust.wave_1, "Our wave renamed")
    client.force_login(cso)

    page = results(client)
    rows = export_rows(client.get(EXPORT))
    api = client.get(API).json()

    assert "Our wave renamed" in page
    assert "Other wave renamed" not in page
    assert not any("Other wave" in cell for row in rows for cell in row)
    assert not any("Other" in entry["object"] for entry in api["results"])


def test_an_area_scoped_audit_grant_shows_nothing(client: Client, trust: Trust) -> None:
    ward_cso = f.UserFactory(username="wardcso")
    f.grant(ward_cso, Role.CLINICAL_SAFETY_OFFICER, trust.programme, [trust.ward_a])
    rename(trust.wave_1, "Renamed")
    client.force_login(ward_cso)

    response = client.get(API)

    assert response.json()["count"] == 0


@pytest.mark.parametrize("who", ["ward_manager", "executive"])
@pytest.mark.parametrize("url", [HOME, EXPORT, API])
def test_ward_managers_and_executives_are_refused(
    client: Client, trust: Trust, who: str, url: str
) -> None:
    client.force_login(getattr(trust, who))

    assert client.get(url).status_code == 403


def test_the_api_lists_entries_with_their_changes_and_filters(
    client: Client, trust: Trust, cso: Any
) -> None:
    with acting_as(trust.programme_manager):
        rename(trust.wave_1, "Wave 1b", "Board decision")
    client.force_login(cso)

    today = timezone.localdate().isoformat()
    query = {"object_type": "Go-live", "person": "pm", "date_from": today, "limit": 1}

    body = client.get(API, query).json()

    assert body["count"] == 1
    entry = body["results"][0]
    assert {k: entry[k] for k in ("who", "action", "object_type", "object", "reason")} == {
        "who": "pm",
        "action": "changed",
        "object_type": "Go-live",
        "object": "Wave 1b",
        "reason": "Board decision",
    }
    assert entry["changes"] == [{"field": "Name", "before": "Wave 1", "after": "Wave 1b"}]


def test_the_api_refuses_a_date_it_cannot_read(client: Client, trust: Trust, cso: Any) -> None:
    client.force_login(cso)

    response = client.get(API, {"date_from": "yesterday"})

    assert response.status_code == 400


def test_the_page_costs_the_same_queries_however_many_entries_it_shows(
    client: Client, trust: Trust, cso: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        with acting_as(trust.programme_manager):
            rename(trust.wave_1, f"Wave 1 v{n}", f"Rename {n}")
            grant = f.grant(f.UserFactory(), Role.CHAMPION, trust.programme, [trust.ward_a])
            grant.areas.set([trust.ward_a, trust.ward_b])
    client.force_login(cso)

    with django_assert_max_num_queries(30):
        response = client.get(HOME)

    assert response.status_code == 200
    assert "Rename 29" in response.content.decode()


def test_the_last_day_there_is_as_end_date_shows_entries_not_an_error(
    client: Client, trust: Trust, cso: Any
) -> None:
    rename(trust.wave_1, "Wave One", reason="Board asked")
    client.force_login(cso)

    assert "Wave One" in results(client, date_to="31/12/9999")
    api = client.get(reverse("audit-entry-list"), {"date_to": "9999-12-31"})
    assert api.status_code == 200
