"""Free-text fields store no NHS number, whichever way they are written (golive/fields.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from golive.identifiers import REMOVED
from support.models import KnownIssue
from tests.factories import ProgrammeFactory, UserFactory

NHS = "943 476 5919"

pytestmark = pytest.mark.django_db


def _issue(**text: Any) -> KnownIssue:
    return KnownIssue.objects.create(
        programme=ProgrammeFactory(),
        created_by=UserFactory(),
        created_at=timezone.now(),
        **{"title": "Banner", **text},
    )


def test_an_nhs_number_in_free_text_is_removed_when_the_row_is_created() -> None:
    issue = _issue(title=f"Banner for {NHS}", description=f"See {NHS}.")

    stored = KnownIssue.objects.get(pk=issue.pk)
    assert (stored.title, stored.description) == (f"Banner for {REMOVED}", f"See {REMOVED}.")


def test_the_saved_instance_holds_the_scrubbed_text_too() -> None:
    issue = KnownIssue(
        programme=ProgrammeFactory(),
        created_by=UserFactory(),
        created_at=timezone.now(),
        title="B",
        workaround=f"Ring {NHS}",
    )

    issue.save()

    assert issue.workaround == f"Ring {REMOVED}"


def test_an_nhs_number_written_by_a_queryset_update_is_removed() -> None:
    issue = _issue()

    KnownIssue.objects.filter(pk=issue.pk).update(description=f"Patient {NHS}")

    assert KnownIssue.objects.get(pk=issue.pk).description == f"Patient {REMOVED}"


def test_an_nhs_number_in_a_bulk_update_is_removed() -> None:
    issue = _issue()
    issue.description = f"Patient {NHS}"

    KnownIssue.objects.bulk_update([issue], ["description"])

    assert KnownIssue.objects.get(pk=issue.pk).description == f"Patient {REMOVED}"


def test_short_text_that_grows_past_its_column_once_scrubbed_is_cut_to_fit() -> None:
    title = ("x" * 185) + NHS  # 197 characters; the marker makes it 204

    issue = _issue(title=title)

    stored = KnownIssue.objects.get(pk=issue.pk).title
    assert len(stored) == 200
    assert "943" not in stored


def test_ten_digits_that_are_not_a_valid_nhs_number_are_kept() -> None:
    issue = _issue(title="Call 0123456780")

    assert KnownIssue.objects.get(pk=issue.pk).title == "Call 0123456780"
