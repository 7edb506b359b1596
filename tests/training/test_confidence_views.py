"""Recording and reading confidence checks through the pages."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from golive.models import StaffMember
from tests.training.conftest import TrainingTrust
from training.models import ConfidenceResponse


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _checks(training: TrainingTrust, area: object, scores: list[int]) -> None:
    for score in scores:
        ConfidenceResponse.objects.create(
            go_live=training.go_live, area=area, score=score, submitted_at=timezone.now(),
            worries=["job_changing"],
        )  # fmt: skip


def test_a_ward_manager_records_an_anonymous_check_for_their_area(
    training: TrainingTrust,
) -> None:
    t = training.trust

    response = _client(t.ward_manager).post(
        reverse("training:confidence"),
        {"area": t.ward_a.pk, "score": 2, "worries": ["job_changing", "no_time"]},
    )

    assert response.status_code == 302
    check = ConfidenceResponse.objects.get()
    assert (check.staff, check.score, check.worries) == (None, 2, ["job_changing", "no_time"])


def test_a_check_without_a_score_is_refused_with_a_message(training: TrainingTrust) -> None:
    response = _client(training.trust.ward_manager).post(
        reverse("training:confidence"), {"area": training.trust.ward_a.pk}
    )

    assert "Choose how ready you feel, from 1 to 5." in response.content.decode()
    assert not ConfidenceResponse.objects.exists()


def test_a_ward_manager_cannot_record_a_check_for_another_ward(training: TrainingTrust) -> None:
    response = _client(training.trust.ward_manager).post(
        reverse("training:confidence"), {"area": training.trust.ward_b.pk, "score": 4}
    )

    assert "Choose an area from the list." in response.content.decode()


def test_an_executive_reads_confidence_but_cannot_record_it(training: TrainingTrust) -> None:
    client = _client(training.trust.executive)

    assert client.get(reverse("training:confidence")).status_code == 200
    response = client.post(
        reverse("training:confidence"), {"area": training.trust.ward_a.pk, "score": 4}
    )
    assert response.status_code == 403


def test_an_area_with_too_few_answers_shows_no_figures(training: TrainingTrust) -> None:
    _checks(training, training.trust.ward_a, [1, 1, 1, 1])

    page = _client(training.lead).get(reverse("training:confidence")).content.decode()

    assert "Not shown, to protect a group of fewer than 5" in page
    assert "Areas with low confidence" not in page


def test_an_area_with_low_confidence_is_surfaced_for_follow_up(training: TrainingTrust) -> None:
    _checks(training, training.trust.ward_b, [1, 2, 2, 3, 4])

    page = _client(training.lead).get(reverse("training:confidence")).content.decode()

    assert "Areas with low confidence" in page
    assert "Ward B (North Hospital): average 2.4 from 5 responses" in page


def test_a_staff_member_puts_their_name_to_a_low_score_and_appears_on_the_follow_up_list(
    training: TrainingTrust,
) -> None:
    t = training.trust
    StaffMember.objects.filter(pk=t.staff_a.pk).update(user=t.champion)
    _client(t.champion).post(
        reverse("training:confidence"),
        {"area": t.ward_a.pk, "score": 1, "named": "on", "comment": "My job is changing"},
    )

    page = _client(t.ward_manager).get(reverse("training:confidence")).content.decode()

    assert ConfidenceResponse.objects.get().staff == t.staff_a
    assert "<strong>Alice Ward-A</strong> (Ward A): 1 of 5" in page
