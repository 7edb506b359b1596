from __future__ import annotations

import pytest

from readiness.assessment.scoring import Scored, score, worst_rag


def test_score_gives_green_full_weight_amber_half_and_red_nothing() -> None:
    result = score([Scored(3, "green"), Scored(2, "amber"), Scored(5, "red")])
    # (3 × 1 + 2 × 0.5 + 5 × 0) / (3 + 2 + 5) = 4 / 10
    assert result.earned == 4.0
    assert result.total == 10
    assert result.percent == 40.0


def test_not_assessed_counts_as_not_ready() -> None:
    assert score([Scored(1, "green"), Scored(1, "not_assessed")]).percent == 50.0


def test_no_criteria_has_no_score_rather_than_zero() -> None:
    assert score([]).percent is None


@pytest.mark.parametrize(
    ("rags", "worst"),
    [
        (["green", "amber", "red"], "red"),
        (["green", "amber"], "amber"),
        (["green", "not_assessed"], "not_assessed"),
        (["green"], "green"),
        ([], "not_assessed"),
    ],
)
def test_a_cell_shows_its_worst_criterion(rags: list[str], worst: str) -> None:
    assert worst_rag(rags) == worst
