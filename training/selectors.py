"""Read-side queries for training, computed set-wise in the database: who is in scope for a
go-live, what each person must complete, who is trained, booked or overdue, and the series
the trajectory is drawn from. Every function takes the areas the caller may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from champions.models import RotaEntry
from golive.access import Access, Capability
from golive.dashboard import visible_scope
from golive.models import Area, GoLive, RoleGroup, StaffMember
from support.models import Ticket
from support.selectors import training_gaps_by_course
from training import forecast
from training.models import (
    Booking,
    Completion,
    Course,
    Requirement,
    ScopeChange,
    TrainingAlert,
    TrainingPlan,
    TrajectoryPoint,
)

DEFAULT_CUT_OFF_DAYS = 14
# Staff annotated by ``with_status`` (the stubs cannot follow the annotations).
Annotated = QuerySet[Any]


class Status:
    TRAINED = "trained"
    OVERDUE = "overdue"
    BOOKED = "booked"
    NOT_TRAINED = "not_trained"
    NOT_REQUIRED = "not_required"


STATUS_LABELS = {
    Status.TRAINED: "Trained",
    Status.OVERDUE: "Overdue",
    Status.BOOKED: "Booked",
    Status.NOT_TRAINED: "Not yet trained",
    Status.NOT_REQUIRED: "No courses required",
}


def plan_for(go_live: GoLive) -> TrainingPlan:
    """The go-live's saved plan, or an unsaved one holding the defaults."""
    plan = TrainingPlan.objects.filter(go_live=go_live).first()
    return plan or TrainingPlan(go_live=go_live)


def cut_off(plan: TrainingPlan) -> dt.date:
    return plan.cut_off_on or plan.go_live.user_go_live_date - dt.timedelta(
        days=DEFAULT_CUT_OFF_DAYS
    )


@dataclass(frozen=True)
class Scope:
    """What one user sees of a go-live's training scope."""

    go_live: GoLive
    areas: list[Area]
    is_whole: bool

    @property
    def area_ids(self) -> list[int]:
        return [area.pk for area in self.areas]


def scope_for(access: Access, go_live: GoLive) -> Scope:
    areas = list(visible_scope(access, go_live))
    return Scope(go_live, areas, is_whole=len(areas) == go_live.areas.count())


def staff_in_scope(
    scope: Scope, *, area_ids: list[int] | None = None, on: dt.date | None = None
) -> QuerySet[StaffMember]:
    """Staff working in the go-live's areas (those the user may see, or ``area_ids`` among
    them), plus people added by hand, less people excluded by hand and leavers (end date on
    or before ``on``, default today). A person added by hand is seen by users whose view
    covers the whole go-live, or who see one of the go-live's areas that person works in."""
    go_live = scope.go_live
    ids = scope.area_ids if area_ids is None else [i for i in area_ids if i in scope.area_ids]
    changes = ScopeChange.objects.filter(go_live=go_live)
    in_areas = StaffMember.objects.filter(
        organisation_id=go_live.programme.organisation_id, areas__in=ids
    ).values("pk")
    added = changes.filter(kind=ScopeChange.Kind.INCLUDE).values("staff_id")
    if area_ids is not None or not scope.is_whole:
        added = added.filter(staff__areas__in=ids)
    excluded = changes.filter(kind=ScopeChange.Kind.EXCLUDE).values("staff_id")
    in_post = StaffMember.in_post(timezone.localdate() if on is None else on)
    rows = StaffMember.objects.filter(Q(pk__in=in_areas) | Q(pk__in=added), in_post)
    return rows.exclude(pk__in=excluded)


def _required_for(go_live: GoLive) -> QuerySet[Requirement]:
    return Requirement.objects.filter(go_live=go_live, role_group=OuterRef("role_group"))


def _count(queryset: QuerySet, field: str = "pk") -> Coalesce:
    """A correlated COUNT(*) subquery, zero when nothing matches."""
    counted = queryset.order_by().annotate(_g=Value(1)).values("_g").annotate(n=Count(field))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)


