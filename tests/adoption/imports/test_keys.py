from __future__ import annotations

from typing import Any

import pytest

from adoption.imports.keys import event_key
from adoption.models import Event
from tests.conftest import EVENTS_HEADER, Trust

AT = "2025-03-30 08:05:00+00:00"


def test_an_events_key_from_its_content_is_the_one_earlier_imports_stored() -> None:
    # Made by the key function as it was before the slow and fast paths shared it.
    assert event_key(3, "", AT, "order_placed", "pathology", "U1", 17, "ab12") == (
        "b4efc8876a12c10b7eb08e0fbea8ef89"
    )
    assert event_key(3, "", AT, "order_placed", "", "U1", 17, "") == (
        "65a27c0d193a28bd1fe3bd37cb510def"
    )


def test_an_events_key_from_the_eprs_own_id_ignores_its_content() -> None:
    assert event_key(3, "E42", AT, "order_placed", "pathology", "U1", 17, "ab12") == (
        "5667762a2faaebf1c0e36fc1a8e4bbff"
    )
    assert event_key(3, "E42", AT, "login", "", "U9", 18, "") == (
        "5667762a2faaebf1c0e36fc1a8e4bbff"
    )


@pytest.mark.django_db
def test_an_imported_event_is_stored_under_its_key(trust: Trust, import_file: Any) -> None:
    row = ",2025-03-30 09:05:00,login,,U1,nursing,N/WA,"  # BST: 08:05 UTC

    import_file(f"{EVENTS_HEADER}\n{row}\n")

    area = trust.ward_a.pk
    expected = event_key(trust.organisation.pk, "", AT, "login", "", "U1", area, "")
    assert Event.objects.get().event_key.hex == expected
