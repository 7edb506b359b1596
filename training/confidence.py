"""Aggregating confidence checks without revealing individuals, with no Django.

A group (an area, a role group) below the small-number rule (``golive.small_numbers``, the
same rule as staff surveys) is suppressed: its count, mean and worries are withheld. The
overall figure is built only from groups that are shown, so a hidden group cannot be
recovered by subtracting the shown ones from the total; role groups are built only from the
areas shown, and hidden further where they would give a small group back (``checks``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from golive import small_numbers

# Low confidence (registered as "training.confidence.low"): an average under 3, or 30% or
# more of the group's respondents (not of its staff) scoring 1 or 2.
LOW_MEAN = 3.0
LOW_SCORE = 2  # 1 or 2 out of 5 is "not ready"
LOW_SHARE = 0.3


@dataclass(frozen=True)
class Response:
    group: str
    score: int
    worries: tuple[str, ...] = ()


@dataclass(frozen=True)
class Check:
    """One confidence check: its area's label and, for a named check, its role group's."""

    area: str
    role_group: str | None
    score: int
    worries: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroupSummary:
    group: str
    suppressed: bool
    responses: int | None = None
    mean: float | None = None
    low_share: float | None = None  # share scoring 1 or 2
    worries: list[tuple[str, int]] = field(default_factory=list)

    @property
    def is_low(self) -> bool:
        if self.suppressed or self.mean is None or self.low_share is None:
            return False
        return self.mean < LOW_MEAN or self.low_share >= LOW_SHARE


def _summarise(group: str, scores: list[int], worries: Counter[str]) -> GroupSummary:
    n = len(scores)
    return GroupSummary(
        group=group,
        suppressed=False,
        responses=n,
        mean=round(sum(scores) / n, 2),
        low_share=round(sum(1 for s in scores if s <= LOW_SCORE) / n, 3),
        worries=sorted(worries.items(), key=lambda item: (-item[1], item[0])),
    )


def summarise(responses: Iterable[Response]) -> tuple[list[GroupSummary], GroupSummary | None]:
    """(one summary per group, in group order; the overall summary of shown groups or None)."""
    scores: dict[str, list[int]] = {}
    worries: dict[str, Counter[str]] = {}
    for response in responses:
        scores.setdefault(response.group, []).append(response.score)
        worries.setdefault(response.group, Counter()).update(response.worries)
    groups = []
    shown_scores: list[int] = []
    shown_worries: Counter[str] = Counter()
    for group in sorted(scores):
        if not small_numbers.is_shown(len(scores[group])):
            groups.append(GroupSummary(group=group, suppressed=True))
            continue
        groups.append(_summarise(group, scores[group], worries[group]))
        shown_scores += scores[group]
        shown_worries += worries[group]
    overall = _summarise("Overall", shown_scores, shown_worries) if shown_scores else None
    return groups, overall


def checks(
    responses: Iterable[Check],
) -> tuple[list[GroupSummary], list[GroupSummary], GroupSummary | None]:
    """(by area, by role group, overall). The overall row holds the areas shown; role groups
    hold only the named checks from those areas, since checks from a hidden area would
    come back as role-group totals less the overall (count, mean and worries). And the
    overall less the role groups shown is what they leave out (anonymous checks and
    hidden role groups): when that is 1 to 4 checks, the smallest role groups shown are
    hidden too, as with weeks under an area's total in staff surveys."""
    rows = list(responses)
    by_area, overall = summarise(Response(r.area, r.score, r.worries) for r in rows)
    shown_areas = {group.group for group in by_area if not group.suppressed}
    by_role, _ = summarise(
        Response(r.role_group, r.score, r.worries)
        for r in rows
        if r.role_group is not None and r.area in shown_areas
    )
    shown = {g.group: g.responses for g in by_role if not g.suppressed and g.responses}
    counted = overall.responses or 0 if overall is not None else 0
    left_out = counted - sum(shown.values())
    extra = small_numbers.complementary(shown, left_out)
    by_role = [GroupSummary(g.group, suppressed=True) if g.group in extra else g for g in by_role]
    return by_area, by_role, overall
