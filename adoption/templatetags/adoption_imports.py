"""Template tags for import batches that need the request's user."""

from __future__ import annotations

from typing import Any

from django import template

from adoption.imports import selectors
from adoption.imports.withdrawal import may_withdraw
from adoption.models import ImportBatch
from golive.access import access_for
from golive.models import Programme

register = template.Library()


@register.simple_tag(takes_context=True)
def may_withdraw_batch(context: dict[str, Any], batch: ImportBatch) -> bool:
    """Whether the signed-in user may withdraw ``batch`` now (the service decides again)."""
    request = context.get("request")
    return request is not None and may_withdraw(access_for(request), batch)


@register.inclusion_tag("adoption/_data_labels.html", takes_context=True)
def data_labels(
    context: dict[str, Any], view: Any, programme: Programme | None = None
) -> dict[str, Any]:
    """``{% data_labels view %}``: the labels of batches behind the figures of a dashboard
    ``view`` (its go-live's programme, areas and dates), read per request."""
    request = context.get("request")
    if request is None or view is None:
        return {"labels": []}
    labels = selectors.data_labels(
        access_for(request),
        programme or view.go_live.programme,
        areas=view.areas,
        start=view.start,
        end=view.end,
    )
    return {"labels": labels}
