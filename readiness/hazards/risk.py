"""The DCB0160 clinical risk matrix: severity (consequence) × likelihood → risk rating 1–5.
Pure: no database."""

from __future__ import annotations

SEVERITY = {1: "Minor", 2: "Significant", 3: "Considerable", 4: "Major", 5: "Catastrophic"}
LIKELIHOOD = {1: "Very low", 2: "Low", 3: "Medium", 4: "High", 5: "Very high"}
RATING = {
    1: "Acceptable",
    2: "Acceptable where further reduction costs more than it gains",
    3: "Undesirable: accept only with the clinical safety officer's agreement",
    4: "Unacceptable: reduce before go-live",
    5: "Unacceptable: reduce before go-live",
}
# MATRIX[likelihood][severity], as printed in the DCB0129/DCB0160 guidance.
MATRIX: dict[int, tuple[int, int, int, int, int]] = {
    5: (3, 4, 4, 5, 5),
    4: (2, 3, 3, 4, 5),
    3: (2, 2, 3, 3, 4),
    2: (1, 2, 2, 3, 4),
    1: (1, 1, 2, 2, 3),
}


def risk_rating(severity: int, likelihood: int) -> int:
    if severity not in SEVERITY or likelihood not in LIKELIHOOD:
        raise ValueError("Severity and likelihood run from 1 to 5.")
    return MATRIX[likelihood][severity - 1]


def rating_label(rating: int) -> str:
    return RATING[rating]
