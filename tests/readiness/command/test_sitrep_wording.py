"""A sit-rep's drafted sentences read as people write them: no "None a day", no "1 red
criteria" (known answers from hand-built figures)."""

from __future__ import annotations

from typing import Any

from readiness.command.services import draft_summary


def _figures(**changes: Any) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "tickets_opened": {},
        "tickets_resolved": {},
        "tickets_open_now": 0,
        "top_issues": [],
        "readiness_exceptions": [],
        "coverage": {"shifts": 4, "shifts_with_gaps": 1, "supporters_missing": 2},
        "escalations": [],
        "training_alerts": [],
        "adoption": None,
    }
    return {**figures, **changes}


def test_adoption_on_the_first_day_with_data_says_there_is_none_before_it() -> None:
    adoption = {"day": "2027-03-03", "active_users": 1, "previous_mean": None}

    summary = draft_summary(_figures(adoption=adoption))

    assert "Adoption: 1 EPR user active on 2027-03-03 (no data for the previous 7 days)." in (
        summary.splitlines()
    )
    assert "None" not in summary


def test_adoption_with_a_previous_week_gives_its_daily_mean() -> None:
    adoption = {"day": "2027-03-03", "active_users": 12, "previous_mean": 9.5}

    summary = draft_summary(_figures(adoption=adoption))

    assert "Adoption: 12 EPR users active on 2027-03-03 (previous 7 days: 9.5 a day)." in (
        summary.splitlines()
    )


def test_one_red_criterion_is_singular() -> None:
    red = [{"area": "Ward A", "criterion": "Smartcards issued", "figure": "40%"}]

    summary = draft_summary(_figures(readiness_exceptions=red))

    assert "Readiness exceptions: 1 red criterion." in summary.splitlines()


def test_no_or_several_red_criteria_are_plural() -> None:
    red = [{"area": "Ward A", "criterion": "Smartcards issued", "figure": ""}] * 2

    assert "Readiness exceptions: 0 red criteria." in draft_summary(_figures()).splitlines()
    assert "Readiness exceptions: 2 red criteria." in (
        draft_summary(_figures(readiness_exceptions=red)).splitlines()
    )
