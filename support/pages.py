"""The go-live the service desk's pages show: the one it is supporting (the shared pieces
every page uses live in ``golive/http.py``)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils import timezone

from golive.models import GoLive
from golive.navigation import (
    current_go_live,
    go_live_choices,
    has_chosen_go_live,
    show_go_live,
)

SECTION = "support"


def go_live_or_404(request: HttpRequest) -> GoLive:
    go_live = desk_go_live(request)
    if go_live is None:
        raise Http404("There is no go-live for you to see.")
    return go_live


def desk_go_live(request: HttpRequest) -> GoLive | None:
    """The go-live the desk's pages show: the one chosen in the switcher; with no choice
    made, the one the desk is supporting (the latest whose user go-live has come), rather
    than the next one to come that readiness and training look at first."""
    if has_chosen_go_live(request):
        return current_go_live(request)
    today = timezone.localdate()
    live = [g for g in go_live_choices(request) if g.user_go_live_date <= today]
    if not live:
        return current_go_live(request)
    supported = max(live, key=lambda g: (g.user_go_live_date, g.pk))
    show_go_live(request, supported)
    return supported
