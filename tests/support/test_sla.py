from __future__ import annotations

import datetime as dt

from support.sla import ClockState, sla_status

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
RESPOND = dt.timedelta(minutes=30)
RESOLVE = dt.timedelta(hours=8)


def status(now_minutes: int, *, responded: int | None = None, resolved: int | None = None):
    def at(minutes: int | None) -> dt.datetime | None:
        return None if minutes is None else T0 + dt.timedelta(minutes=minutes)

    return sla_status(
        created_at=T0,
        first_response_at=at(responded),
        resolved_at=at(resolved),
        first_response_allowance=RESPOND,
        resolve_allowance=RESOLVE,
        now=T0 + dt.timedelta(minutes=now_minutes),
    )


def test_a_fresh_ticket_has_both_clocks_running() -> None:
    result = status(5)
    assert result.first_response.state == ClockState.RUNNING
    assert result.resolution.state == ClockState.RUNNING
    assert result.first_response.due_at == T0 + RESPOND
    assert not result.is_breached


def test_a_response_clock_three_quarters_gone_warns_due_soon() -> None:
    assert status(23).first_response.state == ClockState.DUE_SOON
    assert status(22).first_response.state == ClockState.RUNNING
    assert status(23).needs_warning


def test_an_unanswered_ticket_past_its_response_time_is_breached() -> None:
    result = status(31)
    assert result.first_response.state == ClockState.BREACHED
    assert result.is_breached


def test_the_due_minute_itself_is_not_yet_a_breach() -> None:
    assert status(30).first_response.state == ClockState.DUE_SOON


def test_a_response_in_time_is_met_even_when_looked_at_later() -> None:
    assert status(600, responded=29, resolved=400).first_response.state == ClockState.MET


def test_a_late_response_is_recorded_as_missed() -> None:
    result = status(60, responded=45)
    assert result.first_response.state == ClockState.MISSED
    assert result.is_breached
    assert not result.needs_warning  # nothing left to act on for the response clock


def test_resolving_without_a_separate_response_stops_the_response_clock() -> None:
    assert status(100, resolved=20).first_response.state == ClockState.MET


def test_a_ticket_open_past_its_resolution_time_is_breached() -> None:
    assert status(481, responded=10).resolution.state == ClockState.BREACHED