def _required_n(go_live: GoLive) -> Case:
    """How many courses the go-live asks of each person's role group. The requirements are a
    handful of rows, read once here, so each person's count is a look-up on their role group
    instead of a subquery per person (which PostgreSQL ran again at every mention)."""
    counts = (
        Requirement.objects.filter(go_live=go_live)
        .order_by()
        .values_list("role_group")
        .annotate(n=Count("pk"))
    )
    return Case(
        *(When(role_group=group, then=Value(n)) for group, n in counts),
        default=Value(0),
        output_field=IntegerField(),
    )


def with_status(staff: QuerySet[StaffMember], go_live: GoLive, *, today: dt.date) -> Annotated:
    """Annotate each person with ``required_n``, ``done_n``, ``trained``, ``trained_on``
    (the day their last required course was done), ``new_starter``, ``overdue``, ``booked``
    and ``status``. Requirements are read as they are now, so changing them changes who
    counts as trained, back to the start of the series.

    Count by ``status`` (``_tally``): each of its branches mentions the per-person
    subqueries at most once, where counting the other flags would repeat them."""
    plan = plan_for(go_live)
    late_start = cut_off(plan)
    required = _required_for(go_live)
    done = Completion.objects.filter(
        staff=OuterRef("pk"),
        course__requirements__go_live=go_live,
        course__requirements__role_group=OuterRef("role_group"),
    )
    completion_of_course = Completion.objects.filter(
        staff=OuterRef(OuterRef("pk")), course=OuterRef("course")
    )
    missing_overdue = required.filter(due_on__lt=today).exclude(Exists(completion_of_course))
    booking_missing = Booking.objects.filter(
        staff=OuterRef("pk"),
        course__requirements__go_live=go_live,
        course__requirements__role_group=OuterRef("role_group"),
    ).exclude(Exists(Completion.objects.filter(staff=OuterRef("staff"), course=OuterRef("course"))))
    last_done = done.order_by().values("staff").annotate(last=Max("completed_on")).values("last")
    new_starter = Q(start_date__gt=late_start)
    starter_deadline = today - dt.timedelta(days=plan.new_starter_days)
    # Past a deadline, for someone who must train and is not trained: a new starter's own
    # deadline, or a required course due before today and not done.
    late = Case(
        When(new_starter, then=Q(start_date__lt=starter_deadline)),
        default=Exists(missing_overdue),
        output_field=BooleanField(),
    )
    return staff.annotate(
        required_n=_required_n(go_live),
        done_n=_count(done),
        new_starter=Case(When(new_starter, then=True), default=False, output_field=BooleanField()),
        trained=Case(
            When(required_n__gt=0, done_n__gte=F("required_n"), then=True),
            default=False,
            output_field=BooleanField(),
        ),
        trained_on=Case(
            When(trained=True, then=Subquery(last_done)),
            default=None,
            output_field=DateField(),
        ),
        overdue=Case(
            When(trained=True, then=False),
            When(required_n=0, then=False),
            default=late,
            output_field=BooleanField(),
        ),
        booked=Exists(booking_missing),
        status=Case(
            When(required_n=0, then=Value(Status.NOT_REQUIRED)),
            When(trained=True, then=Value(Status.TRAINED)),
            When(late, then=Value(Status.OVERDUE)),  # ``overdue``, once the above are ruled out
            When(booked=True, then=Value(Status.BOOKED)),
            default=Value(Status.NOT_TRAINED),
            output_field=CharField(),
        ),
    )


@dataclass(frozen=True)
class Figures:
    """Counts for one slice of the scope (everyone, an area, a role group...)."""

    label: str
    in_scope: int
    required: int  # people with at least one required course
    trained: int
    booked: int
    overdue: int
    new_starters: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.trained / self.required, 1) if self.required else None


_COUNTED = ("in_scope", "required", "trained", "booked", "overdue", "new_starters")
_NONE = dict.fromkeys(_COUNTED, 0)


