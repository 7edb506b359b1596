"""Celery entry points for readiness: sit-reps drafted on a schedule during go-live."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from golive.celery import golive_task
from readiness.command import services
from readiness.models import CommandCell

# Sit-reps are drafted through the go-live period: from the day before user go-live to the
# end of the second week, when most trusts stand the command cells down.
ACTIVE_BEFORE = dt.timedelta(days=1)
ACTIVE_AFTER = dt.timedelta(days=14)


def period_end(now: dt.datetime, every_hours: int) -> dt.datetime:
    """The latest local time at or before ``now`` on the drafting grid (midnight, then every
    ``every_hours`` hours), so every cell's sit-reps cover the same, predictable periods."""
    local = timezone.localtime(now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    hours = (local.hour // every_hours) * every_hours
    return midnight + dt.timedelta(hours=hours)


def cells_in_go_live_period(today: dt.date) -> list[CommandCell]:
    return [
        cell
        for cell in CommandCell.objects.select_related("go_live")
        if cell.go_live.user_go_live_date - ACTIVE_BEFORE
        <= today
        <= cell.go_live.user_go_live_date + ACTIVE_AFTER
    ]


@golive_task(ignore_result=True)
def draft_due_sitreps() -> int:
    """Draft the sit-rep due now for every cell in its go-live period (idempotent: one per
    cell and period, however often beat delivers this). Returns how many cells were seen."""
    every = settings.SITREP_EVERY_HOURS
    end = period_end(timezone.now(), every)
    cells = cells_in_go_live_period(timezone.localdate())
    for cell in cells:
        services.draft_sitrep_for_period(cell=cell, now=end, hours=every)
    return len(cells)
