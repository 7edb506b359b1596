"""Confidence aggregates never reveal groups smaller than the minimum size."""

from __future__ import annotations

import numpy as np
import pytest

from training.confidence import Response, summarise


def _responses(group: str, scores: list[int], worry: str = "") -> list[Response]:
    return [Response(group, s, (worry,) if worry else ()) for s in scores]


def test_a_group_below_the_minimum_size_is_suppressed_entirely() -> None:
    groups, _ = summarise(_responses("Ward A", [1, 1, 2, 5], "job_at_risk"))

    (ward,) = groups
    assert ward.suppressed
    assert (ward.responses, ward.mean, ward.low_share, ward.worries) == (None, None, None, [])


def test_a_group_at_the_minimum_size_shows_its_mean_low_share_and_worries() -> None:
    scores = [1, 2, 3, 4, 2]

    groups, _ = summarise(_responses("Ward A", scores, "no_time"))

    (ward,) = groups
    assert ward.responses == 5
    assert ward.mean == pytest.approx(np.mean(scores))
    assert ward.low_share == pytest.approx(np.mean(np.array(scores) <= 2))
    assert ward.worries == [("no_time", 5)]
    assert ward.is_low


def test_the_overall_figure_leaves_out_suppressed_groups_so_they_cannot_be_derived() -> None:
    shown = [4, 4, 5, 5, 4]
    hidden = [1, 1]

    _, overall = summarise(_responses("A", shown) + _responses("B", hidden))

    assert overall is not None
    assert overall.responses == 5
    assert overall.mean == pytest.approx(np.mean(shown))


def test_with_every_group_too_small_there_is_no_overall_figure() -> None:
    _, overall = summarise(_responses("A", [3, 3]) + _responses("B", [4]))

    assert overall is None


def test_a_confident_group_is_not_flagged_as_low() -> None:
    groups, _ = summarise(_responses("A", [4, 5, 4, 5, 3]))

    assert not groups[0].is_low
