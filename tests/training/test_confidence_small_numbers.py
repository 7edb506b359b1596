"""Confidence checks under the one small-number rule shared with staff surveys
(``golive.small_numbers``), with their figures' wording read from the registry."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from golive import small_numbers
from tests.definitions_support import missing_wording, registry_markers
from tests.training.conftest import TrainingTrust
from training import confidence
from training.models import ConfidenceResponse

CONFIDENCE_KEYS = [
    "golive.small_numbers",
    "training.confidence.not_ready_share",
    "training.confidence.low",
]


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _checks(training: TrainingTrust) -> None:
    """Ward A: five answers, low confidence (shown). Ward B: two answers (withheld)."""
    t = training.trust
    for area, scores in ((t.ward_a, [1, 1, 2, 4, 5]), (t.ward_b, [1, 1])):
        for score in scores:
            ConfidenceResponse.objects.create(
                go_live=training.go_live, area=area, score=score, submitted_at=timezone.now()
            )


def test_confidence_checks_read_the_shared_small_number_rule(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = [confidence.Response("Ward A", score) for score in (3, 4, 5)]

    shown_at_five, _ = confidence.summarise(answers)
    monkeypatch.setattr(small_numbers, "MIN_RESPONSES", 3)
    shown_at_three, _ = confidence.summarise(answers)

    assert (shown_at_five[0].suppressed, shown_at_three[0].suppressed) == (True, False)


def test_the_confidence_page_says_not_ready_means_a_share_of_respondents(
    training: TrainingTrust,
) -> None:
    _checks(training)

    page = _client(training.lead).get(reverse("training:confidence")).content.decode()

    assert "of their staff say" not in page
    assert "30% or more of respondents (people who answered, not all staff)" in page
    assert "Not shown, to protect a group of fewer than 5" in page


def test_the_confidence_page_reads_its_wording_from_the_registry(
    training: TrainingTrust,
) -> None:
    _checks(training)
    client = _client(training.lead)

    with registry_markers():
        page = client.get(reverse("training:confidence")).content.decode()

    assert missing_wording(page, CONFIDENCE_KEYS) == []


def test_the_confidence_export_reads_its_wording_from_the_registry(
    training: TrainingTrust,
) -> None:
    _checks(training)
    client = _client(training.lead)

    with registry_markers():
        body = client.get(reverse("training:confidence_csv")).content.decode()

    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][4:6] == [
        "[label of training.confidence.not_ready_share], %",
        "[label of training.confidence.low]",
    ]
    assert rows[2][:3] == ["Area", "Ward B (North Hospital)", "[label of golive.small_numbers]"]
    assert missing_wording(body, CONFIDENCE_KEYS) == []


def test_the_confidence_api_nulls_small_groups_and_describes_them_from_the_registry(
    training: TrainingTrust,
) -> None:
    _checks(training)
    client = _client(training.lead)

    body = client.get(f"/api/v1/training/go-lives/{training.go_live.pk}/confidence/").json()
    with registry_markers():
        schema = client.get("/api/schema/?format=json").content.decode()

    ward_b = body["by_area"][1]
    assert (ward_b["suppressed"], ward_b["responses"], ward_b["mean"]) == (True, None, None)
    assert "[definition of training.confidence.not_ready_share]" in schema
    assert "[definition of training.confidence.low]" in schema
    assert "[label of golive.small_numbers]" in schema.lower()
