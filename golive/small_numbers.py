"""The small-number rule, in one place: a group (an area, an area's week, a role group)
with fewer than ``MIN_RESPONSES`` answers shows no figures and no comments, so that nobody
can work out who said what. Staff surveys, confidence checks and comments all read it here,
in pages, exports and the API; the sentence shown in place of the figures is registered
with the other definitions (``golive.definitions``) under ``KEY``.

Hiding a small group is not enough when a total is shown beside its parts: the total minus
the parts shown gives it back. ``complementary`` picks the further groups to hide so that
what is hidden under one total is never 1 to 4 responses.

Before this rule, surveys showed every area-week however few the answers (one answer made
a ward's week read −100) while confidence checks hid groups under 5: two rules for one
promise of anonymity.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

from golive.definitions import register

MIN_RESPONSES = 5
KEY = "golive.small_numbers"

K = TypeVar("K", bound=Hashable)


def is_shown(responses: int) -> bool:
    """Whether a group with this many counted responses may be shown."""
    return responses >= MIN_RESPONSES


def complementary(shown: Mapping[K, int], hidden: int) -> set[K]:
    """The shown groups (group → responses) to hide as well, smallest first, so that the
    responses hidden under one shown total, ``hidden`` (the total minus the groups shown),
    are none or at least ``MIN_RESPONSES``: then subtracting gives back no small group.
    Ties go to the group given first, so the choice is the same on every page."""
    extra: set[K] = set()
    for key, responses in sorted(shown.items(), key=lambda item: item[1]):
        if hidden == 0 or is_shown(hidden):
            break
        extra.add(key)
        hidden += responses
    return extra


def register_definition() -> None:
    """Register the rule's sentence (the label) and its explanation; called from
    ``GoliveConfig.ready``."""
    register(
        KEY,
        f"Not shown, to protect a group of fewer than {MIN_RESPONSES}",
        f"A group (an area, an area's week, a role group) with fewer than {MIN_RESPONSES} "
        "responses shows no figures and no comments, so that no answer can be traced to "
        "the person who gave it. Where such a group could be worked out by taking the "
        "groups shown from a total, the smallest other groups are not shown either, so a "
        f"group not shown may hold {MIN_RESPONSES} or more; both are marked alike, so the "
        "mark gives nothing away. Totals and comments count only the groups shown. The "
        "same rule holds for staff surveys, confidence checks and comments, on pages, in "
        "exports and over the API.",
    )
