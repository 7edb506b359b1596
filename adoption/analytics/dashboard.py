"""Read side of the adoption dashboard: the scope a user is looking at, headline charts,
areas ranked by adoption (each with its dip and recovery: ``dip_figures``) and the
programme's go-lives side by side. Everything is read from the rollups, and only for areas
the user may see."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum

from adoption.analytics import cache as analytics_cache
from adoption.analytics import dip_figures, metrics
from adoption.analytics.dip import Dip
from adoption.analytics.markers import MarkerView, chart_markers
from adoption.models import DailyRollup, DailyUserActivity, EventType, Metric
from golive import definitions
from golive.access import Access
from golive.charts import Chart, Series
from golive.dashboard import visible_scope
from golive.models import Area, GoLive, Programme, RoleGroup, StaffMember
from golive.tiles import Tile, go_live_tiles

RANKING_DAYS = 14
HISTORY_DAYS = 28
FOLLOW_DAYS = 56  # a go-live's default range runs this long after it


@dataclass(frozen=True)
class View:
    """What the dashboard shows: a go-live's visible areas (narrowed by the filters), the
    date range and an optional role group."""

    go_live: GoLive
    areas: list[Area]
    start: dt.date
    end: dt.date
    role_group: str = ""
    label: str = ""  # what several areas are called, when not "N areas of <go-live>"

    @property
    def area_ids(self) -> tuple[int, ...]:
        return tuple(area.pk for area in self.areas)

    @property
    def scope(self) -> metrics.Scope:
        groups = (self.role_group,) if self.role_group else ()
        return metrics.Scope(self.area_ids, self.start, self.end, groups)

    @property
    def role_group_label(self) -> str:
        return str(dict(RoleGroup.choices).get(self.role_group, self.role_group))

    @property
    def scope_name(self) -> str:
        if len(self.areas) == 1:
            return self.areas[0].name
        return self.label or f"{len(self.areas)} areas of {self.go_live.name}"


def last_data_day() -> dt.date | None:
    return DailyRollup.objects.aggregate(last=Max("local_date"))["last"]


def default_range(go_live: GoLive, *, today: dt.date) -> tuple[dt.date, dt.date]:
    """Around the go-live: from four weeks before it to eight weeks after, ending sooner
    at the last day with data, so a past go-live's charts show that go-live rather than
    the latest weeks. A go-live with no data since it (one still to come) shows the
    latest four weeks instead."""
    return _around(go_live.user_go_live_date, _last_day(today))


def _last_day(today: dt.date) -> dt.date:
    return min(last_data_day() or today, today)


def _around(day0: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    if day0 > last:
        return last - dt.timedelta(days=HISTORY_DAYS), last
    return day0 - dt.timedelta(days=HISTORY_DAYS), min(day0 + dt.timedelta(days=FOLLOW_DAYS), last)


def programme_metrics(go_live: GoLive) -> list[Metric]:
    return list(
        Metric.objects.filter(programme=go_live.programme).select_related(
            "numerator", "denominator"
        )
    )


def metric_chart(metric: Metric, view: View, markers: list[MarkerView], dom_id: str) -> Chart:
    values = metrics.series(metric, view.scope)
    return Chart(
        dom_id=dom_id,
        title=f"{metric.name}: {view.scope_name}",
        labels=[day.isoformat() for day, _ in values],
        series=[Series(f"{metric.name} ({metric.unit_label})", metrics.rounded(values))],
        y_label=metric.unit_label,
        markers=chart_markers(markers, view.area_ids, view.start, view.end),
    )


def headline_charts(view: View, markers: list[MarkerView]) -> list[tuple[Metric, Chart]]:
    headline = [m for m in programme_metrics(view.go_live) if m.is_headline]
    return [
        (metric, metric_chart(metric, view, markers, f"metric-{metric.pk}")) for metric in headline
    ]


def series_table(view: View) -> tuple[list[str], list[list[object]]]:
    """Every metric of the programme per day, for exports: header and rows."""
    chosen = programme_metrics(view.go_live)
    columns = [metrics.rounded(metrics.series(metric, view.scope)) for metric in chosen]
    header = ["date", *(f"{m.name} ({m.unit_label})" for m in chosen)]
    rows: list[list[object]] = [
        [day.isoformat(), *(column[i] for column in columns)]
        for i, day in enumerate(view.scope.days())
    ]
    return header, rows


# Areas ranked by adoption.


@dataclass(frozen=True)
class AreaRow:
    area: Area
    staff: int
    active_users: float | None  # mean per day over the last RANKING_DAYS days of the range
    share_active: float | None  # mean daily % of the staff list active, same days
    dip: Dip  # around the go-live's date, whatever the range (dip_figures)
    trend: list[float | None] = field(default_factory=list)  # events per day, last 28 days
    go_live: GoLive | None = None  # whose go-live date the dip is measured from

    @cached_property  # the template reads it twice per row
    def sparkline_points(self) -> str:
        """SVG polyline points (a 100 × 24 box) for the trend; days without data skipped."""
        known = [v for v in self.trend if v is not None]
        if len(known) < 2:
            return ""
        low, high = min(known), max(known)
        span = (high - low) or 1.0
        step = 100 / max(len(self.trend) - 1, 1)
        return " ".join(
            f"{i * step:.1f},{22 - 20 * (v - low) / span:.1f}"
            for i, v in enumerate(self.trend)
            if v is not None
        )

    @cached_property
    def sparkline_text(self) -> str:
        known = [v for v in self.trend if v is not None]
        if len(known) < 2:
            return "Not enough data for a trend"
        return (
            f"EPR events per day over the last {len(self.trend)} days: from {known[0]:,.0f} "
            f"to {known[-1]:,.0f}, lowest {min(known):,.0f}, highest {max(known):,.0f}"
        )


def _staff_counts(area_ids: tuple[int, ...], role_group: str, end: dt.date) -> dict[int, int]:
    staff = StaffMember.objects.filter(
        Q(start_date__isnull=True) | Q(start_date__lte=end), StaffMember.in_post(end)
    )
    if role_group:
        staff = staff.filter(role_group=role_group)
    rows = (
        Area.objects.filter(pk__in=area_ids)
        .annotate(n=Count("staff", filter=Q(staff__in=staff.values("pk")), distinct=True))
        .values_list("pk", "n")
    )
    return dict(rows)


def _active_per_area_day(
    view: View, days: list[dt.date]
) -> tuple[dict[int, dict[dt.date, int]], dict[int, dict[dt.date, int]]]:
    """Active users, and active users on a staff list, per area and day over ``days`` (the
    recent days areas are ranked on: a fortnight of activity rows, counted live so a staff
    member deleted or relinked shows at once). One row per area, day and user, so within an
    area and day a plain count is a distinct count."""
    users: dict[int, dict[dt.date, int]] = defaultdict(dict)
    staff: dict[int, dict[dt.date, int]] = defaultdict(dict)
    if not days:
        return users, staff
    rows = DailyUserActivity.objects.filter(
        area_id__in=view.area_ids, local_date__range=(days[0], days[-1])
    )
    if view.role_group:
        rows = rows.filter(role_group=view.role_group)
    grouped = rows.values("area_id", "local_date").annotate(n=Count("pk"), s=Count("staff_id"))
    for area_id, day, n, on_list in grouped.values_list("area_id", "local_date", "n", "s"):
        users[area_id][day] = n
        staff[area_id][day] = on_list
    return users, staff


def _events_per_area_day(view: View) -> dict[int, dict[dt.date, int]]:
    """The trend: events recorded (failed log-ins aside) per area and day."""
    rows = DailyRollup.objects.filter(
        area_id__in=view.area_ids, local_date__range=(view.start, view.end)
    ).exclude(event_type=EventType.LOGIN_FAILED)
    if view.role_group:
        rows = rows.filter(role_group=view.role_group)
    counts: dict[int, dict[dt.date, int]] = defaultdict(dict)
    grouped = rows.values("area_id", "local_date").annotate(n=Sum("events"))
    for area_id, day, n in grouped.values_list("area_id", "local_date", "n"):
        counts[area_id][day] = n
    return counts


def _recent_days(view: View) -> list[dt.date]:
    """The days with data among the last ``RANKING_DAYS`` of the range: what areas are
    ranked on."""
    covered = metrics.covered_days(view.start, view.end)
    return [d for d in view.scope.days()[-RANKING_DAYS:] if d in covered]


def mean_active_users(view: View) -> float | None:
    """Distinct people active per day in the view's areas, over its recent days: someone
    active in two of the areas counts once."""
    recent = _recent_days(view)
    if not recent or not view.area_ids:
        return None
    groups = [view.role_group] if view.role_group else None
    ids = tuple(sorted(view.area_ids))
    daily = analytics_cache.remember(
        "active_users",
        (ids, recent[0], recent[-1], view.role_group),
        lambda: metrics.active_users_per_day(ids, recent[0], recent[-1], groups),
    )
    return _mean([daily.get(d, 0.0) for d in recent])


def mean_share_active(view: View) -> float | None:
    """The share of in-scope staff active (``adoption.share_active``) over all the view's
    areas together, as a mean daily % over its recent days, as the area rows are: someone
    on two of the areas' lists counts once. Days with nobody eligible are left out."""
    recent = _recent_days(view)
    if not recent or not view.area_ids:
        return None
    groups = (view.role_group,) if view.role_group else ()
    ids = tuple(sorted(view.area_ids))
    daily = analytics_cache.remember(
        "share_active",
        (ids, recent[0], recent[-1], view.role_group),
        lambda: metrics.staff_share_per_day(ids, recent[0], recent[-1], groups),
    )
    return _mean([daily[d] for d in recent if d in daily])


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def area_rows(view: View) -> list[AreaRow]:
    """Each area of the view, ranked by the share of its staff active in the last two
    weeks of the range (then by active users), with its dip around the go-live (in
    events recorded, whatever the range). A fixed number of queries whatever the areas,
    and the figures are cached as computed: a year of them per area is a lot to fetch and
    redo on every request (bench/README.md)."""
    key = (tuple(sorted(view.area_ids)), view.start, view.end, view.role_group)
    figures = analytics_cache.remember("area_rows", key, lambda: _area_figures(view))
    dips = dip_figures.area_dips(view.go_live.user_go_live_date, view.area_ids, view.role_group)
    return ranked(
        [
            AreaRow(area, staff, users, share, dips[area.pk], trend, go_live=view.go_live)
            for area in view.areas
            for staff, users, share, trend in [figures[area.pk]]
        ]
    )


