"""Demo champions and rosters for ``manage.py seed_demo``: designations in every area of the
next go-live, early/late/night shifts for its fortnight, people rostered on them with a few
visible gaps, and an e-roster for Ward 7B.

Idempotent: designations, patterns and shifts are keyed on natural keys, and the roster and
e-roster are written only the first time (later runs leave whatever users changed).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from champions import rota, services
from champions.models import Assignment, Designation, Shift, ShiftPattern
from champions.shifts import days_in, default_period, shift_span, supporters_needed
from golive.access import Access
from golive.models import Area, GoLive, Programme, User
from golive.navigation import default_go_live
from training.models import Completion, Course

Kind = Designation.Kind
SUPER_USER_COURSE = "SU301"
PATTERNS = (
    (ShiftPattern.Kind.EARLY, "Early", dt.time(7, 0), dt.time(15, 0), 14),
    (ShiftPattern.Kind.LATE, "Late", dt.time(15, 0), dt.time(23, 0), 12),
    (ShiftPattern.Kind.NIGHT, "Night", dt.time(23, 0), dt.time(7, 0), 8),
)
# Per area: (kind, status, trained) for the first staff members by staff number.
PEOPLE = (
    (Kind.SUPER_USER, Designation.Status.AGREED, True),
    (Kind.SUPER_USER, Designation.Status.AGREED, True),
    (Kind.SUPER_USER, Designation.Status.AGREED, True),
    (Kind.DIGITAL_CHAMPION, Designation.Status.AGREED, False),
    (Kind.DIGITAL_CHAMPION, Designation.Status.AGREED, False),
    (Kind.SUPER_USER, Designation.Status.AGREED, False),  # agreed, training still to do
    (Kind.DIGITAL_CHAMPION, Designation.Status.NOMINATED, False),
    (Kind.FLOORWALKER, Designation.Status.AGREED, False),
)
E_ROSTER_AREA = ("NGH", "W7B")


def _super_user_course(programme: Programme) -> Course:
    """The programme's super-user course (the training demo's SU301), made if missing."""
    existing = (
        Course.objects.filter(programme=programme, delivery=Course.Delivery.SUPER_USER)
        .order_by("code")
        .first()
    )
    if existing is not None:
        return existing
    return Course.objects.create(
        programme=programme,
        code=SUPER_USER_COURSE,
        name="Super-user training",
        delivery=Course.Delivery.SUPER_USER,
        duration_minutes=360,
    )


def _designate(go_live: GoLive, areas: list[Area], by: User, course: Course) -> None:
    now = timezone.now()
    existing = set(
        Designation.objects.filter(go_live=go_live).values_list("staff_id", "area_id", "kind")
    )
    new, trained = [], []
    for area in areas:
        staff = list(area.staff.order_by("staff_number")[: len(PEOPLE)])
        for member, (kind, status, is_trained) in zip(staff, PEOPLE, strict=False):
            if is_trained:
                trained.append(member)
            if (member.pk, area.pk, kind) in existing:
                continue
            agreed = status == Designation.Status.AGREED
            new.append(
                Designation(
                    programme=go_live.programme,
                    go_live=go_live,
                    area=area,
                    staff=member,
                    kind=kind,
                    status=status,
                    systems_confidence=4 if kind == Kind.SUPER_USER else 3,
                    leadership=4,
                    note="Chosen at the ward huddle." if kind == Kind.SUPER_USER else "",
                    nominated_by=by,
                    nominated_at=now,
                    agreed_by=by if agreed else None,
                    agreed_at=now if agreed else None,
                )
            )
    bulk_create_with_history(new, Designation, batch_size=1000)
    Completion.objects.bulk_create(
        [
            Completion(staff=member, course=course, completed_on=timezone.localdate())
            for member in trained
        ],
        ignore_conflicts=True,
    )


def _shifts(go_live: GoLive, areas: list[Area]) -> None:
    first, last = default_period(go_live.user_go_live_date)
    for area in areas:
        for kind, name, start, end, planned in PATTERNS:
            ShiftPattern.objects.get_or_create(
                go_live=go_live,
                area=area,
                name=name,
                defaults={
                    "kind": kind,
                    "start_time": start,
                    "end_time": end,
                    "planned_staff": planned,
                },
            )
    patterns = ShiftPattern.objects.filter(go_live=go_live, area__in=areas)
    shifts = []
    for pattern in patterns:
        for day in days_in(first, last):
            starts_at, ends_at = shift_span(day, pattern.start_time, pattern.end_time)
            shifts.append(
                Shift(
                    go_live=go_live,
                    area_id=pattern.area_id,
                    pattern=pattern,
                    name=pattern.name,
                    day=day,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    planned_staff=pattern.planned_staff,
                )
            )
    Shift.objects.bulk_create(shifts, ignore_conflicts=True, batch_size=2000)


def _roster(go_live: GoLive, areas: list[Area], by: User) -> int:
    """Put the counted people on shifts in turn, one shift a day each, leaving gaps on
    about one shift in nine so the heat-map has something to fill."""
    rng = random.Random(7)  # noqa: S311 - demo data, not security
    pools: dict[int, list[Designation]] = {area.pk: [] for area in areas}
    trained_ids = set(
        Completion.objects.filter(
            course__programme=go_live.programme, course__delivery=Course.Delivery.SUPER_USER
        ).values_list("staff_id", flat=True)
    )
    for designation in Designation.objects.filter(
        go_live=go_live, status=Designation.Status.AGREED
    ).exclude(kind=Kind.FLOORWALKER):
        trained = designation.kind != Kind.SUPER_USER or designation.staff_id in trained_ids
        if trained and designation.area_id in pools:
            pools[designation.area_id].append(designation)
    now = timezone.now()
    busy: set[tuple[int, dt.date]] = set()
    rows = []
    shifts = Shift.objects.filter(go_live=go_live, area__in=areas).order_by("starts_at", "pk")
    for shift in shifts:
        pool = pools.get(shift.area_id, [])
        needed = supporters_needed(shift.planned_staff, 10)
        if rng.random() < 0.11:
            needed -= 1  # a visible gap
        for designation in pool:
            if needed <= 0:
                break
            if (designation.staff_id, shift.day) in busy:
                continue
            busy.add((designation.staff_id, shift.day))
            rows.append(
                Assignment(
                    shift=shift,
                    designation=designation,
                    staff_id=designation.staff_id,
                    starts_at=shift.starts_at,
                    ends_at=shift.ends_at,
                    assigned_by=by,
                    assigned_at=now,
                )
            )
            needed -= 1
        rng.shuffle(pool)
    bulk_create_with_history(rows, Assignment, batch_size=2000)
    return len(rows)


def _e_roster(go_live: GoLive, areas: list[Area]) -> int:
    """Who works which shift on one ward, as an e-roster import would record it."""
    area = next(
        (a for a in areas if (a.site.code, a.code) == E_ROSTER_AREA),
        None,
    )
    if area is None:
        return 0
    rng = random.Random(11)  # noqa: S311 - demo data, not security
    staff = list(area.staff.order_by("staff_number").values_list("pk", flat=True))
    rows = []
    for shift in Shift.objects.filter(go_live=go_live, area=area):
        # Busier than planned on some days: the target rises with the real rota.
        count = min(len(staff), shift.planned_staff + rng.choice((-2, 0, 0, 3, 6)))
        for member in rng.sample(staff, count):
            rows.append(rota.RotaRow(member, area.pk, shift.starts_at, shift.ends_at))
    return rota.record_rota_entries(rows=rows).inserted


def _link_champion_login(go_live: GoLive) -> None:
    """Let the demo ``champion`` login be one of Ward 7B's champions, so it sees its own
    role and shifts. Never re-links an account or a staff member that is already linked."""
    user = User.objects.filter(username="champion", staff_member__isnull=True).first()
    designation = (
        Designation.objects.filter(
            go_live=go_live,
            area__site__code=E_ROSTER_AREA[0],
            area__code=E_ROSTER_AREA[1],
            kind=Kind.DIGITAL_CHAMPION,
            status=Designation.Status.AGREED,
            staff__user__isnull=True,
        )
        .select_related("staff")
        .order_by("staff__staff_number")
        .first()
    )
    if user is not None and designation is not None:
        designation.staff.user = user
        designation.staff.save(update_fields=["user"])


def _cover_requests(go_live: GoLive, by: User) -> None:
    """Two open requests on Ward 7B: one for cover, one proposed swap."""
    access = Access(by)
    rostered = list(
        Assignment.objects.filter(
            shift__go_live=go_live,
            shift__area__site__code=E_ROSTER_AREA[0],
            shift__area__code=E_ROSTER_AREA[1],
            status=Assignment.Status.ACTIVE,
            starts_at__gt=timezone.now(),
        ).order_by("starts_at", "pk")[:12]
    )
    if len(rostered) < 12:
        return
    services.request_cover(
        access=access, user=by, assignment=rostered[3], reason="Annual leave booked"
    )
    partner = next((a for a in rostered[6:] if a.staff_id != rostered[5].staff_id), None)
    if partner is not None:
        services.request_swap(
            access=access,
            user=by,
            assignment=rostered[5],
            swap_with=partner,
            reason="Childcare on that day",
        )


@transaction.atomic
def seed_champions_demo(*, programme: Programme, today: dt.date | None = None) -> list[str]:
    """Champions and rosters for the programme's next go-live. Returns lines to print."""
    today = today or timezone.localdate()
    go_live = default_go_live(list(programme.go_lives.all()), today=today)
    if go_live is None:
        return []
    by = User.objects.filter(username="pm").first()
    if by is None:
        return []
    areas = list(go_live.areas.select_related("site").order_by("site__code", "code"))
    _designate(go_live, areas, by, _super_user_course(programme))
    _shifts(go_live, areas)
    fresh = not Assignment.objects.filter(shift__go_live=go_live).exists()
    rostered = _roster(go_live, areas, by) if fresh else 0
    rota = _e_roster(go_live, areas) if fresh else 0
    if fresh:
        _cover_requests(go_live, by)
    _link_champion_login(go_live)
    designations = Designation.objects.filter(go_live=go_live).count()
    shifts = Shift.objects.filter(go_live=go_live).count()
    return [
        f"Champions for {go_live.name}: {designations} designations, {shifts} shifts"
        + (f", {rostered} rostered, {rota} e-roster rows." if fresh else " (roster kept).")
    ]
