"""Read-side queries for champions, rosters and coverage, scoped by what the user may see.

``coverage_for`` is the figure other parts of Golive (readiness criteria, sit-reps) call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from champions.models import (
    DEFAULT_STAFF_PER_SUPER_USER,
    Assignment,
    CoverageTarget,
    Designation,
    RotaEntry,
    Shift,
)
from champions.shifts import supporters_needed
from golive.access import Access, Capability
from golive.dashboard import visible_scope
from golive.models import Area, GoLive, Programme, StaffMember, User
from training.models import Completion, Course

Kind = Designation.Kind
# Super users and digital champions are the "people on the ground" a ward's target counts;
# floorwalkers rove between areas, so they are rostered and shown but not counted.
COUNTED_KINDS = (Kind.SUPER_USER, Kind.DIGITAL_CHAMPION)


def manages_area(access: Access, area: Area, programme: Programme) -> bool:
    return access.has(Capability.MANAGE_CHAMPIONS, area=area, programme=programme)


def managed_areas(access: Access, go_live: GoLive) -> QuerySet[Area]:
    """The go-live's areas where the user may nominate and roster."""
    return (
        access.areas(Capability.MANAGE_CHAMPIONS, programme=go_live.programme)
        .filter(go_lives=go_live)
        .order_by("site__name", "name")
    )


def _super_user_training(staff: OuterRef | int, programme: OuterRef | int) -> Exists:
    return Exists(
        Completion.objects.filter(
            staff=staff,
            course__programme=programme,
            course__delivery=Course.Delivery.SUPER_USER,
        )
    )


def is_trained(staff_id: int, programme_id: int) -> bool:
    """Whether the person has completed a super-user course of the programme."""
    return Completion.objects.filter(
        staff_id=staff_id,
        course__programme_id=programme_id,
        course__delivery=Course.Delivery.SUPER_USER,
    ).exists()


def _applies_to(go_live: GoLive, prefix: str = "") -> Q:
    """Designations made for this go-live, or for its whole programme."""
    return Q(**{f"{prefix}go_live": go_live}) | Q(
        **{f"{prefix}go_live__isnull": True, f"{prefix}programme_id": go_live.programme_id}
    )


def with_training(rows: QuerySet[Designation]) -> QuerySet[Designation]:
    """Annotate ``trained``: the person has completed a super-user course of the programme."""
    return rows.annotate(trained=_super_user_training(OuterRef("staff"), OuterRef("programme")))


def visible_designations(access: Access, go_live: GoLive) -> QuerySet[Designation]:
    """Designations in the go-live's areas that the user may see, with ``trained``."""
    rows = Designation.objects.filter(_applies_to(go_live), area__go_lives=go_live)
    return (
        with_training(access.filter_by_area(rows, area_field="area"))
        .select_related("staff", "area__site", "go_live", "nominated_by", "agreed_by")
        .order_by("area__site__name", "area__name", "kind", "staff__full_name")
    )


def counts(designation: Designation) -> bool:
    """An agreed champion, or an agreed super user who has completed super-user training."""
    if designation.status != Designation.Status.AGREED or designation.kind not in COUNTED_KINDS:
        return False
    return designation.kind != Kind.SUPER_USER or bool(getattr(designation, "trained", False))


def staff_per_supporter(go_live: GoLive, area_ids: Iterable[int]) -> dict[int, int]:
    """Each area's target ratio: the go-live's own, else the programme's, else 1 per 10."""
    ids = list(area_ids)
    ratios = dict.fromkeys(ids, DEFAULT_STAFF_PER_SUPER_USER)
    targets = CoverageTarget.objects.filter(area_id__in=ids).filter(_applies_to(go_live))
    # Programme-wide first, so a go-live's own target overrides it.
    for target in sorted(targets, key=lambda t: t.go_live_id is not None):
        ratios[target.area_id] = target.staff_per_supporter
    return ratios


@dataclass(frozen=True)
class AreaDesignations:
    """An area's designations at a glance, with its headcount ratio against the target."""

    area: Area
    staff: int
    super_users: int  # agreed and trained
    champions: int  # agreed
    floorwalkers: int  # agreed
    nominated: int  # awaiting the role agreement
    untrained_super_users: int  # agreed but not yet through super-user training
    staff_per_supporter: int

    @property
    def counted(self) -> int:
        return self.super_users + self.champions

    @property
    def staff_per_counted(self) -> int | None:
        """The current ratio, 1 per N staff; None when nobody counts yet."""
        return round(self.staff / self.counted) if self.counted else None

    @property
    def meets_target(self) -> bool:
        return self.counted >= supporters_needed(self.staff, self.staff_per_supporter)