def _tally(
    staff: Annotated, *by: str, distinct: bool = False
) -> dict[tuple[Any, ...], dict[str, int]]:
    """The counts of ``Figures`` per value of the ``by`` fields, from staff annotated by
    ``with_status``, in one grouped query: people are grouped by their status too, so each
    person's status is worked out once. ``distinct`` counts a person once per group when
    ``by`` follows a relation that can repeat them (two areas of one site)."""
    rows = (
        staff.order_by()
        .values(*by, "status", "new_starter")
        .annotate(n=Count("pk", distinct=distinct))
    )
    counts: dict[tuple[Any, ...], dict[str, int]] = {}
    for row in rows:
        key = tuple(row[field] for field in by)
        found = counts.setdefault(key, dict.fromkeys(_COUNTED, 0))
        status, n = row["status"], row["n"]
        found["in_scope"] += n
        found["required"] += 0 if status == Status.NOT_REQUIRED else n
        found["trained"] += n if status == Status.TRAINED else 0
        found["booked"] += n if status == Status.BOOKED else 0
        found["overdue"] += n if status == Status.OVERDUE else 0
        found["new_starters"] += n if row["new_starter"] else 0
    return counts


def totals(staff: QuerySet[StaffMember], go_live: GoLive, *, today: dt.date) -> Figures:
    counts = _tally(with_status(staff, go_live, today=today))
    return Figures(label="All staff in scope", **counts.get((), _NONE))


GO_LIVE_WEEK = dt.timedelta(days=7)


