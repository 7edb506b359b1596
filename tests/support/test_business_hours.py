"""SLA clocks that run in business hours only, and the desk's thresholds as settings.
Known answers by hand: Europe/London, 08:00–18:00, Monday to Friday."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured

from golive.config import business_hours as read_business_hours
from support.models import Priority, SlaTarget, Ticket
from support.selectors import ticket_sla
from support.sla import BusinessHours, ClockState, clock

LONDON = ZoneInfo("Europe/London")
HOURS = BusinessHours(opens=dt.time(8), closes=dt.time(18), days=frozenset(range(5)), zone=LONDON)


def london(day: int, hour: int, minute: int = 0, *, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=LONDON)


def test_time_left_on_friday_evening_carries_over_to_monday_morning() -> None:
    # Friday 6 March 17:00 + 4 h: one hour on Friday, three from 08:00 on Monday 9 March.
    assert HOURS.due(london(6, 17), dt.timedelta(hours=4)) == london(9, 11)


def test_a_ticket_logged_at_the_weekend_starts_its_clock_on_monday() -> None:
    assert HOURS.due(london(7, 10), dt.timedelta(minutes=30)) == london(9, 8, 30)


def test_a_ticket_logged_before_opening_starts_its_clock_at_opening() -> None:
    assert HOURS.due(london(2, 6), dt.timedelta(hours=1)) == london(2, 9)


def test_the_working_day_follows_the_clocks_going_forward() -> None:
    # Summer time starts on Sunday 29 March: Monday opens at 07:00 UTC, not 08:00.
    due = HOURS.due(london(27, 17), dt.timedelta(hours=2))
    assert due == dt.datetime(2026, 3, 30, 8, 0, tzinfo=dt.UTC)


def test_only_working_time_counts_as_elapsed() -> None:
    assert HOURS.elapsed(london(6, 17), london(9, 8, 30)) == dt.timedelta(minutes=90)
    assert HOURS.elapsed(london(7, 9), london(8, 17)) == dt.timedelta()


def test_a_business_hours_clock_is_not_breached_over_the_weekend() -> None:
    logged, allowance = london(6, 17, 45), dt.timedelta(minutes=30)

    def state(now: dt.datetime) -> ClockState:
        return clock(
            started_at=logged, allowance=allowance, done_at=None, now=now, hours=HOURS
        ).state

    assert state(london(7, 12)) == ClockState.RUNNING  # 15 of 30 minutes gone
    assert state(london(9, 8, 10)) == ClockState.DUE_SOON  # 25 gone
    assert state(london(9, 8, 16)) == ClockState.BREACHED  # due at 08:15
    around_the_clock = clock(
        started_at=logged, allowance=allowance, done_at=None, now=london(7, 12)
    )
    assert around_the_clock.state == ClockState.BREACHED


def test_business_hours_that_close_before_they_open_are_refused() -> None:
    with pytest.raises(ValueError, match="close after"):
        BusinessHours(opens=dt.time(18), closes=dt.time(8), days=frozenset({0}), zone=LONDON)


def test_a_tickets_sla_uses_its_priority_targets_clock(settings: Any) -> None:
    settings.SUPPORT_BUSINESS_OPENS, settings.SUPPORT_BUSINESS_CLOSES = dt.time(8), dt.time(18)
    settings.SUPPORT_BUSINESS_DAYS = [0, 1, 2, 3, 4]
    targets = {
        Priority.P1: SlaTarget(
            priority=Priority.P1, first_response_minutes=30, resolve_minutes=240
        ),
        Priority.P4: SlaTarget(
            priority=Priority.P4,
            first_response_minutes=30,
            resolve_minutes=240,
            clock=SlaTarget.Clock.BUSINESS_HOURS,
        ),
    }
    saturday = london(7, 12)

    def sla(priority: str) -> Any:
        ticket = Ticket(priority=priority, created_at=london(6, 17, 45))
        return ticket_sla(ticket, targets, now=saturday)

    assert sla(Priority.P1).first_response.state == ClockState.BREACHED
    assert sla(Priority.P4).first_response.state == ClockState.RUNNING
    assert sla(Priority.P4).resolution.due_at == london(9, 11, 45)


def test_business_hours_and_days_are_read_from_the_environment() -> None:
    environ = {"SUPPORT_BUSINESS_HOURS": "07:30-19:00", "SUPPORT_BUSINESS_DAYS": "mon,sat,Sun"}

    assert read_business_hours(environ) == (dt.time(7, 30), dt.time(19), [0, 5, 6])
    assert read_business_hours({}) == (dt.time(8), dt.time(18), [0, 1, 2, 3, 4])


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SUPPORT_BUSINESS_HOURS", "8 till late"),
        ("SUPPORT_BUSINESS_HOURS", "18:00-08:00"),
        ("SUPPORT_BUSINESS_DAYS", "mon,funday"),
        ("SUPPORT_BUSINESS_DAYS", ","),
    ],
)
def test_bad_business_hours_settings_stop_start_up(name: str, value: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=name):
        read_business_hours({name: value})