def area_designations(access: Access, go_live: GoLive) -> list[AreaDesignations]:
    """Each area's headcount and designations, today: leavers count in neither."""
    areas = list(visible_scope(access, go_live))
    ids = [area.pk for area in areas]
    today = timezone.localdate()
    headcount = dict(
        StaffMember.objects.filter(StaffMember.in_post(today), areas__in=ids)
        .values("areas")
        .annotate(n=Count("pk", distinct=True))
        .values_list("areas", "n")
    )
    tallies: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    for designation in (
        visible_designations(access, go_live)
        .exclude(status=Designation.Status.WITHDRAWN)
        .filter(StaffMember.in_post(today, "staff__"))
    ):
        key = designation.kind
        if designation.status == Designation.Status.NOMINATED:
            key = "nominated"
        elif designation.kind == Kind.SUPER_USER and not counts(designation):
            key = "untrained"
        tally = tallies[designation.area_id]
        tally[key] = tally.get(key, 0) + 1
    ratios = staff_per_supporter(go_live, ids)
    return [
        AreaDesignations(
            area=area,
            staff=headcount.get(area.pk, 0),
            super_users=tallies[area.pk].get(Kind.SUPER_USER, 0),
            champions=tallies[area.pk].get(Kind.DIGITAL_CHAMPION, 0),
            floorwalkers=tallies[area.pk].get(Kind.FLOORWALKER, 0),
            nominated=tallies[area.pk].get("nominated", 0),
            untrained_super_users=tallies[area.pk].get("untrained", 0),
            staff_per_supporter=ratios[area.pk],
        )
        for area in areas
    ]


# Rosters.


def visible_shifts(access: Access, go_live: GoLive) -> QuerySet[Shift]:
    rows = Shift.objects.filter(go_live=go_live)
    return access.filter_by_area(rows, area_field="area").select_related("area__site")


def shift_days(go_live: GoLive, areas: QuerySet[Area]) -> list[dt.date]:
    """The local days that have shifts in these areas."""
    days = Shift.objects.filter(go_live=go_live, area__in=areas).values_list("day", flat=True)
    return sorted(set(days))


def own_assignments(user: User, go_live: GoLive) -> QuerySet[Assignment]:
    """The signed-in person's own shifts in the go-live (when their login is linked to
    their staff record), to see and ask cover for."""
    return (
        Assignment.objects.filter(
            staff__user=user, shift__go_live=go_live, status=Assignment.Status.ACTIVE
        )
        .select_related("shift__area", "designation")
        .order_by("starts_at")
    )


def active_assignments(shift_ids: Iterable[int]) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(shift_id__in=list(shift_ids), status=Assignment.Status.ACTIVE)
        .select_related("staff", "designation")
        .order_by("staff__full_name")
    )


def eligible_designations(shift: Shift) -> list[Designation]:
    """People who may be rostered on ``shift`` now: agreed in its area for its go-live,
    trained if a super user, not leaving by the shift's day, and not on an overlapping shift
    anywhere. Counted kinds first,
    then the least-rostered in the period, so one click spreads the load."""
    busy = Assignment.objects.filter(
        staff=OuterRef("staff"),
        status=Assignment.Status.ACTIVE,
        starts_at__lt=shift.ends_at,
        ends_at__gt=shift.starts_at,
    )
    rows = (
        Designation.objects.filter(
            _applies_to(shift.go_live), area=shift.area, status=Designation.Status.AGREED
        )
        .filter(StaffMember.in_post(shift.day, "staff__"))
        .annotate(
            trained=_super_user_training(OuterRef("staff"), OuterRef("programme")),
            busy=Exists(busy),
            load=Count(
                "assignments",
                filter=Q(
                    assignments__status=Assignment.Status.ACTIVE,
                    assignments__shift__go_live=shift.go_live,
                ),
            ),
        )
        .filter(busy=False)
        .exclude(kind=Kind.SUPER_USER, trained=False)
        .select_related("staff", "area")
    )
    return sorted(
        rows,
        key=lambda d: (d.kind not in COUNTED_KINDS, d.load, d.staff.full_name),  # type: ignore[attr-defined]
    )


# Coverage.


@dataclass(frozen=True)
class CoverageCell:
    shift_id: int
    area_id: int
    area_name: str
    day: dt.date
    shift_name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    staff_on_shift: int
    staff_from_roster: bool  # False: the pattern's planned staffing, no e-roster yet
    needed: int
    on_duty: int  # super users and champions
    floorwalkers: int

    @property
    def gap(self) -> int:
        return max(self.needed - self.on_duty, 0)

    @property
    def covered(self) -> bool:
        return self.gap == 0


@dataclass(frozen=True)
class CoverageSummary:
    cells: list[CoverageCell] = field(default_factory=list)

    @property
    def shifts_total(self) -> int:
        return len(self.cells)

    @property
    def shifts_covered(self) -> int:
        return sum(1 for cell in self.cells if cell.covered)

    @property
    def shifts_with_gaps(self) -> int:
        return self.shifts_total - self.shifts_covered

    @property
    def supporters_needed(self) -> int:
        return sum(cell.needed for cell in self.cells)

    @property
    def supporters_missing(self) -> int:
        return sum(cell.gap for cell in self.cells)

    @property
    def covered_share(self) -> float | None:
        """Shifts covered / shifts, 0–1; None when there are no shifts."""
        return self.shifts_covered / self.shifts_total if self.cells else None


