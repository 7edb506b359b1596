"""Audit trail fixtures: changes made as a signed-in person (the history middleware's
request), and the entries a user sees."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.test import RequestFactory
from simple_history.models import HistoricalRecords

from administration.audit import selectors
from golive.access import Access
from golive.models import User
from tests.conftest import Trust
from tests.readiness.conftest import Readiness, build_readiness


@contextmanager
def acting_as(user: User) -> Iterator[None]:
    """Changes inside are recorded as ``user``'s, as a request through the history
    middleware would record them."""
    request = RequestFactory().get("/")
    request.user = user
    HistoricalRecords.context.request = request  # type: ignore[attr-defined]
    try:
        yield
    finally:
        del HistoricalRecords.context.request  # type: ignore[attr-defined]


def seen_by(user: User, **filters: Any) -> list[selectors.Entry]:
    return list(selectors.entries(Access(user), selectors.AuditFilters(**filters))[0:200])


@pytest.fixture
def readiness(trust: Trust) -> Readiness:
    return build_readiness(trust)
