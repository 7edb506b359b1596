"""Charts as data: a view builds a :class:`Chart`, ``templates/_chart.html`` draws it with the
vendored Chart.js and shows the same figures in a table beside it (a chart alone is not
accessible, and the table is what people copy into their reports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ChartKind = Literal["line", "bar"]


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float | None]
    # A band (e.g. a forecast interval) is drawn as a shaded area between two series.
    dashed: bool = False


@dataclass(frozen=True)
class Marker:
    """A vertical line at one of the chart's labels: a go-live, a release, a change."""

    at: str
    text: str


@dataclass(frozen=True)
class Chart:
    """One chart. ``dom_id`` must be unique on the page; labels are the x-axis categories
    (dates as ISO strings, areas, categories) and every series has one value per label."""

    dom_id: str
    title: str
    labels: list[str]
    series: list[Series]
    kind: ChartKind = "line"
    y_label: str = ""
    markers: list[Marker] = field(default_factory=list)
    stacked: bool = False

    def __post_init__(self) -> None:
        for series in self.series:
            if len(series.values) != len(self.labels):
                raise ValueError(
                    f"series {series.label!r} has {len(series.values)} values "
                    f"for {len(self.labels)} labels"
                )

    @property
    def data_id(self) -> str:
        return f"{self.dom_id}-data"

    def as_json(self) -> dict[str, object]:
        """What ``static/golive/js/charts.mjs`` reads from the page's JSON data island."""
        return {
            "kind": self.kind,
            "labels": self.labels,
            "series": [
                {"label": s.label, "values": s.values, "dashed": s.dashed} for s in self.series
            ],
            "markers": [{"at": m.at, "text": m.text} for m in self.markers],
            "yLabel": self.y_label,
            "stacked": self.stacked,
        }

    def table_rows(self) -> list[tuple[str, list[float | None]]]:
        """One row per label with a value per series: the data table beside the chart."""
        return [
            (label, [series.values[index] for series in self.series])
            for index, label in enumerate(self.labels)
        ]

    def table_body(self) -> SafeString:
        """The data table's rows as HTML, built here rather than by a template loop: a year
        of daily figures is thousands of cells, and rendering them through template nodes
        (or ``format_html`` per cell) took most of a warm dashboard's time
        (bench/README.md)."""
        rows = [
            _ROW.format(
                label=escape(label),
                # str() of a number is what the template's localize gave for en-gb (no
                # thousand separators) at a fraction of the cost, and needs no escaping.
                cells="".join(
                    _CELL.format("–" if value is None else str(value)) for value in values
                ),
            )
            for label, values in self.table_rows()
        ]
        return mark_safe("".join(rows))  # noqa: S308 - every label and value is escaped above


_ROW = (
    '<tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__header">{label}</th>'
    "{cells}</tr>"
)
_CELL = '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">{}</td>'
