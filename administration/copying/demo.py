"""Demo for ``manage.py seed_demo``: Wave 4 set up from Wave 2 (the acute sites' big bang),
the way a modular programme sets up its next wave. Runs after every app's demo, so Wave 2
has its criteria, gates, milestones, training, command cells and champion targets to copy.

Idempotent through the service: a later run finds Wave 4 and creates nothing more."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from administration.copying import services
from golive.access import Access
from golive.models import GoLive, Programme, User

SOURCE = "Wave 2 – Acute sites big bang"
TARGET = "Wave 4 – Acute sites optimisation"


def seed_copying_demo(*, programme: Programme, today: dt.date | None = None) -> list[str]:
    today = today or timezone.localdate()
    pm = User.objects.filter(username="pm").first()
    source = GoLive.objects.filter(programme=programme, name=SOURCE).first()
    if pm is None or source is None:
        return []
    user_day = today + dt.timedelta(days=200)
    record = services.copy_go_live(
        access=Access(pm),
        source=source,
        name=TARGET,
        user_go_live_date=user_day,
        technical_go_live_date=user_day - dt.timedelta(days=14),
        by=pm,
    )
    total = sum(len(items) for items in record.created.values())
    return [
        f"{record.target.name}: set up from {source.name} ({total} items copied); "
        f"see /setup/go-lives/copies/{record.pk}/"
    ]
