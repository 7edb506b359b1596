"""The sections of Golive, who sees each, and which go-live a user is looking at."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone

from golive.access import Capability, access_for
from golive.models import GoLive, Role

SESSION_GO_LIVE_KEY = "golive:go_live_id"
# A link may name the go-live a page shows (a drill-down from the programme dashboard): the
# page shows it, and the choice kept in the session stays as it was.
GO_LIVE_PARAM = "go_live"
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


def url_go_live(request: HttpRequest) -> GoLive | None:
    """The go-live named in the URL (``?go_live=<id>``), which this request shows (and the
    switcher marks) without changing the choice in the session; None when the URL names
    none. A go-live the user may not see, or no go-live at all, is 404."""
    named = request.GET.get(GO_LIVE_PARAM)
    if named is None:
        return None
    go_live = next((g for g in go_live_choices(request) if str(g.pk) == named), None)
    if go_live is None:
        raise Http404("No such go-live.")
    show_go_live(request, go_live)
    return go_live


def without_go_live_param(url: str) -> str:
    """``url`` without a go-live named in its query: where the switcher returns the user
    to, so that the go-live they switched to is the one shown."""
    parts = urlsplit(url)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != GO_LIVE_PARAM
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))
