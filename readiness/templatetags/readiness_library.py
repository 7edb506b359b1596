"""Links to the criteria library only for those who may keep it: the readiness section is
wider than the library, so ``may_open`` (which asks about sections) is not enough."""

from __future__ import annotations

from django import template
from django.http import HttpRequest

from readiness.library.selectors import library_programme

register = template.Library()


@register.filter
def may_keep_library(request: HttpRequest) -> bool:
    """``{% if request|may_keep_library %}<a href="{% url 'readiness:library' %}">…``"""
    return library_programme(request) is not None
