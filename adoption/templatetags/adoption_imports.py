"""Template tags for import batches that need the request's user."""

from __future__ import annotations

from typing import Any

from django import template

from adoption.imports.withdrawal import may_withdraw
from adoption.models import ImportBatch
from golive.access import access_for

register = template.Library()


@register.simple_tag(takes_context=True)
def may_withdraw_batch(context: dict[str, Any], batch: ImportBatch) -> bool:
    """Whether the signed-in user may withdraw ``batch`` now (the service decides again)."""
    request = context.get("request")
    return request is not None and may_withdraw(access_for(request), batch)
