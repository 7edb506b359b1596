"""Confidence exported as aggregates: small groups withheld, no names or comments."""

from __future__ import annotations

import csv
import io

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from golive.models import User
from tests.training.conftest import TrainingTrust
from training.models import ConfidenceResponse


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _answers(training: TrainingTrust) -> None:
    t = training.trust
    for score in (1, 2, 3, 4, 5):
        ConfidenceResponse.objects.create(
            go_live=training.go_live, area=t.ward_a, score=score, worries=["no_time"],
            comment="Worried about 943 476 5919", submitted_at=timezone.now(),
        )  # fmt: skip
    for score in (1, 1):  # two people: too few to show
        ConfidenceResponse.objects.create(
            go_live=training.go_live, area=t.ward_b, score=score, submitted_at=timezone.now()
        )
    ConfidenceResponse.objects.create(
        go_live=training.go_live, area=t.ward_a, staff=t.staff_a, score=1,
        submitted_at=timezone.now(),
    )  # fmt: skip


def test_the_confidence_csv_withholds_groups_below_the_minimum_size(
    training: TrainingTrust,
) -> None:
    _answers(training)

    response = _client(training.lead).get(reverse("training:confidence_csv"))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    hidden = ["Not shown, to protect a group of fewer than 5", "", "", "", ""]
    shown = ["6", "2.67", "50.0", "Yes", "I have no time to practise (5)"]
    assert rows[1:5] == [
        ["Area", "Ward A (North Hospital)", *shown],
        ["Area", "Ward B (North Hospital)", *hidden],
        ["Role group", "Nursing and midwifery", *hidden],
        ["All shown groups", "Overall", *shown],
    ]
    body = response.content.decode()
    assert "Alice" not in body
    assert "943 476 5919" not in body


def test_a_ward_manager_exports_confidence_for_their_own_areas_only(
    training: TrainingTrust,
) -> None:
    _answers(training)

    response = _client(training.trust.ward_manager).get(reverse("training:confidence_xlsx"))

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    groups = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Ward B (North Hospital)" not in groups
    assert groups[0] == "Ward A (North Hospital)"
