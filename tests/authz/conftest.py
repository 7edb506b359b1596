"""One demo world for the whole authorisation matrix, built once and rolled back at the end."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from .world import World, build_world


@pytest.fixture(scope="package")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    # Each test's own transaction nests inside this one as a savepoint, so the tests share
    # the seeded rows and nothing outlives the package.
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)
