from __future__ import annotations

import pytest

from adoption.feedback import selectors
from adoption.feedback.demo import (
    QUIET_AREA_RESPONSES,
    REPEATS,
    SURVEY_RESPONSES,
    seed_feedback_demo,
)
from adoption.models import SurveyResponse
from golive.access import Access
from golive.demo import DEMO_PROGRAMME, seed_demo
from golive.models import GoLive, Programme, User


@pytest.mark.django_db
def test_demo_seeds_the_live_waves_staff_survey_once_showing_the_small_number_rule() -> None:
    seed_demo(staff_count=50)
    programme = Programme.objects.get(name=DEMO_PROGRAMME)
    pm = User.objects.get(username="pm")

    first = seed_feedback_demo(programme=programme, user=pm)
    again = seed_feedback_demo(programme=programme, user=pm)

    made = SURVEY_RESPONSES + QUIET_AREA_RESPONSES + REPEATS
    assert first == [f"Staff survey: {made} new responses ({REPEATS} repeats, not counted)"]
    assert again == [f"Staff survey: 0 new responses ({REPEATS} repeats, not counted)"]
    live = GoLive.objects.filter(programme=programme).order_by("user_go_live_date").first()
    assert live is not None
    assert SurveyResponse.objects.filter(survey__go_live=live).count() == made
    access = Access(pm)
    rows, _ = selectors.scores_by_area(selectors.visible_responses(access, live))
    totals = {row.total.suppressed for row in rows}
    weeks = {figure.suppressed for row in rows for figure in row.by_week.values()}
    assert totals == {True, False}  # areas above and below the threshold
    assert weeks == {True, False}
    # Repeats are counted only in the area-weeks shown; the demo still shows some.
    cells = selectors.shown_cells(rows)
    repeats = SurveyResponse.objects.filter(survey__go_live=live, is_repeat=True)
    in_shown = [r for r in repeats if (r.area_id, r.period) in cells]
    assert repeats.count() == REPEATS
    assert selectors.repeats_excluded(access, live, rows) == len(in_shown) > 0
