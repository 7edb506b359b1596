from __future__ import annotations

import pytest

from readiness.hazards.risk import risk_rating


@pytest.mark.parametrize(
    ("severity", "likelihood", "rating"),
    [
        (1, 1, 1),  # minor, very low
        (5, 5, 5),  # catastrophic, very high
        (5, 1, 3),  # catastrophic but very unlikely
        (1, 5, 3),  # minor but very likely
        (3, 3, 3),  # considerable, medium
        (4, 2, 3),  # major, low
        (2, 4, 3),  # significant, high
        (4, 4, 4),  # major, high
        (2, 2, 2),  # significant, low
        (5, 4, 5),  # catastrophic, high
    ],
)
def test_risk_rating_follows_the_dcb0160_matrix(
    severity: int, likelihood: int, rating: int
) -> None:
    assert risk_rating(severity, likelihood) == rating


@pytest.mark.parametrize(("severity", "likelihood"), [(0, 3), (6, 3), (3, 0), (3, 6)])
def test_risk_rating_refuses_values_off_the_five_point_scales(
    severity: int, likelihood: int
) -> None:
    with pytest.raises(ValueError, match="1 to 5"):
        risk_rating(severity, likelihood)
