"""Computed adoption figures, cached until what they are computed from changes.

Rollups change when an import batch is rolled up (a few times a day), yet a year of a
trust's figures over many areas means counting distinct users over most of a million
activity rows: seconds, not the milliseconds a dashboard needs (bench/README.md). So each
computed figure is cached under a key made of:

- a *generation*, a random token replaced by ``figures_changed``, so a change shows at once;
- a fingerprint of the staff lists and training completions (counts and highest ids), which
  the staff-share metrics join with, so a new staff list or completion shows at once;
- what was asked (metric definition, areas, dates, role groups), so users who see
  different areas never share an entry.

``figures_changed`` is the one way to say cached figures are stale. Every writer of what
they are computed from reaches it: the rollups (``rollups``) after each write; a committed
staff list or training import (``adoption.wiring`` registers it as a batch reaction);
and, through signals, since those writers cannot import adoption, staff and completions
edited in place anywhere (a corrected start date, a moved ward; the admin included) and
training's bulk writes of completions (``training.signals.completions_changed``).
Entries expire after ``TIMEOUT`` whatever happens, which bounds how long a change made
outside the ORM could go unnoticed.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import logging
import uuid
from collections.abc import Callable
from typing import ParamSpec, TypeVar, cast

from django.core.cache import cache
from django.db import connection, transaction

logger = logging.getLogger(__name__)
T = TypeVar("T")
P = ParamSpec("P")

GENERATION_KEY = "golive:analytics:generation"
TIMEOUT = 15 * 60
_MISSING = object()
# Within one request, the generation and fingerprint are read once (``one_stamp``).
_stamp: contextvars.ContextVar[tuple[object, ...] | None] = contextvars.ContextVar(
    "analytics_stamp", default=None
)

FINGERPRINT_SQL = """
SELECT (SELECT count(*) FROM golive_staffmember), (SELECT max(id) FROM golive_staffmember),
    (SELECT count(*) FROM golive_staffmember_areas),
    (SELECT max(id) FROM golive_staffmember_areas),
    (SELECT count(*) FROM training_completion), (SELECT max(id) FROM training_completion)
"""


def figures_changed() -> None:
    """What cached figures are computed from has changed: every cached figure is stale now
    (for readers in the writer's own transaction), and again once that transaction commits
    (a reader elsewhere may cache the old rows under the new generation in between). Never
    raises: a cache outage must not undo the write (entries expire after ``TIMEOUT``)."""
    _new_generation()
    if connection.in_atomic_block:
        transaction.on_commit(_new_generation)


def _new_generation() -> None:
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # any cache backend's outage; the write it follows stands
        logger.warning("Could not mark cached adoption figures stale", exc_info=True)


def _generation() -> str:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        value = cache.get(GENERATION_KEY)
    return str(value)


def _fingerprint() -> tuple[object, ...]:
    with connection.cursor() as cursor:
        cursor.execute(FINGERPRINT_SQL)
        return tuple(cursor.fetchone() or ())


def _current_stamp() -> tuple[object, ...]:
    return _stamp.get() or (_generation(), _fingerprint())


def one_stamp(view: Callable[P, T]) -> Callable[P, T]:
    """For a view: read the generation and fingerprint once for the whole request rather
    than once per figure (a page reads ten or more)."""

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        token = _stamp.set((_generation(), _fingerprint()))
        try:
            return view(*args, **kwargs)
        finally:
            _stamp.reset(token)

    return wrapper


def remember(name: str, parts: tuple[object, ...], compute: Callable[[], T]) -> T:
    """``compute()``, or its cached value for ``parts`` in the current generation. ``parts``
    must name everything the result depends on besides rollups, staff and completions."""
    raw = repr((_current_stamp(), parts)).encode()
    key = f"golive:analytics:{name}:{hashlib.sha256(raw).hexdigest()}"
    found = cache.get(key, _MISSING)
    if found is not _MISSING:
        return cast(T, found)
    value = compute()
    cache.set(key, value, timeout=TIMEOUT)
    return value