AreaFigures = tuple[int, float | None, float | None, list[float | None]]


def _area_figures(view: View) -> dict[int, AreaFigures]:
    """Per area: staff listed, mean active users and % of staff active over the recent
    days, and the last weeks' events per day."""
    covered = metrics.covered_days(view.start, view.end)
    days = view.scope.days()
    recent = _recent_days(view)
    users, staff_active = _active_per_area_day(view, recent)
    staff = _staff_counts(view.area_ids, view.role_group, view.end)
    events = _events_per_area_day(view)
    figures = {}
    for area_id in view.area_ids:
        daily = users.get(area_id, {})
        volume = events.get(area_id, {})
        series = [(d, float(volume.get(d, 0)) if d in covered else None) for d in days]
        listed = staff.get(area_id, 0)
        shares = (
            [100.0 * staff_active.get(area_id, {}).get(d, 0) / listed for d in recent]
            if listed
            else []
        )
        figures[area_id] = (
            listed,
            _mean([float(daily.get(d, 0)) for d in recent]),
            _mean(shares),
            [v for _, v in series[-HISTORY_DAYS:]],
        )
    return figures


def ranked(rows: list[AreaRow]) -> list[AreaRow]:
    return sorted(
        rows,
        key=lambda r: (
            r.share_active is None,
            -(r.share_active or 0),
            -(r.active_users or 0),
            r.area.name,
        ),
    )


