"""The readiness section: its summary page, and who may enter it."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from readiness.models import Action, ReadinessGroup
from tests.readiness.conftest import Readiness


def test_home_lists_overdue_actions_of_the_readiness_groups(
    client: Client, readiness: Readiness
) -> None:
    group = ReadinessGroup.objects.get()
    today = timezone.localdate()
    Action.objects.create(
        group=group,
        description="Test printers on Ward A",
        owner=readiness.chair,
        due_on=today - dt.timedelta(days=2),
    )
    Action.objects.create(
        group=group,
        description="Order label printers",
        owner=readiness.chair,
        due_on=today + dt.timedelta(days=2),
    )
    Action.objects.create(
        group=group,
        description="Closed already",
        owner=readiness.chair,
        due_on=today - dt.timedelta(days=2),
        status="done",
    )
    client.force_login(readiness.trust.programme_manager)

    response = client.get("/readiness/")

    assert [a.description for a in response.context["overdue"]] == ["Test printers on Ward A"]
    assert "Test printers on Ward A" in response.content.decode()


def test_pages_of_the_readiness_section_render_for_a_programme_manager(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)
    for url in [
        "/readiness/",
        "/readiness/board/",
        "/readiness/groups/",
        "/readiness/gates/",
        "/readiness/hazards/",
        "/readiness/timeline/",
    ]:
        assert client.get(url).status_code == 200, url


def test_a_champion_has_no_readiness_section(client: Client, readiness: Readiness) -> None:
    client.force_login(readiness.trust.champion)
    assert client.get("/readiness/board/").status_code == 403
