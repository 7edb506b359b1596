"""Data minimisation for champions (issue 22, F8): executives see figures, not names; a
champion sees their own records in full and colleagues' names only; the people who pick and
roster champions see everything. Pages, exports and the API follow one rule
(``champions.visibility``)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pytest
from django.test import Client

from champions import services
from champions.models import Assignment, CoverRequest, Designation
from golive.access import Access
from tests.champions.conftest import Champions
from tests.conftest import Trust

NAME = "Colleague Canary"
NOTE = "Note canary: steady under pressure"
WITHDRAWN = "Withdrawal canary: moving wards"
REASON = "Childcare canary"
OWN_NOTE = "Own note canary"
OWN_REASON = "Own reason canary"


@dataclass
class Ward:
    colleague: Designation
    withdrawn: Designation
    own: Designation
    assignment: Assignment
    cover: CoverRequest
    own_cover: CoverRequest


@pytest.fixture
def ward(trust: Trust, champions: Champions) -> Ward:
    """Ward A: a colleague with a note, rostered and asking cover ("childcare"); someone
    withdrawn with a reason; and the champion login's own designation, also asking cover."""
    manager = Access(trust.ward_manager)
    colleague = champions.designate(champions.staff(NAME, trust.ward_a), trust.ward_a)
    colleague.note = NOTE
    colleague.save(update_fields=["note"])
    withdrawn = champions.designate(champions.staff("Gone Canary", trust.ward_a), trust.ward_a)
    services.withdraw(
        access=manager, user=trust.ward_manager, designation=withdrawn, reason=WITHDRAWN
    )
    mine = champions.staff("Champion Self", trust.ward_a)
    mine.user = trust.champion
    mine.save(update_fields=["user"])
    own = champions.designate(mine, trust.ward_a)
    own.note = OWN_NOTE
    own.save(update_fields=["note"])
    early, late = champions.shift(trust.ward_a), champions.shift(trust.ward_a, name="Late")
    assignment = services.assign_to_shift(
        access=manager, user=trust.ward_manager, shift=early, designation=colleague
    )
    own_assignment = services.assign_to_shift(
        access=manager, user=trust.ward_manager, shift=late, designation=own
    )
    cover = services.request_cover(
        access=manager, user=trust.ward_manager, assignment=assignment, reason=REASON
    )
    own_cover = services.request_cover(
        access=manager, user=trust.ward_manager, assignment=own_assignment, reason=OWN_REASON
    )
    return Ward(
        colleague, Designation.objects.get(pk=withdrawn.pk), own, assignment, cover, own_cover
    )


def _rows(client: Client, url: str) -> dict[int, dict[str, object]]:
    return {row["id"]: row for row in client.get(url).json()["results"]}


