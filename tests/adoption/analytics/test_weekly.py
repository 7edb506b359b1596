from __future__ import annotations

import datetime as dt

from adoption.analytics.weekly import Week, chart_weeks, weekly_means
from golive.charts import Chart, Series

D = dt.date


def _days(start: dt.date, count: int) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(count)]


def test_weeks_run_monday_to_sunday_with_part_weeks_at_either_end() -> None:
    days = _days(D(2025, 3, 29), 10)  # Saturday 29 March to Monday 7 April

    weeks = weekly_means(days, [1.0] * 10)

    assert [(w.start, w.end) for w in weeks] == [
        (D(2025, 3, 29), D(2025, 3, 30)),
        (D(2025, 3, 31), D(2025, 4, 6)),
        (D(2025, 4, 7), D(2025, 4, 7)),
    ]


def test_days_without_a_figure_are_left_out_of_the_mean() -> None:
    weeks = weekly_means(_days(D(2025, 3, 31), 3), [2.0, None, 4.0])

    assert weeks == [Week(D(2025, 3, 31), D(2025, 4, 2), 3.0, 2)]


def test_a_week_without_any_figure_has_no_mean() -> None:
    weeks = weekly_means(_days(D(2025, 3, 31), 2), [None, None])

    assert weeks[0].mean is None
    assert weeks[0].days == 0


def test_a_charts_first_series_is_read_by_its_iso_date_labels() -> None:
    chart = Chart("c", "Title", ["2025-03-30", "2025-03-31"], [Series("s", [5.0, 7.0])])

    assert [(w.start, w.mean) for w in chart_weeks(chart)] == [
        (D(2025, 3, 30), 5.0),
        (D(2025, 3, 31), 7.0),
    ]
