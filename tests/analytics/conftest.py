"""Helpers for the analytics tests: a small hand-built extract, imported for real."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import EVENTS_HEADER


def extract(*rows: str) -> str:
    return "\n".join([EVENTS_HEADER, *rows]) + "\n"


@pytest.fixture
def import_events(import_file: Any) -> Any:
    """Import event rows (reference format) as the programme manager; returns the batch."""

    def run(*rows: str) -> Any:
        batch = import_file(extract(*rows))
        assert batch.status == "committed", batch.message
        return batch

    return run