# The registered figures the area and go-live tables show (their notes go with the exports).
TABLE_FIGURES = ("adoption.active_users", "adoption.share_active")


def _recent(key: str) -> str:
    """A registered figure's name as a column header, over the days it is averaged on."""
    return f"{definitions.label(key)} (last {RANKING_DAYS} days)"


def area_header() -> list[str]:
    """The area table's columns; the figures' names are read from the registry."""
    return [
        "rank",
        "site",
        "area",
        "staff on list",
        _recent("adoption.active_users"),
        _recent("adoption.share_active"),
        *dip_figures.header(),
    ]


def area_table(rows: list[AreaRow]) -> list[list[object]]:
    return [
        [
            rank,
            row.area.site.name,
            row.area.name,
            row.staff,
            _round(row.active_users),
            _round(row.share_active),
            *dip_figures.cells(row.dip),
        ]
        for rank, row in enumerate(rows, start=1)
    ]


def _round(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value, places)


# The whole programme: every go-live the user may see, side by side.


def visible_programme_areas(access: Access, programme: Programme) -> list[Area]:
    """Areas of the programme's go-lives that the user may see."""
    return list(
        access.areas(programme=programme)
        .filter(go_lives__programme=programme)
        .distinct()
        .select_related("site")
        .order_by("site__name", "name")
    )


