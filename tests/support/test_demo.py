from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone

from golive.access import Access
from golive.demo import DEMO_PROGRAMME, seed_demo
from golive.models import Programme, User
from support import reports
from support.demo import seed_support_demo
from support.models import Escalation, KnownIssue, Notice, SatisfactionResponse, Ticket

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def seeded(db: None) -> Programme:
    seed_demo(staff_count=50, today=TODAY)
    programme = Programme.objects.get(name=DEMO_PROGRAMME)
    seed_support_demo(programme=programme, today=TODAY)
    return programme


def test_the_demo_desk_has_a_believable_fortnight_once(seeded: Programme) -> None:
    count = Ticket.objects.count()
    assert 1400 <= count <= 1600
    again = seed_support_demo(programme=seeded, today=TODAY)
    assert Ticket.objects.count() == count
    assert "already seeded" in again[0]
    assert KnownIssue.objects.filter(status="fixed").exists()
    assert KnownIssue.objects.filter(status="open", is_published=True).exists()
    assert Escalation.objects.count() == 1
    assert SatisfactionResponse.objects.exists()


def test_the_demo_shows_a_login_spike_on_the_first_morning(seeded: Programme) -> None:
    go_live = Ticket.objects.first().go_live
    london = zoneinfo.ZoneInfo("Europe/London")
    nine_am = dt.datetime.combine(go_live.user_go_live_date, dt.time(9), tzinfo=london)
    board = reports.live_board(Access(User.objects.get(username="desk")), go_live, now=nine_am)
    assert [spike.key for spike in board.category_spikes] == ["Access, login and single sign-on"]


def test_the_demo_has_some_sla_breaches(seeded: Programme) -> None:
    go_live = Ticket.objects.first().go_live
    london = zoneinfo.ZoneInfo("Europe/London")
    noon = dt.datetime.combine(go_live.user_go_live_date, dt.time(12), tzinfo=london)
    board = reports.live_board(Access(User.objects.get(username="desk")), go_live, now=noon)
    assert board.breached


def test_the_demo_desk_opens_on_the_go_live_fortnight_it_seeded(db: None, client: Client) -> None:
    seed_demo(staff_count=50, today=timezone.localdate())
    seed_support_demo(
        programme=Programme.objects.get(name=DEMO_PROGRAMME), today=timezone.localdate()
    )
    client.force_login(User.objects.get(username="desk"))

    response = client.get("/support/tickets/")

    seeded = Ticket.objects.first().go_live
    assert response.context["go_live"] == seeded
    assert response.context["page"].paginator.count == Ticket.objects.count()


def test_the_demo_safety_officer_has_safety_concerns_to_act_on(seeded: Programme) -> None:
    cso = User.objects.get(username="cso")
    notices = Notice.objects.filter(recipient=cso, seen_at=None)
    assert notices.count() == 3
    assert all(notice.ticket.is_clinical_safety for notice in notices)
