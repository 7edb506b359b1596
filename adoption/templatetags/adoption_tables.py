"""The ranked areas table's rows, drawn in Python.

A programme's table has a row per area (60 in the demo trust), each with a link, a sparkline
and four formatted figures; through template nodes the rows were the largest part of the
programme dashboard's rendering, which has to fit a year of figures in 150 ms under load
(bench/README.md). The markup is what ``_area_table.html`` drew; ``format_html`` escapes
every value.
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from adoption.analytics import dashboard, dip
from adoption.analytics.dashboard import AreaRow
from adoption.analytics.dip import Dip
from adoption.analytics.dip_figures import NOT_LIVE_YET
from adoption.definitions import DIP_KEYS
from golive import definitions

register = template.Library()

DASH = "–"
LINE = '<span class="golive-figure-line"><span class="golive-figure-line__name">{}</span> {}</span>'

ROW = (
    '<tr class="nhsuk-table__row">'
    '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">{}</td>'
    '<th class="nhsuk-table__header" scope="row">{}'
    '<span class="nhsuk-body-s golive-muted">{}</span></th>'
    '<td class="nhsuk-table__cell">{}</td>'
    '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">{}</td>'
    '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">{}</td>'
    '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">{}</td>'
    "{}</tr>"
)
DIP_CELLS = '<td class="nhsuk-table__cell">{}</td><td class="nhsuk-table__cell">{}</td>'

SPARKLINE = (
    '<svg class="golive-sparkline" viewBox="0 0 100 24" role="img" aria-label="{}" '
    'focusable="false"><title>{}</title><polyline points="{}" fill="none" stroke="#005eb8" '
    'stroke-width="1.5" vector-effect="non-scaling-stroke"></polyline></svg>'
)


@register.simple_tag
def area_table_rows(
    rows: list[AreaRow], query: str = "", links: bool = False, programme: bool = False
) -> SafeString:
    """``<tr>`` for each ranked area. ``links``: the area names link to the area's page
    (through the drill-down to its go-live when ``programme``); ``query`` (the filters)
    goes with them."""
    return format_html_join(
        "",
        "{}",
        ((_row(rank, row, query, links, programme),) for rank, row in enumerate(rows, 1)),
    )


def _row(rank: int, row: AreaRow, query: str, links: bool, programme: bool) -> SafeString:
    where = f"{row.area.site.name}, {row.go_live.name}" if programme and row.go_live else ""
    return format_html(
        ROW,
        rank,
        _name(row, query, links, programme),
        where or row.area.site.name,
        format_html(SPARKLINE, row.sparkline_text, row.sparkline_text, row.sparkline_points)
        if row.sparkline_points
        else DASH,
        row.staff,
        DASH if row.active_users is None else floatformat(row.active_users, 1),
        DASH if row.share_active is None else f"{floatformat(row.share_active, 1)}%",
        dip_cells(row.dip),
    )


@register.simple_tag
def dip_cells(dip: Dip | None) -> SafeString:
    """Two cells: the dip against the baseline and the recovery, one line per figure,
    each named from the registry with its day beside it (a column per figure would be a
    wall of columns on a phone)."""
    if dip is None:
        return format_html(DIP_CELLS, NOT_LIVE_YET, NOT_LIVE_YET)
    figures = dip_figures(dip)
    return format_html(DIP_CELLS, _lines(figures[:4]), _lines(figures[4:]))


def _lines(figures: list[tuple[str, str]]) -> SafeString:
    return format_html_join(
        "<br>", LINE, ((f"{definitions.label(key)}:", value) for key, value in figures)
    )


@register.simple_tag
def dip_figures(dip: Dip | None) -> list[tuple[str, str]]:
    """(registry key, figure as text) for each dip and recovery figure, in order, for a
    table that names each figure and gives its definition beside it."""
    if dip is None:
        return [(key, NOT_LIVE_YET) for key in DIP_KEYS]
    source = f" ({dip.baseline_source})" if dip.baseline_source else ""
    level = DASH if dip.baseline is None else f"{floatformat(dip.baseline, 1)}{source}"
    values = (
        level,
        dip.go_live_day_text,
        dip.deepest_day_text,
        dip.deepest_week_text,
        dip.recovery_daily_text,
        dip.recovery_smoothed_text,
    )
    return list(zip(DIP_KEYS, values, strict=True))


# The spans the captions name, from the constants the figures are computed with, so the
# words cannot drift from the calculation.


@register.simple_tag
def baseline_days() -> int:
    """Days before go-live that make the dip's baseline."""
    return dip.BASELINE_DAYS


@register.simple_tag
def recovery_tolerance() -> str:
    """The share of the baseline that counts as recovered, as "95%"."""
    return f"{dip.TOLERANCE:.0%}"


@register.simple_tag
def ranking_days() -> int:
    """The last days of the range the areas are ranked over."""
    return dashboard.RANKING_DAYS


@register.simple_tag
def history_days() -> int:
    """Days of events each area's sparkline shows."""
    return dashboard.HISTORY_DAYS


@register.inclusion_tag("adoption/_dip_definitions.html")
def dip_definitions() -> dict[str, object]:
    """What each dip and recovery figure means, from the registry, to print beside them."""
    return {"keys": DIP_KEYS}


def _name(row: AreaRow, query: str, links: bool, programme: bool) -> SafeString:
    if not links:
        return format_html("{}", row.area.name)
    if programme and row.go_live:
        url = reverse("adoption:drill_down_area", args=[row.go_live.pk, row.area.pk])
    else:
        url = reverse("adoption:area", args=[row.area.pk])
    return format_html('<a href="{}">{}</a>', f"{url}?{query}" if query else url, row.area.name)