# Section tiles summarise other sections' live data (tickets change by the minute), so they
# are not tied to the rollups' generation: cached for a minute per scope, because the
# training figures alone take ~0.1-1 s for a big go-live (bench/README.md).
TILE_SECONDS = 60


def section_tiles(access: Access, go_live: GoLive, *, today: dt.date) -> list[Tile]:
    """The readiness, training and service desk tiles for the go-live, as this user's
    grants see them; at most a minute old."""
    scope = sorted(
        (g.role, g.programme_id, g.organisation_id, tuple(sorted(g.area_ids)))
        for g in access.grants
    )
    raw = repr((access.is_superuser, scope, go_live.pk, today)).encode()
    key = f"golive:analytics:tiles:{hashlib.sha256(raw).hexdigest()}"
    tiles: list[Tile] | None = cache.get(key)
    if tiles is None:
        tiles = go_live_tiles(access, go_live, today=today)
        cache.set(key, tiles, timeout=TILE_SECONDS)
    return tiles


def programme_default_range(go_lives: list[GoLive], *, today: dt.date) -> tuple[dt.date, dt.date]:
    """Around the go-lives that have data: from four weeks before the first to eight
    weeks after the last, ending sooner at the last day with data (at most a year, the
    latest). Without one, the latest four weeks, as for a go-live still to come."""
    last = _last_day(today)
    past = sorted(g.user_go_live_date for g in go_lives if g.user_go_live_date <= last)
    if not past:
        return _around(last + dt.timedelta(days=1), last)
    start, _ = _around(past[0], last)
    _, end = _around(past[-1], last)
    return max(start, end - dt.timedelta(days=365)), end


@dataclass(frozen=True)
class GoLiveRow:
    """One go-live on the programme dashboard: its section tiles and adoption headline over
    the areas of it the user sees (narrowed by the filters)."""

    go_live: GoLive
    tiles: list[Tile]
    area_rows: list[AreaRow]
    dip: Dip | None  # the wave's, over the areas of it the user sees; None: not live yet
    active_users: float | None  # distinct people per day over the areas shown
    # The registered share of in-scope staff active over the areas shown, each person once
    # (not an average of the area rows, which would count someone on two lists twice).
    share_active: float | None = None

    @property
    def staff(self) -> int:
        return sum(row.staff for row in self.area_rows)


