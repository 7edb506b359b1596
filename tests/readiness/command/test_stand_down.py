"""Stand-down criteria of a command cell: computed ones read live from the service desk,
manual ones ticked by the lead; standing down is refused while they are unmet unless a
reason is given."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from golive.access import Access
from readiness.command import services
from readiness.command.selectors import stand_down_met, stand_down_states
from readiness.command.standdown import busiest_hour
from readiness.models import CommandCell, StandDownCriterion
from support.models import Priority, Ticket
from tests.readiness.conftest import Readiness

K = StandDownCriterion.Kind
NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def silver(readiness: Readiness) -> CommandCell:
    return CommandCell.objects.create(
        go_live=readiness.trust.wave_1,
        level=CommandCell.Level.SILVER,
        name="Silver",
        lead=readiness.chair,
    )


def _ticket(readiness: Readiness, at: dt.datetime, **extra: object) -> Ticket:
    trust = readiness.trust
    return Ticket.objects.create(
        go_live=trust.wave_1, area=trust.ward_a, reporter_name="Sam", reporter_contact="ext 1",
        description="Cannot log in", logged_by=trust.programme_manager, created_at=at, **extra,
    )  # fmt: skip


def _add(
    cell: CommandCell, kind: str, title: str, hours: int | None = None, rate: int | None = None
) -> StandDownCriterion:
    return services.add_stand_down_criterion(
        access=Access(cell.lead), cell=cell, kind=kind, title=title, hours=hours, per_hour=rate
    )


def _met(cell: CommandCell, now: dt.datetime = NOW) -> list[bool]:
    return [state.met for state in stand_down_states(cell, now=now)]


def test_the_busiest_hour_counts_arrivals_per_hour_back_from_the_end() -> None:
    times = [NOW - dt.timedelta(minutes=m) for m in (5, 10, 50, 70, 130, 60 * 30)]
    assert busiest_hour(times, end=NOW, hours=3) == 3
    assert busiest_hour([], end=NOW, hours=3) == 0


def test_no_p1_open_is_unmet_while_a_p1_is_open(readiness: Readiness, silver: CommandCell) -> None:
    _add(silver, K.NO_P1_OPEN, "No P1 for 48 h", hours=48)
    _ticket(readiness, NOW - dt.timedelta(hours=100), priority=Priority.P1)
    assert _met(silver) == [False]
    assert stand_down_states(silver, now=NOW)[0].figure == "1 P1 ticket(s) open now"


def test_no_p1_open_is_unmet_until_the_last_p1_closed_long_enough_ago(
    readiness: Readiness, silver: CommandCell
) -> None:
    _add(silver, K.NO_P1_OPEN, "No P1 for 48 h", hours=48)
    closed = NOW - dt.timedelta(hours=47)
    _ticket(
        readiness, NOW - dt.timedelta(hours=60), priority=Priority.P1,
        status=Ticket.Status.RESOLVED, resolved_at=closed,
    )  # fmt: skip
    assert _met(silver) == [False]
    assert _met(silver, now=NOW + dt.timedelta(hours=2)) == [True]


def test_a_p2_does_not_hold_up_the_no_p1_criterion(
    readiness: Readiness, silver: CommandCell
) -> None:
    _add(silver, K.NO_P1_OPEN, "No P1 for 24 h", hours=24)
    _ticket(readiness, NOW - dt.timedelta(hours=1), priority=Priority.P2)
    assert _met(silver) == [True]


def test_arrivals_criterion_changes_when_an_hour_reaches_the_rate(
    readiness: Readiness, silver: CommandCell
) -> None:
    _add(silver, K.ARRIVALS_BELOW, "Below 3 an hour for 24 h", hours=24, rate=3)
    for minutes in (10, 20):
        _ticket(readiness, NOW - dt.timedelta(hours=5, minutes=minutes))
    assert _met(silver) == [True]
    _ticket(readiness, NOW - dt.timedelta(hours=5, minutes=30))
    assert _met(silver) == [False]
    # The busy hour leaves the window a day later.
    assert _met(silver, now=NOW + dt.timedelta(hours=20)) == [True]


def test_a_manual_criterion_is_met_once_the_lead_ticks_it_with_a_note(
    readiness: Readiness, silver: CommandCell
) -> None:
    criterion = _add(silver, K.MANUAL, "Wards confirm business as usual")
    assert _met(silver) == [False]
    services.tick_stand_down_criterion(
        access=Access(readiness.chair), user=readiness.chair, criterion=criterion, met=True,
        note="All ward managers confirmed at the 16:00 huddle",
    )  # fmt: skip
    criterion.refresh_from_db()
    assert _met(silver) == [True]
    assert (criterion.ticked_by, criterion.note) == (
        readiness.chair,
        "All ward managers confirmed at the 16:00 huddle",
    )


def test_ticking_a_manual_criterion_needs_a_note(readiness: Readiness, silver: CommandCell) -> None:
    criterion = _add(silver, K.MANUAL, "Wards confirm business as usual")
    with pytest.raises(ValidationError) as caught:
        services.tick_stand_down_criterion(
            access=Access(readiness.chair), user=readiness.chair, criterion=criterion, met=True,
            note="  ",
        )  # fmt: skip
    assert "note" in caught.value.error_dict


def test_a_computed_criterion_cannot_be_ticked(readiness: Readiness, silver: CommandCell) -> None:
    criterion = _add(silver, K.NO_P1_OPEN, "No P1 for 48 h", hours=48)
    with pytest.raises(ValidationError, match="live figures"):
        services.tick_stand_down_criterion(
            access=Access(readiness.chair), user=readiness.chair, criterion=criterion, met=True,
            note="Looks quiet",
        )  # fmt: skip


def test_a_computed_criterion_needs_its_hours(readiness: Readiness, silver: CommandCell) -> None:
    with pytest.raises(ValidationError) as caught:
        _add(silver, K.ARRIVALS_BELOW, "Quiet", hours=None, rate=None)
    assert set(caught.value.error_dict) == {"hours", "per_hour"}


def test_a_cell_with_no_criteria_has_not_met_stand_down(silver: CommandCell) -> None:
    assert stand_down_met(stand_down_states(silver, now=NOW)) is False


def test_standing_down_with_criteria_met_records_who_and_when(
    readiness: Readiness, silver: CommandCell
) -> None:
    _add(silver, K.NO_P1_OPEN, "No P1 for 48 h", hours=48)
    services.stand_down_cell(
        access=Access(readiness.chair), user=readiness.chair, cell=silver, override_reason="",
        now=NOW,
    )  # fmt: skip
    silver.refresh_from_db()
    assert (silver.stood_down_by, silver.stood_down_at, silver.stand_down_override) == (
        readiness.chair,
        NOW,
        "",
    )


def test_standing_down_is_refused_while_a_criterion_is_unmet(
    readiness: Readiness, silver: CommandCell
) -> None:
    _add(silver, K.MANUAL, "Wards confirm business as usual")
    with pytest.raises(ValidationError) as caught:
        services.stand_down_cell(
            access=Access(readiness.chair), user=readiness.chair, cell=silver,
            override_reason="", now=NOW,
        )  # fmt: skip
    assert caught.value.code == "criteria_unmet"
    assert "Wards confirm business as usual" in caught.value.messages[0]
    silver.refresh_from_db()
    assert silver.stood_down_at is None


def test_standing_down_unmet_with_a_reason_keeps_the_reason(
    readiness: Readiness, silver: CommandCell
) -> None:
    _add(silver, K.MANUAL, "Wards confirm business as usual")
    services.stand_down_cell(
        access=Access(readiness.chair), user=readiness.chair, cell=silver,
        override_reason="Gold agreed to stand down; bronze keeps the wards covered", now=NOW,
    )  # fmt: skip
    silver.refresh_from_db()
    assert silver.stand_down_override.startswith("Gold agreed")


def test_a_cell_stands_down_once(readiness: Readiness, silver: CommandCell) -> None:
    _add(silver, K.NO_P1_OPEN, "No P1 for 48 h", hours=48)
    access = Access(readiness.chair)
    services.stand_down_cell(
        access=access, user=readiness.chair, cell=silver, override_reason="", now=NOW
    )
    with pytest.raises(ValidationError) as caught:
        services.stand_down_cell(
            access=access, user=readiness.chair, cell=silver, override_reason="", now=NOW
        )
    assert caught.value.code == "stood_down"


def test_someone_who_does_not_lead_the_cell_cannot_stand_it_down(
    readiness: Readiness, silver: CommandCell
) -> None:
    with pytest.raises(PermissionDenied):
        services.stand_down_cell(
            access=Access(readiness.cso), user=readiness.cso, cell=silver,
            override_reason="Because", now=NOW,
        )  # fmt: skip


def test_the_cell_page_shows_whether_stand_down_is_met(
    client: Client, readiness: Readiness, silver: CommandCell
) -> None:
    _add(silver, K.NO_P1_OPEN, "No P1 for 48 hours", hours=48)
    _ticket(readiness, timezone.now() - dt.timedelta(hours=1), priority=Priority.P1)
    client.force_login(readiness.chair)
    page = client.get(f"/readiness/cells/{silver.pk}/").content.decode()
    assert "Criteria not met" in page
    assert "1 P1 ticket(s) open now" in page


def test_the_cell_page_refuses_an_unmet_stand_down_with_a_message(
    client: Client, readiness: Readiness, silver: CommandCell
) -> None:
    _add(silver, K.MANUAL, "Wards confirm business as usual")
    client.force_login(readiness.chair)
    response = client.post(
        f"/readiness/cells/{silver.pk}/", {"form": "stand_down", "override_reason": ""}
    )
    assert response.status_code == 200
    assert "The stand-down criteria are not met" in response.content.decode()
    silver.refresh_from_db()
    assert silver.stood_down_at is None


def test_the_lead_ticks_a_criterion_and_stands_down_from_the_cell_page(
    client: Client, readiness: Readiness, silver: CommandCell
) -> None:
    criterion = _add(silver, K.MANUAL, "Wards confirm business as usual")
    client.force_login(readiness.chair)
    url = f"/readiness/cells/{silver.pk}/"
    client.post(url, {"form": "tick", "pk": criterion.pk, "met": "yes", "note": "All confirmed"})
    response = client.post(url, {"form": "stand_down", "override_reason": ""})
    assert response.status_code == 302
    silver.refresh_from_db()
    assert silver.stood_down_by == readiness.chair


def test_a_ward_manager_cannot_open_a_cell_page(
    client: Client, readiness: Readiness, silver: CommandCell
) -> None:
    client.force_login(readiness.trust.ward_manager)
    assert client.get(f"/readiness/cells/{silver.pk}/").status_code == 403


def test_ticking_with_a_criterion_that_is_not_a_number_is_not_found(
    client: Client, readiness: Readiness, silver: CommandCell
) -> None:
    client.force_login(readiness.chair)
    response = client.post(
        f"/readiness/cells/{silver.pk}/", {"form": "tick", "pk": "x", "met": "yes", "note": "n"}
    )
    assert response.status_code == 404
