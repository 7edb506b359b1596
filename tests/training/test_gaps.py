"""Training-gap tickets by area as refresher candidates: scoped, exported as CSV and XLSX."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from golive.models import Area, User
from tests.training.conftest import TrainingTrust
from tests.training.factories import CompletionFactory
from training.models import Course


def _ticket(training: TrainingTrust, area: Area, course: Course | None, **extra: Any) -> None:
    from support.models import Ticket  # noqa: PLC0415

    go_live = extra.pop("go_live", training.go_live)
    Ticket.objects.create(
        go_live=go_live, area=area, reporter_name="Sam", reporter_contact="ext 1",
        description="Patient 943 476 5919: could not find the order set", course=course,
        created_at=timezone.now(), logged_by=training.lead,
        resolution_type=extra.pop("resolution_type", Ticket.ResolutionType.TRAINING_GAP),
    )  # fmt: skip


def _tickets(training: TrainingTrust) -> None:
    t = training.trust
    _ticket(training, t.ward_a, training.workflows)
    _ticket(training, t.ward_a, training.workflows)
    _ticket(training, t.ward_a, None)
    _ticket(training, t.ward_b, training.basics)
    _ticket(training, t.ward_b, training.basics, resolution_type="defect")
    _ticket(training, t.ward_a, training.basics, go_live=t.wave_2)  # another go-live
    CompletionFactory(staff=t.staff_a, course=training.workflows)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _gaps(response: Any) -> list[tuple[str, str, int, int | None, list[str]]]:
    return [
        (
            row.area.name,
            row.course.code if row.course else "",
            row.tickets,
            row.completed,
            [m.full_name for m in row.candidates],
        )
        for row in response.context["gaps"]
    ]


def test_gap_tickets_are_counted_per_area_and_course_with_refresher_candidates(
    training: TrainingTrust,
) -> None:
    _tickets(training)

    response = _client(training.lead).get(reverse("training:drill_down"))

    assert _gaps(response) == [
        ("Ward A", "EPR201", 2, 1, ["Alice Ward-A"]),
        ("Ward A", "", 1, None, []),
        ("Ward B", "EPR101", 1, 0, []),
    ]
    assert "Training-gap tickets by area" in response.content.decode()


def test_a_ward_manager_sees_gap_tickets_of_their_own_areas_only(
    training: TrainingTrust,
) -> None:
    _tickets(training)

    response = _client(training.trust.ward_manager).get(reverse("training:drill_down"))

    assert [row[0] for row in _gaps(response)] == ["Ward A", "Ward A"]


def test_the_gap_drill_down_follows_the_area_and_course_filters(
    training: TrainingTrust,
) -> None:
    _tickets(training)
    query = {"area": training.trust.ward_a.pk, "course": training.workflows.pk}

    response = _client(training.lead).get(reverse("training:drill_down"), query)

    assert _gaps(response) == [("Ward A", "EPR201", 2, 1, ["Alice Ward-A"])]


def test_the_gap_csv_names_candidates_for_the_ward_manager_and_holds_no_ticket_text(
    training: TrainingTrust,
) -> None:
    _tickets(training)

    response = _client(training.trust.ward_manager).get(reverse("training:gaps_csv"))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][-2:] == [
        "Not yet completed",
        "Refresher candidates (staff number: name)",
    ]
    assert [row[1:5] + row[6:] for row in rows[1:]] == [
        ["Ward A", "EPR201", "Workflows", "2", "1", "1", "0",
         f"{training.trust.staff_a.staff_number}: Alice Ward-A"],
        ["Ward A", "", "No course named", "1", "", "", "", ""],
    ]  # fmt: skip
    assert "943 476 5919" not in response.content.decode()


def test_an_executive_exports_gap_counts_without_names(training: TrainingTrust) -> None:
    _tickets(training)

    response = _client(training.trust.executive).get(reverse("training:gaps_csv"))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][-1] == "Not yet completed"
    assert [row[1] for row in rows[1:]] == ["Ward A", "Ward A", "Ward B"]
    assert "Alice" not in response.content.decode()


def test_the_gap_xlsx_holds_the_same_rows(training: TrainingTrust) -> None:
    _tickets(training)

    response = _client(training.lead).get(reverse("training:gaps_xlsx"))

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0][0:2] == ["Site", "Area"]
    assert [(row[1], row[2], row[4]) for row in values[1:]] == [
        ("Ward A", "EPR201", "2"),
        ("Ward A", "", "1"),
        ("Ward B", "EPR101", "1"),
    ]


def test_the_gaps_api_gives_a_ward_manager_their_areas_with_candidates_staff_numbers(
    training: TrainingTrust,
) -> None:
    _tickets(training)
    url = f"/api/v1/training/go-lives/{training.go_live.pk}/gaps/"

    mine = _client(training.trust.ward_manager).get(url).json()
    executive = _client(training.trust.executive).get(url).json()

    assert [(r["area_name"], r["course_code"], r["tickets"], r["refresher_candidates"])
            for r in mine] == [
        ("Ward A", "EPR201", 2, [training.trust.staff_a.staff_number]),
        ("Ward A", None, 1, []),
    ]  # fmt: skip
    assert [r["refresher_candidates"] for r in executive] == [[], [], []]


def test_the_gaps_api_refuses_a_course_of_another_programme_with_a_field_error(
    training: TrainingTrust,
) -> None:
    from tests.training.factories import CourseFactory  # noqa: PLC0415

    elsewhere = CourseFactory()

    response = _client(training.lead).get(
        f"/api/v1/training/go-lives/{training.go_live.pk}/gaps/", {"course": elsewhere.pk}
    )

    assert response.status_code == 400
    assert response.json()["field_errors"][0]["field"] == "course"