def go_live_week(go_live: GoLive) -> tuple[dt.datetime, dt.datetime]:
    """The first seven local days from user go-live, as aware datetimes."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(go_live.user_go_live_date, dt.time(), tzinfo=zone)
    return start, start + GO_LIVE_WEEK


def rostered_for_go_live_week(scope: Scope, go_live: GoLive, *, today: dt.date) -> Figures | None:
    """Training among the staff the e-roster puts on shift in go-live week, in the scope's
    areas: who will actually use the system on the day. None until a roster is imported."""
    start, end = go_live_week(go_live)
    on_shift = RotaEntry.objects.filter(
        area__in=scope.areas, starts_at__lt=end, ends_at__gt=start
    ).values("staff_id")
    if not on_shift.exists():
        return None
    staff = staff_in_scope(scope, on=today).filter(pk__in=on_shift)
    counts = _tally(with_status(staff, go_live, today=today))
    return Figures(label="Rostered for go-live week", **counts.get((), _NONE))


BREAKDOWNS = {
    "site": ("Site", "areas__site__name"),
    "area": ("Area", "areas__name"),
    "role_group": ("Role group", "role_group"),
}


def breakdown(
    scope: Scope, *, by: str, today: dt.date, area_ids: list[int] | None = None
) -> list[Figures]:
    """Figures per site, area or role group, in one grouped query. A person working in two
    areas counts in each, and in their site once."""
    if by == "role_group":
        in_scope = staff_in_scope(scope, area_ids=area_ids, on=today)
        staff = with_status(in_scope, scope.go_live, today=today)
        labels = dict(RoleGroup.choices)
        return sorted(
            (
                Figures(label=str(labels[group]), **counts)
                for (group,), counts in _tally(staff, "role_group").items()
            ),
            key=lambda f: f.label,
        )
    ids = scope.area_ids if area_ids is None else area_ids
    areas = [a for a in scope.areas if a.pk in ids]
    # A row per (person, area) pair within the chosen areas.
    in_scope = staff_in_scope(scope, area_ids=ids, on=today)
    staff = with_status(in_scope, scope.go_live, today=today).filter(areas__in=ids)
    if by == "area":
        counts = _tally(staff, "areas")
        return [
            Figures(label=f"{a.name} ({a.site.name})", **counts.get((a.pk,), _NONE)) for a in areas
        ]
    counts = _tally(staff, "areas__site", distinct=True)
    sites = {area.site_id: area.site.name for area in areas}  # in the areas' order
    return [Figures(label=name, **counts.get((pk,), _NONE)) for pk, name in sites.items()]


def course_figures(
    scope: Scope, *, today: dt.date, area_ids: list[int] | None = None
) -> list[dict[str, object]]:
    """Per required course: how many in scope must do it, have done it, are booked on it, and
    how many service desk tickets were resolved as a gap in that course's training (refresher
    candidates; a programme-wide count, which names nobody)."""
    staff_ids = staff_in_scope(scope, area_ids=area_ids, on=today).values("pk")
    gap_tickets = training_gaps_by_course(scope.go_live.programme_id)
    rows = []
    courses = Course.objects.filter(requirements__go_live=scope.go_live).distinct()
    for course in courses.order_by("name"):
        groups = Requirement.objects.filter(go_live=scope.go_live, course=course)
        required = StaffMember.objects.filter(
            pk__in=staff_ids, role_group__in=groups.values("role_group")
        )
        done = required.filter(completions__course=course).count()
        booked = (
            required.filter(bookings__course=course).exclude(completions__course=course).count()
        )
        total = required.count()
        rows.append(
            {
                "course": course,
                "required": total,
                "done": done,
                "booked": booked,
                "percent": round(100 * done / total, 1) if total else None,
                "gap_tickets": gap_tickets.get(course.pk, 0),
            }
        )
    return rows


@dataclass(frozen=True)
class GapRow:
    """Service desk tickets resolved as a training gap in one area, about one course (or
    none named): where a refresher would help. ``completed`` people did the course and
    still got stuck (refresher candidates); ``candidates`` names them for those who may see
    staff."""

    area: Area
    course: Course | None
    tickets: int
    last_logged: dt.datetime
    must_do: int | None
    completed: int | None
    candidates: list[StaffMember]

    @property
    def not_yet_done(self) -> int | None:
        if self.must_do is None or self.completed is None:
            return None
        return self.must_do - self.completed


def training_gaps_by_area(
    scope: Scope,
    access: Access,
    *,
    area_ids: list[int] | None = None,
    course: Course | None = None,
) -> list[GapRow]:
    """Training-gap tickets per area and course in the areas of the scope (or ``area_ids``
    among them), most tickets first within each area. Ticket text is never read: it may
    carry patient details."""
    go_live = scope.go_live
    ids = scope.area_ids if area_ids is None else [i for i in area_ids if i in scope.area_ids]
    tickets = Ticket.objects.filter(
        go_live=go_live, area__in=ids, resolution_type=Ticket.ResolutionType.TRAINING_GAP
    )
    if course is not None:
        tickets = tickets.filter(course=course)
    grouped = list(
        tickets.order_by()
        .values("area_id", "course_id")
        .annotate(n=Count("pk"), last=Max("created_at"))
    )
    areas = {area.pk: area for area in scope.areas}
    courses = Course.objects.in_bulk({row["course_id"] for row in grouped if row["course_id"]})
    groups: dict[int, list[str]] = {}
    for course_id, group in Requirement.objects.filter(go_live=go_live).values_list(
        "course_id", "role_group"
    ):
        groups.setdefault(course_id, []).append(group)
    may_see = access.staff().values("pk")
    rows = []
    # One pass per (area, course) pair with tickets: few, since tickets cluster.
    for row in grouped:
        course_id = row["course_id"]
        must_do = completed = None
        candidates: list[StaffMember] = []
        if course_id is not None:
            staff = staff_in_scope(scope, area_ids=[row["area_id"]]).filter(
                role_group__in=groups.get(course_id, [])
            )
            done = staff.filter(completions__course_id=course_id)
            must_do, completed = staff.count(), done.count()
            candidates = list(done.filter(pk__in=may_see).order_by("full_name", "staff_number"))
        rows.append(
            GapRow(
                area=areas[row["area_id"]],
                course=courses.get(course_id) if course_id else None,
                tickets=row["n"],
                last_logged=row["last"],
                must_do=must_do,
                completed=completed,
                candidates=candidates,
            )
        )
    return sorted(rows, key=_gap_order)


def _gap_order(row: GapRow) -> tuple[str, str, int, str]:
    return (row.area.site.name, row.area.name, -row.tickets, row.course.name if row.course else "")


def trained_series(staff: QuerySet[StaffMember], go_live: GoLive) -> list[tuple[dt.date, int]]:
    """(day, people who became trained that day), oldest first: the actual trajectory."""
    annotated = with_status(staff, go_live, today=go_live.user_go_live_date)
    rows = (
        annotated.filter(trained=True)
        .order_by()
        .values("trained_on")
        .annotate(n=Count("pk"))
        .order_by("trained_on")
    )
    return [(row["trained_on"], row["n"]) for row in rows if row["trained_on"] is not None]


def planned_points(go_live: GoLive) -> list[tuple[dt.date, float]]:
    return [
        (point.on_date, float(point.planned_percent))
        for point in TrajectoryPoint.objects.filter(go_live=go_live)
    ]


def open_alerts(go_lives: QuerySet[GoLive]) -> QuerySet[TrainingAlert]:
    return TrainingAlert.objects.filter(go_live__in=go_lives, closed_at__isnull=True).order_by(
        "go_live__user_go_live_date", "kind"
    )


def people(
    scope: Scope,
    access: Access,
    *,
    today: dt.date,
    area_ids: list[int] | None = None,
    role_group: str = "",
    course: Course | None = None,
    statuses: tuple[str, ...] = (Status.NOT_TRAINED, Status.BOOKED, Status.OVERDUE),
) -> Annotated:
    """Named people in scope with a status, for those who may see staff: the huddle list."""
    may_see = access.staff().values("pk")
    staff = staff_in_scope(scope, area_ids=area_ids, on=today).filter(pk__in=may_see)
    if role_group:
        staff = staff.filter(role_group=role_group)
    if course is not None:
        must = Requirement.objects.filter(go_live=scope.go_live, course=course)
        staff = staff.filter(role_group__in=must.values("role_group")).exclude(
            completions__course=course
        )
    annotated = with_status(staff, scope.go_live, today=today)
    visible_areas = access.areas(Capability.VIEW_STAFF).filter(pk__in=scope.area_ids)
    return (
        annotated.filter(status__in=statuses)
        .prefetch_related(Prefetch("areas", queryset=visible_areas.order_by("name")))
        .order_by("full_name", "staff_number")
    )


@dataclass(frozen=True)
class Trajectory:
    """The plan, the actual series and the forecast for one set of staff."""

    plan: TrainingPlan
    planned: list[tuple[dt.date, float]]
    actual: list[tuple[dt.date, int]]
    forecast: forecast.Forecast
    today: dt.date

    @property
    def actual_percent(self) -> float | None:
        return self.forecast.percent(self.forecast.current)

    @property
    def planned_percent_today(self) -> float | None:
        return forecast.planned_on(self.planned, self.today)

    @property
    def behind_by(self) -> float | None:
        """Percentage points behind plan today (negative: ahead)."""
        planned, actual = self.planned_percent_today, self.actual_percent
        if planned is None or actual is None:
            return None
        return round(planned - actual, 1)


def trajectory_for(
    staff: QuerySet[StaffMember], go_live: GoLive, *, today: dt.date, figures: Figures | None = None
) -> Trajectory:
    """Plan, actual and forecast for ``staff`` (``figures``: its tally, if already made):
    over people with a required course, each counted on the day they became trained."""
    plan = plan_for(go_live)
    population = (figures or totals(staff, go_live, today=today)).required
    actual = trained_series(staff, go_live)
    result = forecast.forecast(
        actual,
        population=population,
        target_percent=plan.target_percent,
        as_of=min(today, go_live.user_go_live_date),
        go_live_on=go_live.user_go_live_date,
    )
    return Trajectory(
        plan=plan,
        planned=planned_points(go_live),
        actual=actual,
        forecast=result,
        today=today,
    )


def whole_scope_trajectory(go_live: GoLive, *, today: dt.date) -> Trajectory:
    """The trajectory for everyone in scope: what alerts are raised on."""
    scope = Scope(go_live, list(go_live.areas.select_related("site")), is_whole=True)
    return trajectory_for(staff_in_scope(scope, on=today), go_live, today=today)


def trajectory_alerts(trajectory: Trajectory) -> dict[str, str | None]:
    """The message for each alert kind, or None when that condition is clear."""
    result = trajectory.forecast
    behind = trajectory.behind_by
    margin = trajectory.plan.alert_margin_points
    messages: dict[str, str | None] = dict.fromkeys(TrainingAlert.Kind.values)
    if not result.population:
        return messages
    if behind is not None and behind >= margin:
        messages[TrainingAlert.Kind.BEHIND_PLAN] = (
            f"{trajectory.actual_percent}% trained against "
            f"{trajectory.planned_percent_today:.1f}% planned for today: "
            f"{behind} points behind (alert margin {margin})."
        )
    if result.misses_target:  # the completions a week needed: in the status sentence after it
        messages[TrainingAlert.Kind.FORECAST_MISS] = (
            f"At the current rate {result.percent(result.projected)}% will be trained by "
            f"go-live against a target of {trajectory.plan.target_percent}%."
        )
    return messages


def serious_alerts(trajectory: Trajectory) -> set[str]:
    """The alert kinds whose condition is serious, escalating an open alert: twice the
    margin behind plan, or a forecast whose whole uncertainty band falls short of the
    target (even the optimistic end misses it)."""
    result = trajectory.forecast
    serious: set[str] = set()
    if not result.population:
        return serious
    behind = trajectory.behind_by
    if behind is not None and behind >= 2 * trajectory.plan.alert_margin_points:
        serious.add(TrainingAlert.Kind.BEHIND_PLAN)
    if result.projected_high is not None and result.projected_high < result.target:
        serious.add(TrainingAlert.Kind.FORECAST_MISS)
    return serious


@dataclass(frozen=True)
class Compliance:
    """Per area, the share of staff who must train that were trained at each week's end:
    EPR training as part of mandatory training once live, new starters included from the
    day they start."""

    weeks: list[dt.date]
    overall: list[float | None]
    by_area: list[tuple[str, list[float | None]]]


def compliance_over_time(scope: Scope, *, today: dt.date, max_weeks: int = 12) -> Compliance:
    """Weekly compliance since the user go-live (the most recent ``max_weeks`` weeks), in
    one grouped query per week."""
    go_live = scope.go_live
    start = go_live.user_go_live_date
    weeks = [start + dt.timedelta(days=7 * n) for n in range((today - start).days // 7 + 1)]
    weeks = weeks[-max_weeks:]
    per_area: dict[int, list[float | None]] = {area.pk: [] for area in scope.areas}
    overall: list[float | None] = []
    required = _required_n(go_live)
    for week in weeks:
        done = _count(
            Completion.objects.filter(
                staff=OuterRef("pk"),
                completed_on__lte=week,
                course__requirements__go_live=go_live,
                course__requirements__role_group=OuterRef("role_group"),
            )
        )
        staff = (
            staff_in_scope(scope, on=week)
            .filter(Q(start_date__isnull=True) | Q(start_date__lte=week))
            .annotate(required_n=required, done_n=done)
            .filter(required_n__gt=0)
            .annotate(
                flag=Case(
                    When(done_n__gte=F("required_n"), then=1),
                    default=0,
                    output_field=IntegerField(),
                )
            )
        )
        totals_row = staff.aggregate(n=Count("pk"), trained=Coalesce(Sum("flag"), 0))
        overall.append(_share(totals_row["trained"], totals_row["n"]))
        rows = {
            row["areas"]: row
            for row in staff.filter(areas__in=scope.area_ids)
            .order_by()
            .values("areas")
            .annotate(n=Count("pk"), trained=Coalesce(Sum("flag"), 0))
        }
        for area_id, series in per_area.items():
            row = rows.get(area_id)
            series.append(_share(row["trained"], row["n"]) if row else None)
    labels = {area.pk: f"{area.name} ({area.site.name})" for area in scope.areas}
    return Compliance(
        weeks=weeks,
        overall=overall,
        by_area=[(labels[pk], series) for pk, series in per_area.items()],
    )


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