def _body(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# The API.


def test_executive_gets_designations_without_names_scores_notes_or_reasons(
    client: Client, trust: Trust, ward: Ward
) -> None:
    client.force_login(trust.executive)

    rows = _rows(client, "/api/v1/designations/")

    withheld = {"staff", "staff_name", "staff_number", "systems_confidence", "leadership"}
    withheld |= {"note", "withdrawal_reason"}
    assert all(withheld.isdisjoint(row) for row in rows.values())
    assert rows[ward.colleague.pk]["role"] == "digital_champion"


def test_executive_gets_shifts_assignments_and_cover_requests_without_names_or_reasons(
    client: Client, trust: Trust, ward: Ward
) -> None:
    client.force_login(trust.executive)

    bodies = [
        _body(client, url)
        for url in ("/api/v1/shifts/", "/api/v1/shift-assignments/", "/api/v1/cover-requests/")
    ]
    cover = _rows(client, "/api/v1/cover-requests/")[ward.cover.pk]

    assert not any(NAME in body or "Champion Self" in body for body in bodies)
    assert not any(REASON in body for body in bodies)
    assert cover["request_type"] == "cover"
    assert "staff_name" not in cover


def test_champion_gets_colleagues_names_but_not_their_scores_notes_or_reasons(
    client: Client, trust: Trust, ward: Ward
) -> None:
    client.force_login(trust.champion)

    designations = _rows(client, "/api/v1/designations/")
    covers = _rows(client, "/api/v1/cover-requests/")

    colleague, withdrawn = designations[ward.colleague.pk], designations[ward.withdrawn.pk]
    assert colleague["staff_name"] == NAME
    assert {"systems_confidence", "leadership", "note"}.isdisjoint(colleague)
    assert "withdrawal_reason" not in withdrawn
    assert covers[ward.cover.pk]["staff_name"] == NAME
    assert "reason" not in covers[ward.cover.pk]


def test_champion_gets_their_own_records_in_full(client: Client, trust: Trust, ward: Ward) -> None:
    client.force_login(trust.champion)

    own = _rows(client, "/api/v1/designations/")[ward.own.pk]
    own_cover = _rows(client, "/api/v1/cover-requests/")[ward.own_cover.pk]

    assert (own["staff_name"], own["note"], own["leadership"]) == ("Champion Self", OWN_NOTE, 4)
    assert own_cover["reason"] == OWN_REASON


def test_ward_manager_still_gets_scores_notes_and_reasons(
    client: Client, trust: Trust, ward: Ward
) -> None:
    client.force_login(trust.ward_manager)

    designations = _rows(client, "/api/v1/designations/")
    cover = _rows(client, "/api/v1/cover-requests/")[ward.cover.pk]

    assert designations[ward.colleague.pk]["note"] == NOTE
    assert designations[ward.colleague.pk]["systems_confidence"] == 4
    assert designations[ward.withdrawn.pk]["withdrawal_reason"] == WITHDRAWN
    assert (cover["staff_name"], cover["reason"]) == (NAME, REASON)


def test_schema_says_person_fields_may_be_left_out(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    components = client.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]

    designation = components["Designation"]
    assert {"staff_name", "leadership", "note"}.isdisjoint(designation["required"])
    assert "executives" in designation["properties"]["staff_name"]["description"]
    assert "reason" not in components["CoverRequest"]["required"]


# Pages and exports.


def test_executive_pages_show_no_champion_names_notes_or_reasons(
    client: Client, trust: Trust, ward: Ward
) -> None:
    client.force_login(trust.executive)

    pages = [
        _body(client, "/champions/"),
        _body(client, f"/champions/roster/?area={trust.ward_a.pk}"),
        _body(client, f"/champions/cover-requests/{ward.cover.pk}/"),
        _body(client, f"/champions/designations/{ward.colleague.pk}/withdraw/"),
    ]

    for text in (NAME, "Champion Self", NOTE, WITHDRAWN, REASON):
        assert not any(text in page for page in pages), text


def test_executive_is_refused_the_ask_for_cover_form_which_names_people(
    client: Client, trust: Trust, ward: Ward
) -> None:
    client.force_login(trust.executive)

    assert client.get(f"/champions/assignments/{ward.assignment.pk}/cover/").status_code == 403


def test_executive_exports_leave_names_scores_and_notes_empty(
    client: Client, trust: Trust, ward: Ward
) -> None:
    client.force_login(trust.executive)

    designations = _body(client, "/champions/designations.csv?status=")
    roster = _body(client, "/champions/roster.csv")

    assert NAME not in designations + roster
    assert NOTE not in designations
    rows = list(csv.DictReader(io.StringIO(designations)))
    assert {row["Leadership (1-5)"] for row in rows} == {""}
    assert {row["Role"] for row in rows} == {"Digital champion"}


def test_champion_sees_colleagues_names_without_their_scores_notes_or_cover_reasons(
    client: Client, trust: Trust, ward: Ward
) -> None:
    client.force_login(trust.champion)

    home = _body(client, "/champions/")
    cover = _body(client, f"/champions/cover-requests/{ward.cover.pk}/")
    export = {
        row["Name"]: row
        for row in csv.DictReader(io.StringIO(_body(client, "/champions/designations.csv")))
    }

    assert NAME in home
    assert NOTE not in home
    assert NAME in cover
    assert REASON not in cover
    assert (export[NAME]["Note"], export[NAME]["Leadership (1-5)"]) == ("", "")
    assert (export["Champion Self"]["Note"], export["Champion Self"]["Leadership (1-5)"]) == (
        OWN_NOTE,
        "4",
    )


def test_champion_sees_their_own_cover_reason(client: Client, trust: Trust, ward: Ward) -> None:
    client.force_login(trust.champion)

    assert OWN_REASON in _body(client, f"/champions/cover-requests/{ward.own_cover.pk}/")


def test_ward_manager_pages_keep_names_notes_and_reasons(
    client: Client, trust: Trust, ward: Ward
) -> None:
    client.force_login(trust.ward_manager)

    home = _body(client, "/champions/")
    cover = _body(client, f"/champions/cover-requests/{ward.cover.pk}/")

    assert NAME in home
    assert NOTE in home
    assert REASON in cover
