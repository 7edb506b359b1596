"""The sections of Golive, who reaches each (the capability ``golive.access`` grants roles),
and which go-live a user is looking at. Pages (``require_section``), the API
(``golive.api_permissions``), the navigation and links in templates (``may_open``, through the
``golive_access`` template filter) all decide reach here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from golive.access import Access, Capability, access_for
from golive.models import GoLive

SESSION_GO_LIVE_KEY = "golive:go_live_id"
# A link may name the go-live a page shows (a drill-down from the programme dashboard): the
# page shows it, and the choice kept in the session stays as it was.
GO_LIVE_PARAM = "go_live"

C = Capability


@dataclass(frozen=True)
class Section:
    """A part of Golive that a role reaches or not, as a whole: its pages, its API and the
    links to it. ``routes`` names its URLs: a route name, or a prefix ending in ``:`` (a
    page namespace) or ``-`` (an API resource); the longest match decides."""

    key: str
    label: str
    url_name: str
    capability: Capability
    routes: tuple[str, ...]
    in_navigation: bool = True  # False: a part of another section's pages
    # Pages that cover every area of the go-live shown (command and control): a user who
    # sees only some of its areas is refused them there.
    whole_go_live: bool = False

    def reached_by(self, access: Access) -> bool:
        """Whether the user's roles reach this section at all (on any go-live)."""
        return access.has(self.capability)


SECTIONS: tuple[Section, ...] = (
    Section(
        "home",
        "Home",
        "home",
        C.VIEW,
        # Programmes are read by every role (their writes ask MANAGE_GO_LIVES or ADMINISTER).
        ("home", "api-root", "api-me", "area-", "go-live-", "programme-"),
    ),
    Section(
        "readiness", "Readiness", "readiness:home", C.VIEW_READINESS, ("readiness:", "readiness-")
    ),
    Section(
        "command",
        "Command and control",
        "readiness:command",
        C.VIEW_COMMAND,
        (
            "readiness:command",
            "readiness:cell",
            "readiness:sitrep",
            "readiness:escalation",
            "readiness-cell-",
            "readiness-sitrep-",
            "readiness-escalation-",
        ),
        in_navigation=False,
        whole_go_live=True,
    ),
    Section("training", "Training", "training:home", C.VIEW_TRAINING, ("training:", "training-")),
    # Champions, super users, rosters and coverage (champions app).
    Section(
        "champions",
        "Champions",
        "champions:home",
        C.VIEW_CHAMPIONS,
        ("champions:", "designation-", "shift-", "coverage-", "cover-request-"),
    ),
    Section("support", "Service desk", "support:home", C.VIEW_SUPPORT, ("support:", "ticket-")),
    Section(
        "adoption",
        "Adoption",
        "adoption:home",
        C.VIEW_ADOPTION,
        (
            "adoption:",
            "import-batch-",
            "mapping-profile-",
            "metric-",
            "change-marker-",
            "api-comparison",
            "api-dip-and-recovery",
            "api-feedback-scores",
        ),
    ),
    Section("staff", "Staff", "staff_list", C.VIEW_STAFF, ("staff_list", "staff_export", "staff-")),
    # Programme set-up: structure, go-lives and releases, go-lives copied from previous ones
    # (the programmes API is in Home: every role reads its programmes).
    Section(
        "setup",
        "Set-up",
        "setup:home",
        C.MANAGE_GO_LIVES,
        ("setup:", "site-", "release-", "go-live-copy-"),
    ),
    # Who changed what, when and why: DCB0160 evidence (administration.audit).
    Section("audit", "Audit trail", "audit:home", C.VIEW_AUDIT, ("audit:", "audit-entry-")),
    # People and access: programme managers and administrators. The request-access page
    # (``request_access``) and the access-requests API (``access-request-``) are outside
    # every section: a signed-in user with no role at all asks for one there.
    Section(
        "people",
        "People and access",
        "people:home",
        C.MANAGE_ACCESS,
        ("people:", "role-grant-", "invitation-"),
        in_navigation=False,
    ),
)
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}


def _names(route: str, route_name: str) -> bool:
    return route_name == route or (route.endswith((":", "-")) and route_name.startswith(route))


def section_of(route_name: str) -> Section | None:
    """The section a named route (``namespace:name``, or an API route's name) belongs to;
    None for routes outside every section (signing in, health checks, the API schema)."""
    matches = [
        (len(route), section)
        for section in SECTIONS
        for route in section.routes
        if _names(route, route_name)
    ]
    return max(matches, key=lambda match: match[0])[1] if matches else None


def reaches(request: HttpRequest, section: Section) -> bool:
    """Whether the user reaches ``section`` on the go-live shown: their roles reach it and,
    for a section covering a whole go-live, they see every area of that go-live."""
    access = access_for(request)
    if not section.reached_by(access):
        return False
    go_live = current_go_live(request) if section.whole_go_live else None
    return go_live is None or access.sees_every_area(go_live)


def may_open(request: HttpRequest, url: str) -> bool:
    """Whether a link to ``url`` (a path on this site) leads the user somewhere they reach:
    what templates ask before rendering a link to another page or section."""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return False
    if getattr(match.func, "login_required", True) is False:
        return True  # public pages (a survey reached by a link) are for anyone
    section = section_of(match.view_name)
    return section is None or reaches(request, section)


def visible_sections(request: HttpRequest) -> list[Section]:
    """The sections in the navigation that the user reaches."""
    return [section for section in SECTIONS if section.in_navigation and reaches(request, section)]


def require_section(request: HttpRequest, key: str) -> None:
    """Refuse (403) a user who does not reach this section."""
    section = SECTIONS_BY_KEY[key]
    if not section.reached_by(access_for(request)):
        raise PermissionDenied(f"Your roles do not include {section.label}.")
    if not reaches(request, section):
        raise PermissionDenied(f"{section.label} covers every area of the go-live.")


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
