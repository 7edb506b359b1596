"""Demo set-up for ``seed_demo``: the waves' dual-running and stabilisation windows, a patient
cohort on the modular wave, planned dates and descriptions on the releases, and one area
retired with its reason in the history. Only empty values are filled and the retired area is
retired once, so running it again changes nothing (and keeps what a user changed)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from golive.models import Area, GoLive, Programme, Site

DAY = dt.timedelta(days=1)
REASON = "Demo: unit closed, services moved to Riverside Outpatients"
COHORT = "Adult elective patients only"
RETIRED = ("RCH", "RDU", "Riverside Day Unit", Area.AreaType.DEPARTMENT, "Day case surgery")


def _windows(go_live: GoLive) -> bool:
    """Dual running a fortnight past the user go-live; stabilisation eight weeks past it."""
    changed = False
    if go_live.dual_running_ends_on is None:
        go_live.dual_running_ends_on = go_live.user_go_live_date + 14 * DAY
        changed = True
    if go_live.stabilisation_ends_on is None:
        go_live.stabilisation_ends_on = go_live.user_go_live_date + 56 * DAY
        changed = True
    if go_live.approach == GoLive.Approach.MODULAR and not go_live.scope_note:
        go_live.scope_note = COHORT
        changed = True
    return changed


def _releases(go_live: GoLive) -> int:
    """Planned dates: releases land a week apart, the last on the technical (else user) go-live."""
    releases = list(go_live.releases.order_by("pk"))
    last = go_live.technical_go_live_date or go_live.user_go_live_date
    filled = 0
    for index, release in enumerate(releases):
        if release.planned_date is not None:
            continue
        release.planned_date = last - (len(releases) - 1 - index) * 7 * DAY
        if not release.description:
            release.description = (
                f"{release.name}, version {release.version or '1'}, for {go_live.name}."
            )
        release._change_reason = "Demo set-up"  # type: ignore[attr-defined]
        release.save(update_fields=["planned_date", "description"])
        filled += 1
    return filled


def _retired_area(programme: Programme) -> bool:
    site_code, code, name, area_type, specialty = RETIRED
    site = Site.objects.filter(organisation=programme.organisation, code=site_code).first()
    if site is None:
        return False
    area, created = Area.objects.get_or_create(
        site=site, code=code,
        defaults={"name": name, "area_type": area_type, "specialty": specialty},
    )  # fmt: skip
    if not created:
        return False
    area.is_active = False
    area._change_reason = REASON  # type: ignore[attr-defined]
    area.save(update_fields=["is_active"])
    return True


@transaction.atomic
def seed_structure_demo(*, programme: Programme) -> list[str]:
    """Fill the demo's set-up details; returns a line saying what changed."""
    windows = 0
    for go_live in programme.go_lives.all():
        if _windows(go_live):
            go_live._change_reason = "Demo set-up"  # type: ignore[attr-defined]
            go_live.full_clean(validate_constraints=True)
            go_live.save()
            windows += 1
    releases = sum(_releases(go_live) for go_live in programme.go_lives.all())
    retired = _retired_area(programme)
    return [
        f"Set-up: {windows} go-live windows, {releases} release dates filled"
        + (", one area retired with its reason." if retired else ".")
    ]
