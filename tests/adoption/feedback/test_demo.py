from __future__ import annotations

import pytest

from adoption.feedback.demo import SURVEY_RESPONSES, seed_feedback_demo
from adoption.models import SurveyResponse
from golive.demo import DEMO_PROGRAMME, seed_demo
from golive.models import GoLive, Programme, User


@pytest.mark.django_db
def test_demo_seeds_the_live_waves_staff_survey_once() -> None:
    seed_demo(staff_count=50)
    programme = Programme.objects.get(name=DEMO_PROGRAMME)
    pm = User.objects.get(username="pm")

    first = seed_feedback_demo(programme=programme, user=pm)
    again = seed_feedback_demo(programme=programme, user=pm)

    assert first == [f"Staff survey: {SURVEY_RESPONSES} new responses"]
    assert again == ["Staff survey: 0 new responses"]
    live = GoLive.objects.filter(programme=programme).order_by("user_go_live_date").first()
    assert SurveyResponse.objects.filter(survey__go_live=live).count() == SURVEY_RESPONSES
