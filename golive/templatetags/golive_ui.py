"""Small presentation helpers for Golive's templates (no queries, no business rules)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.core.paginator import Page

register = template.Library()


@register.filter
def absolute(value: int) -> int:
    """``{{ -3|absolute }}`` is 3: for "went live 3 days ago"."""
    return abs(int(value))


@register.filter
def t_minus(days: int) -> str:
    """Days from today as a countdown label: 12 is "T-12", -3 is "T+3", 0 is "Today"."""
    days = int(days)
    if days == 0:
        return "Today"
    return f"T-{days}" if days > 0 else f"T+{-days}"


@register.filter
def whole_minutes(value: object) -> int | None:
    """A duration in whole minutes (rounded up), e.g. a login lockout's cool-off."""
    if not isinstance(value, dt.timedelta):
        return None
    seconds = int(value.total_seconds())
    return -(-seconds // 60)


@register.simple_tag
def page_range(page: Page, on_each_side: int = 1, on_ends: int = 1) -> list[int | str]:
    """Page numbers for a numbered pagination, with ``Paginator.ELLIPSIS`` for gaps."""
    return list(
        page.paginator.get_elided_page_range(
            page.number, on_each_side=on_each_side, on_ends=on_ends
        )
    )