def coverage_for(
    go_live: GoLive,
    areas: Iterable[Area],
    period: tuple[dt.date, dt.date] | None = None,
) -> CoverageSummary:
    """Super users and champions on duty against the target on every shift of ``areas``
    (already scoped by the caller) in ``period`` (local start days, both included; default
    all). Staff on shift come from the e-roster where it has rows overlapping the shift,
    else from the pattern's planned staffing. Leavers count from neither side from their end
    date: their rota rows and rostered assignments on later shifts are left out."""
    area_ids = [area.pk for area in areas]
    shifts = Shift.objects.filter(go_live=go_live, area_id__in=area_ids)
    if period is not None:
        shifts = shifts.filter(day__range=period)
    on_roster = (
        RotaEntry.objects.filter(
            StaffMember.in_post(OuterRef("day"), "staff__"),
            area=OuterRef("area"),
            starts_at__lt=OuterRef("ends_at"),
            ends_at__gt=OuterRef("starts_at"),
        )
        .order_by()
        .values("area")
        .annotate(n=Count("staff", distinct=True))
        .values("n")
    )
    active = Q(assignments__status=Assignment.Status.ACTIVE) & StaffMember.in_post(
        F("day"), "assignments__staff__"
    )
    # Plain values, not model instances: a go-live week of a big go-live is ~1,000 shifts,
    # and the readiness board reads them on every view.
    rows = (
        shifts.annotate(
            rostered=Coalesce(Subquery(on_roster, output_field=IntegerField()), 0),
            on_duty=Count(
                "assignments", filter=active & Q(assignments__designation__kind__in=COUNTED_KINDS)
            ),
            floorwalkers=Count(
                "assignments", filter=active & Q(assignments__designation__kind=Kind.FLOORWALKER)
            ),
        )
        .order_by("starts_at", "area__name", "name")
        .values(
            "pk",
            "area_id",
            "area__name",
            "day",
            "name",
            "starts_at",
            "ends_at",
            "planned_staff",
            "rostered",
            "on_duty",
            "floorwalkers",
        )
    )
    ratios = staff_per_supporter(go_live, area_ids)
    cells = []
    for shift in rows:
        rostered: int = shift["rostered"]
        staff = rostered if rostered else shift["planned_staff"]
        cells.append(
            CoverageCell(
                shift_id=shift["pk"],
                area_id=shift["area_id"],
                area_name=shift["area__name"],
                day=shift["day"],
                shift_name=shift["name"],
                starts_at=shift["starts_at"],
                ends_at=shift["ends_at"],
                staff_on_shift=staff,
                staff_from_roster=bool(rostered),
                needed=supporters_needed(staff, ratios[shift["area_id"]]),
                on_duty=shift["on_duty"],
                floorwalkers=shift["floorwalkers"],
            )
        )
    return CoverageSummary(cells=cells)


def coverage_cell(shift: Shift) -> CoverageCell:
    """One shift's coverage: what the heat-map redraws after a gap is filled."""
    summary = coverage_for(shift.go_live, [shift.area], (shift.day, shift.day))
    return next(cell for cell in summary.cells if cell.shift_id == shift.pk)


@dataclass(frozen=True)
class CoverageColumn:
    area_id: int
    area_name: str
    shift_name: str


@dataclass(frozen=True)
class CoverageRow:
    day: dt.date
    cells: list[CoverageCell | None]  # one per column; None: no such shift that day


@dataclass(frozen=True)
class CoverageGrid:
    columns: list[CoverageColumn]
    rows: list[CoverageRow]

    @property
    def areas(self) -> list[tuple[str, int]]:
        """Each area's name and how many shift columns it spans, for the header."""
        spans: dict[int, tuple[str, int]] = {}
        for column in self.columns:
            name, span = spans.get(column.area_id, (column.area_name, 0))
            spans[column.area_id] = (name, span + 1)
        return list(spans.values())


def coverage_grid(summary: CoverageSummary) -> CoverageGrid:
    """The heat-map's layout: a row per day; a column per area and shift, the area's shifts
    in the order of their local start time (night last)."""
    first_start: dict[tuple[int, str], tuple[dt.time, str]] = {}
    for cell in summary.cells:
        key = (cell.area_id, cell.shift_name)
        local = timezone.localtime(cell.starts_at).time()
        first_start[key] = min(
            first_start.get(key, (local, cell.area_name)), (local, cell.area_name)
        )
    ordered = sorted(
        first_start, key=lambda key: (first_start[key][1], key[0], first_start[key][0])
    )
    columns = [CoverageColumn(key[0], first_start[key][1], key[1]) for key in ordered]
    position = {key: index for index, key in enumerate(ordered)}
    rows: dict[dt.date, list[CoverageCell | None]] = {}
    for cell in summary.cells:
        row = rows.setdefault(cell.day, [None] * len(columns))
        row[position[(cell.area_id, cell.shift_name)]] = cell
    return CoverageGrid(columns=columns, rows=[CoverageRow(day, rows[day]) for day in sorted(rows)])
