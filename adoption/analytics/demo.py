"""Demo analytics for ``seed_demo``: the built-in metrics, change markers, and the daily
rollups of the demo extract (one set-wise rebuild).

The demo's configuration change has a real effect in the data: after a pathology order set
is simplified on three wards of the live wave, those wards place about a quarter more
pathology orders a day. The extra orders arrive as their own small audit extract (the
supplier's report for the pilot wards), imported through the same pipeline, so the main
extract and its idempotency are untouched. Idempotent: fixed seeds, get-or-create."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from django.utils import timezone

from adoption.analytics import metrics, rollups
from adoption.imports.demo import HEADER, VENDOR_PROFILE_NAME, _csv, _import, nhs_number
from adoption.models import ChangeMarker, EventType, Metric
from golive.models import Area, GoLive, Programme, StaffMember, User

CHANGE_DAY = 70  # days after the live wave's go-live
PILOT_WARDS = 3
EXTRA_ORDERS_PER_WARD_DAY = 7
DEMO_DAYS = 120  # the length of the main demo extract


def _pilot_orders(go_live: dt.date, areas: list[Area]) -> Iterator[list[str]]:
    rng = random.Random(23)  # noqa: S311 - demo data, not security
    # Never a day in the future: the import would refuse it.
    last = min(DEMO_DAYS, (timezone.localdate() - go_live).days)
    patients = [nhs_number(rng) for _ in range(300)]
    serial = 0
    for area in areas:
        users = list(
            StaffMember.objects.filter(areas=area, start_date__lte=go_live)
            .exclude(epr_user_id="")
            .filter(role_group__in=["medical", "nursing"])
            .order_by("pk")
            .values_list("epr_user_id", "role_group")
        )
        if not users:
            continue
        for day in range(CHANGE_DAY, last):
            date = go_live + dt.timedelta(days=day)
            for _ in range(
                rng.randint(EXTRA_ORDERS_PER_WARD_DAY - 3, EXTRA_ORDERS_PER_WARD_DAY + 3)
            ):
                user, role = rng.choice(users)
                moment = dt.datetime.combine(date, dt.time(8)) + dt.timedelta(
                    seconds=rng.randint(0, 12 * 3600)
                )
                serial += 1
                yield [
                    f"P{serial:07d}",
                    moment.strftime("%d/%m/%Y %H:%M:%S"),
                    "ORD_SIGN",
                    "LAB",
                    user,
                    "DR" if role == "medical" else "RN",
                    f"{area.site.code}/{area.code}",
                    rng.choice(patients),
                ]


def _marker(programme: Programme, user: User, title: str, **fields: object) -> ChangeMarker:
    marker, _ = ChangeMarker.objects.get_or_create(
        programme=programme, title=title, defaults={**fields, "created_by": user}
    )
    return marker


# A programme's own definition of active use, as a vendor's report defines it: people who
# did clinical work, not those who only logged in or looked at results.
CLINICAL_USERS = {
    "name": "Clinical users per day",
    "aggregate": Metric.Aggregate.ACTIVE_USERS,
    "event_types": [
        EventType.ORDER_PLACED.value,
        EventType.NOTE_SIGNED.value,
        EventType.DOCUMENTATION.value,
    ],
    "unit": Metric.Unit.USERS,
    "description": "The supplier's definition of an active clinical user, for comparison "
    "with theirs.",
}


def _clinical_users(programme: Programme, user: User) -> None:
    values = dict(CLINICAL_USERS)
    name = values.pop("name")
    Metric.objects.get_or_create(
        programme=programme, name=name, defaults={**values, "updated_by": user}
    )


def seed_analytics_demo(*, programme: Programme, user: User) -> list[str]:
    """Built-in metrics, a programme-defined one, the pilot extract, markers and a full
    rollup rebuild."""
    metrics.ensure_builtin_metrics(programme)
    _clinical_users(programme, user)
    lines = []
    live = GoLive.objects.filter(programme=programme).order_by("user_go_live_date").first()
    if live is not None:
        day0 = live.user_go_live_date
        pilot = list(live.areas.select_related("site").order_by("pk")[:PILOT_WARDS])
        extract = _csv(_pilot_orders(day0, pilot), HEADER)
        status = _import(
            programme=programme,
            user=user,
            kind="events",
            profile=VENDOR_PROFILE_NAME,
            data=extract,
            name="order-set-pilot-extract.csv",
        )
        lines.append(f"Order-set pilot extract: {status}")
        change = _marker(
            programme,
            user,
            "Pathology order set simplified",
            kind=ChangeMarker.Kind.CONFIGURATION,
            on=day0 + dt.timedelta(days=CHANGE_DAY),
            description="Common pathology panels grouped into one order set on the pilot wards.",
        )
        change.areas.set(pilot)
        _marker(
            programme,
            user,
            "Refresher sessions for ward staff",
            kind=ChangeMarker.Kind.TRAINING,
            on=day0 + dt.timedelta(days=21),
            description="Drop-in refresher sessions run by the super users.",
        )
    result = rollups.rebuild_all()
    lines.append(f"Adoption rollups: {result.days} days, {result.rollup_rows:,} rows")
    waves = GoLive.objects.filter(programme=programme).count()
    lines.append(f"Programme dashboard: {waves} go-lives side by side at /adoption/programme/")
    lines.append("Board pack of the programme, to print: /adoption/programme/board-pack/")
    return lines
