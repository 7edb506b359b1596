"""Training as the core's pages show it: the trained-staff tile (with training's status) on
the dashboards and the open training alerts on the home page (both registered in
``TrainingConfig.ready``)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from golive.access import Access
from golive.dashboard import HomeAlerts
from golive.models import GoLive
from golive.tiles import Tile, percent_figure
from training import selectors, status
from training.models import TrainingAlert


def training_tile(access: Access, go_live: GoLive, today: dt.date) -> Tile:
    """Trained now (figure and count from the same tally, so they agree), then training's
    status sentence: a board reading the tile sees the plan and the forecast reconciled."""
    scope = selectors.scope_for(access, go_live)
    staff = selectors.staff_in_scope(scope)
    figures = selectors.totals(staff, go_live, today=today)
    # The tally's "required" is the trajectory's population: not counted a second time.
    trajectory = selectors.trajectory_for(staff, go_live, today=today, figures=figures)
    return Tile(
        "Training",
        percent_figure(figures.percent),
        f"{figures.trained:,} of {figures.required:,} staff trained; {figures.overdue:,} "
        f"overdue. {status.status_sentence(trajectory)}",
        reverse("training:home"),
    )


def training_alerts(access: Access, go_live: GoLive) -> HomeAlerts:
    """Open training alerts of the go-live (behind trajectory, forecast to miss target)."""
    return HomeAlerts(
        heading="Training alerts",
        template="training/_alerts.html",
        alerts=list(TrainingAlert.objects.filter(go_live=go_live, closed_at__isnull=True)),
        link_text="See the training trajectory",
        link_url=reverse("training:home"),
    )
