"""The staff feedback export: the net experience score per area, overall and by week, under
the small-number rule. Figures only: comments never leave the page. Names come from the
definitions registry when the export is made."""

from __future__ import annotations

from adoption.feedback.selectors import Figure, ScoreRow
from golive import definitions, small_numbers

ALL_WEEKS = "All weeks"


def header() -> list[str]:
    return [
        "Area",
        "Week starting",
        definitions.label("adoption.feedback.responses"),
        definitions.label("adoption.feedback.net_experience_score"),
        "Suppressed",
    ]


def _line(area: str, week: str, figure: Figure) -> list[object]:
    if figure.suppressed:
        # The sentence in place of the count, as on the page: no figure, not even 0.
        return [area, week, definitions.label(small_numbers.KEY), None, "Yes"]
    return [area, week, figure.responses, figure.score, "No"]


def rows(table: list[ScoreRow]) -> list[list[object]]:
    """Per area: its overall line, then one line per week that has responses."""
    lines: list[list[object]] = []
    for row in table:
        lines.append(_line(row.area.name, ALL_WEEKS, row.total))
        lines.extend(
            _line(row.area.name, week.isoformat(), figure)
            for week, figure in row.by_week.items()
            if figure.responses != 0
        )
    return lines
