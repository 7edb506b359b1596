"""The sections of Golive, who sees each, and which go-live a user is looking at."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from golive.access import Capability, access_for
from golive.models import GoLive, Role

SESSION_GO_LIVE_KEY = "golive:go_live_id"
ALL_ROLES = frozenset(Role)


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    url_name: str
    roles: frozenset[str]
    capability: Capability = Capability.VIEW


SECTIONS: tuple[Section, ...] = (
    Section("home", "Home", "home", ALL_ROLES),
    Section(
        "readiness",
        "Readiness",
        "readiness:home",
        frozenset(
            {
                Role.PROGRAMME_MANAGER,
                Role.READINESS_CHAIR,
                Role.CLINICAL_SAFETY_OFFICER,
                Role.WARD_MANAGER,
                Role.EXECUTIVE,
                Role.ADMINISTRATOR,
            }
        ),
    ),
    Section(
        "training",
        "Training",
        "training:home",
        frozenset(
            {
                Role.PROGRAMME_MANAGER,
                Role.READINESS_CHAIR,
                Role.WARD_MANAGER,
                Role.TRAINING_LEAD,
                Role.CHAMPION,
                Role.EXECUTIVE,
                Role.ADMINISTRATOR,
            }
        ),
    ),
    # Champions, super users, rosters and coverage (champions app).
    Section(
        "champions",
        "Champions",
        "champions:home",
        ALL_ROLES,
    ),
    Section("support", "Service desk", "support:home", ALL_ROLES),
    Section(
        "adoption",
        "Adoption",
        "adoption:home",
        frozenset(
            {
                Role.PROGRAMME_MANAGER,
                Role.READINESS_CHAIR,
                Role.CLINICAL_SAFETY_OFFICER,
                Role.WARD_MANAGER,
                Role.TRAINING_LEAD,
                Role.EXECUTIVE,
                Role.ADMINISTRATOR,
            }
        ),
    ),
    Section(
        "staff",
        "Staff",
        "staff_list",
        frozenset(
            {Role.PROGRAMME_MANAGER, Role.WARD_MANAGER, Role.TRAINING_LEAD, Role.ADMINISTRATOR}
        ),
        Capability.VIEW_STAFF,
    ),
)
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}


def visible_sections(request: HttpRequest) -> list[Section]:
    access = access_for(request)
    return [
        section
        for section in SECTIONS
        if access.roles & section.roles and access.has(section.capability)
    ]


def require_section(request: HttpRequest, key: str) -> None:
    """Refuse (403) a user whose roles do not include this section."""
    if SECTIONS_BY_KEY[key] not in visible_sections(request):
        raise PermissionDenied(f"Your roles do not include {SECTIONS_BY_KEY[key].label}.")


def nav_items(request: HttpRequest) -> list[dict[str, object]]:
    match = request.resolver_match
    namespace = match.namespace if match else ""
    view_name = match.view_name if match else ""
    items = []
    for section in visible_sections(request):
        # A section is current on its own page and on any page in its app's namespace.
        active = view_name == section.url_name or (bool(namespace) and section.key == namespace)
        items.append({"label": section.label, "url": reverse(section.url_name), "active": active})
    return items


def default_go_live(go_lives: list[GoLive], *, today: dt.date) -> GoLive | None:
    """The next go-live still to come, else the most recent one."""
    upcoming = [g for g in go_lives if g.user_go_live_date >= today]
    if upcoming:
        return min(upcoming, key=lambda g: g.user_go_live_date)
    return max(go_lives, key=lambda g: g.user_go_live_date, default=None)


def current_go_live(request: HttpRequest) -> GoLive | None:
    """The go-live the user has chosen in the switcher, if they may still see it."""
    if hasattr(request, "_golive_current"):
        cached: GoLive | None = request._golive_current
        return cached
    go_lives = list(access_for(request).go_lives().order_by("user_go_live_date"))
    chosen_id = request.session.get(SESSION_GO_LIVE_KEY)
    chosen = next((g for g in go_lives if g.pk == chosen_id), None)
    if chosen is None:
        chosen = default_go_live(go_lives, today=timezone.localdate())
    request._golive_current = chosen  # type: ignore[attr-defined]
    request._golive_choices = go_lives  # type: ignore[attr-defined]
    return chosen


def has_chosen_go_live(request: HttpRequest) -> bool:
    """Whether the user picked, in the switcher, a go-live they may still see."""
    chosen_id = request.session.get(SESSION_GO_LIVE_KEY)
    return any(g.pk == chosen_id for g in go_live_choices(request))


def show_go_live(request: HttpRequest, go_live: GoLive) -> None:
    """Make ``go_live`` the one this request shows (and the switcher marks), for a section
    whose sensible default differs from the next go-live, without changing the choice."""
    current_go_live(request)
    request._golive_current = go_live  # type: ignore[attr-defined]


def go_live_choices(request: HttpRequest) -> list[GoLive]:
    current_go_live(request)
    return list(getattr(request, "_golive_choices", []))
