"""The small-number rule, in one place: a group (an area, an area's week, a role group)
with fewer than ``MIN_RESPONSES`` answers shows no figures and no comments, so that nobody
can work out who said what. Staff surveys, confidence checks and comments all read it here,
in pages, exports and the API; the sentence shown in place of the figures is registered
with the other definitions (``golive.definitions``) under ``KEY``.

Before this rule, surveys showed every area-week however few the answers (one answer made
a ward's week read −100) while confidence checks hid groups under 5: two rules for one
promise of anonymity.
"""

from __future__ import annotations

from golive.definitions import register

MIN_RESPONSES = 5
KEY = "golive.small_numbers"


def is_shown(responses: int) -> bool:
    """Whether a group with this many counted responses may be shown."""
    return responses >= MIN_RESPONSES


def register_definition() -> None:
    """Register the rule's sentence (the label) and its explanation; called from
    ``GoliveConfig.ready``."""
    register(
        KEY,
        f"Fewer than {MIN_RESPONSES} responses",
        f"A group (an area, an area's week, a role group) with fewer than {MIN_RESPONSES} "
        "responses shows no figures and no comments, so that no answer can be traced to "
        "the person who gave it. The same rule holds for staff surveys, confidence checks "
        "and comments, on pages, in exports and over the API.",
    )
