"""Charts as data: a view builds a :class:`Chart`, ``templates/_chart.html`` draws it with the
vendored Chart.js and shows the same figures in a table beside it (a chart alone is not
accessible, and the table is what people copy into their reports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

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
