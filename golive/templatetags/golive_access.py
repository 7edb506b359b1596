"""Links only where they lead: a template renders a link to another page or section only if
the user reaches it, by the same rule the page itself applies (``golive.navigation``)."""

from __future__ import annotations

from django import template
from django.http import HttpRequest

from golive.navigation import may_open as _may_open

register = template.Library()


@register.filter
def may_open(url: str, request: HttpRequest) -> bool:
    """``{% if tile.url|may_open:request %}<a href="{{ tile.url }}">…{% endif %}``: whether
    the link leads this user to a page they reach (not a 403)."""
    return bool(url) and _may_open(request, str(url))
