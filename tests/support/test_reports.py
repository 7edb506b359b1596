from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from golive.access import Access
from support import reports, services
from tests.support.conftest import DeskTrust


def test_response_and_resolution_times_match_hand_computed_figures(
    desk: DeskTrust, make_ticket: Any
) -> None:
    start = timezone.now() - dt.timedelta(days=1)
    for minutes_to_respond, minutes_to_resolve in ((10, 30), (20, 90), (60, None)):
        ticket = make_ticket(at=start)
        ticket = services.claim_ticket(
            ticket=ticket, user=desk.agent, now=start + dt.timedelta(minutes=minutes_to_respond)
        )
        if minutes_to_resolve is not None:
            services.change_status(
                ticket=ticket,
                user=desk.agent,
                status="resolved",
                resolution_type="no_fault",
                now=start + dt.timedelta(minutes=minutes_to_resolve),
            )
    figures = reports.analytics(Access(desk.agent), desk.wave_1)
    everything = figures.first_response[0]
    assert (everything.count, everything.median_minutes, everything.p90_minutes) == (3, 20, 60)
    resolved = figures.resolution[0]
    assert (resolved.count, resolved.median_minutes, resolved.p90_minutes) == (2, 30, 90)
    p3 = figures.first_response[3]
    assert (p3.label, p3.count) == ("P3", 3)


def test_a_ticket_open_at_a_moment_counts_on_the_board_for_that_moment_only(
    desk: DeskTrust, make_ticket: Any
) -> None:
    start = timezone.now() - dt.timedelta(hours=5)
    ticket = make_ticket(at=start)
    services.change_status(
        ticket=ticket,
        user=desk.agent,
        status="resolved",
        resolution_type="no_fault",
        now=start + dt.timedelta(hours=2),
    )
    access = Access(desk.agent)
    assert (
        reports.live_board(access, desk.wave_1, now=start + dt.timedelta(hours=1)).open_total == 1
    )
    assert (
        reports.live_board(access, desk.wave_1, now=start + dt.timedelta(hours=3)).open_total == 0
    )