def programme_rows(
    access: Access, view: View, go_lives: list[GoLive], *, today: dt.date
) -> list[GoLiveRow]:
    """Per go-live: tiles (whole go-live, the user's areas), areas ranked by adoption with
    the dip measured from that go-live's date, and the wave's dip and recovery."""
    waves = {
        row.go_live.pk: row.dip
        for row in dip_figures.wave_rows(
            access, view.go_live, today=today, role_group=view.role_group
        )
    }
    shown = set(view.area_ids)
    rows = []
    for go_live in go_lives:
        areas = [a for a in visible_scope(access, go_live) if a.pk in shown]
        part = View(go_live, areas, view.start, view.end, view.role_group)
        rows.append(
            GoLiveRow(
                go_live=go_live,
                tiles=section_tiles(access, go_live, today=today),
                area_rows=area_rows(part) if areas else [],
                dip=waves.get(go_live.pk),
                active_users=mean_active_users(part),
                share_active=mean_share_active(part),
            )
        )
    return rows


def programme_area_table(rows: list[AreaRow]) -> tuple[list[str], list[list[object]]]:
    """The programme's areas for exports: the go-live table's columns plus the go-live."""
    body = [
        [*cells[:3], row.go_live.name if row.go_live else "", *cells[3:]]
        for row, cells in zip(rows, area_table(rows), strict=True)
    ]
    header = area_header()
    return [*header[:3], "go-live", *header[3:]], body


def go_live_table(rows: list[GoLiveRow]) -> tuple[list[str], list[list[object]]]:
    """Each go-live's tiles and adoption headline, for exports."""
    titles = [tile.title for tile in rows[0].tiles] if rows else []
    header = [
        "go-live",
        "user go-live date",
        *(f"{title} ({i})" for title in titles for i in ("figure", "detail")),
        "areas",
        _recent("adoption.active_users"),
        _recent("adoption.share_active"),
        *dip_figures.header(),
    ]
    body: list[list[object]] = [
        [
            row.go_live.name,
            row.go_live.user_go_live_date.isoformat(),
            *(part for tile in row.tiles for part in (tile.figure, tile.detail)),
            len(row.area_rows),
            _round(row.active_users),
            _round(row.share_active),
            *dip_figures.cells(row.dip),
        ]
        for row in rows
    ]
    return header, body


# Warming: the first reader after an import should not wait for a year of distinct counts.


def warm_programme(programme: Programme, *, today: dt.date) -> int:
    """Compute, and so cache, what a programme-wide reader (an executive, the programme
    team) sees first after an import: each go-live's dashboard and the programme dashboard
    at their default ranges (headline series, area tables, first use). Readers with fewer
    areas have their own, smaller entries, computed on first read. Returns the number of
    views computed."""
    go_lives = list(GoLive.objects.filter(programme=programme).order_by("user_go_live_date"))
    headline = [m for m in Metric.objects.filter(programme=programme) if m.is_headline]
    by_go_live = {
        go_live.pk: list(
            Area.objects.filter(go_lives=go_live)
            .select_related("site")
            .order_by("site__name", "name")
        )
        for go_live in go_lives
    }
    views = [
        View(go_live, by_go_live[go_live.pk], *default_range(go_live, today=today))
        for go_live in go_lives
        if by_go_live[go_live.pk]
    ]
    everywhere = sorted({a for areas in by_go_live.values() for a in areas}, key=lambda a: a.pk)
    if go_lives and everywhere:
        start, end = programme_default_range(go_lives, today=today)
        views.append(View(go_lives[0], everywhere, start, end))
        views += [
            View(go_live, by_go_live[go_live.pk], start, end)
            for go_live in go_lives
            if by_go_live[go_live.pk]
        ]
    for view in views:
        for metric in headline:
            metrics.series(metric, view.scope)
        area_rows(view)
        metrics.first_use(view.go_live, view.area_ids)
    return len(views)
