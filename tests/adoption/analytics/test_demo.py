from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from adoption.analytics import dip, metrics
from adoption.analytics.demo import CHANGE_DAY, seed_analytics_demo
from adoption.imports.demo import seed_adoption_demo
from adoption.models import ChangeMarker, DailyRollup, DailyUserActivity, Event, Metric
from golive.demo import DEMO_PROGRAMME, seed_demo
from golive.models import GoLive, Programme, User


@pytest.mark.django_db
def test_demo_seeds_metrics_markers_and_rollups_once_with_a_visible_order_set_effect(
    settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"
    seed_demo(staff_count=300)
    programme = Programme.objects.get(name=DEMO_PROGRAMME)
    pm = User.objects.get(username="pm")
    seed_adoption_demo(programme=programme, user=pm, per_day=20)

    first = seed_analytics_demo(programme=programme, user=pm)
    again = seed_analytics_demo(programme=programme, user=pm)

    assert first[0] == "Order-set pilot extract: Committed"
    assert again[0] == "Order-set pilot extract: already imported"
    assert ChangeMarker.objects.count() == 2
    assert Metric.objects.filter(programme=programme, is_builtin=True).count() == len(
        metrics.BUILTINS
    )
    clinical = Metric.objects.get(programme=programme, name="Clinical users per day")
    assert not clinical.is_builtin
    assert clinical.event_types  # a distinct-user metric filtered by what people did
    assert sum(DailyRollup.objects.values_list("events", flat=True)) == Event.objects.count()
    assert DailyUserActivity.objects.exists()
    change = ChangeMarker.objects.get(kind="configuration")
    live = GoLive.objects.filter(programme=programme).order_by("user_go_live_date").first()
    assert live is not None
    assert change.on == live.user_go_live_date + dt.timedelta(days=CHANGE_DAY)
    pilot = tuple(change.areas.values_list("pk", flat=True))
    orders = Metric.objects.get(programme=programme, name="Pathology orders per day")
    before = metrics.series(
        orders, metrics.Scope(pilot, change.on - dt.timedelta(days=14), change.on)
    )
    after = metrics.series(
        orders, metrics.Scope(pilot, change.on, change.on + dt.timedelta(days=14))
    )

    def mean(values: list[tuple[dt.date, float | None]]) -> float:
        known = [v for _, v in values if v is not None]
        return sum(known) / len(known)

    assert mean(after) > mean(before) + 10  # three wards, about 7 extra orders each a day

    # The programme dashboard shows the seeded go-lives side by side, with data.
    client = Client()
    client.force_login(User.objects.get(username="exec"))
    page = client.get("/adoption/programme/")
    assert page.status_code == 200
    for go_live in GoLive.objects.filter(programme=programme):
        assert go_live.name in page.content.decode()
    assert any(row.active_users for row in page.context["rows"])

    # So does the programme's board pack, with every table filled.
    board = client.get("/adoption/programme/board-pack/")
    assert board.status_code == 200
    assert board.context["area_rows"]
    assert board.context["waves"]
    # The live wave shows every dip figure (a first go-live: against its steady state), the
    # 7-day mean shallower than the deepest day and its recovery no earlier.
    live_wave = board.context["waves"][0].dip
    assert live_wave.baseline_source == dip.STEADY_STATE
    assert live_wave.go_live_day.change < 0
    assert live_wave.deepest_day.change < live_wave.deepest_week.change < 0
    assert live_wave.recovery_daily is not None
    assert live_wave.recovery_smoothed is not None
    assert live_wave.recovery_daily <= live_wave.recovery_smoothed
    assert all(weeks for _, weeks in board.context["charts"])
    assert board.context["charts"]

    # Before and after the order-set change: the pilot wards against the live wave's other
    # wards, with a lift the relative difference in differences is sure of.
    pm_client = Client()
    pm_client.force_login(pm)
    compared = pm_client.get(
        "/adoption/before-after/",
        {
            "go_live": live.pk,
            "metric": orders.pk,
            "marker": f"m{change.pk}",
            "days_before": 28,
            "days_after": 28,
            "settling_days": 7,
        },
    ).context["outcome"]
    assert compared.control_count > 0
    assert compared.did is not None
    assert compared.did.relative is not None
    assert compared.did.relative.low > 0
