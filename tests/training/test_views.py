"""Training pages through the test client: scoping, validation and permissions."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from golive.models import StaffMember
from tests import factories as f
from tests.training.conftest import TrainingTrust
from tests.training.factories import CompletionFactory
from training.models import Booking, Completion, Course, Requirement, TrajectoryPoint


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_training_page_shows_the_trajectory_chart_and_its_table(
    training: TrainingTrust,
) -> None:
    CompletionFactory(staff=training.trust.staff_a, course=training.basics)
    CompletionFactory(staff=training.trust.staff_a, course=training.workflows)

    response = _client(training.lead).get(reverse("training:home"))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-golive-chart="training-trajectory-data"' in page
    assert "1 of 2 staff who must train" in page
    assert "Forecast high (80% interval) %" in page


def test_a_ward_manager_sees_training_figures_for_their_own_areas_only(
    training: TrainingTrust,
) -> None:
    response = _client(training.trust.ward_manager).get(reverse("training:home"))

    assert "0 of 1 staff who must train" in response.content.decode()


def test_an_executive_cannot_change_courses(training: TrainingTrust) -> None:
    response = _client(training.trust.executive).post(
        reverse("training:course_new"),
        {"code": "X1", "name": "X", "delivery": "classroom", "duration_minutes": 30},
    )

    assert response.status_code == 403
    assert not Course.objects.filter(code="X1").exists()


def test_a_duplicate_course_code_is_refused_with_a_message(training: TrainingTrust) -> None:
    response = _client(training.lead).post(
        reverse("training:course_new"),
        {"code": "epr101", "name": "Again", "delivery": "classroom", "duration_minutes": 30},
    )

    assert response.status_code == 200
    assert "There is already a course epr101." in response.content.decode()


def test_a_training_lead_requires_a_course_of_several_role_groups(
    training: TrainingTrust,
) -> None:
    due = training.go_live.user_go_live_date - dt.timedelta(days=3)

    response = _client(training.lead).post(
        reverse("training:requirements"),
        {"course": training.basics.pk, "role_groups": ["medical", "ahp"], "due_on": due},
    )

    assert response.status_code == 302
    assert set(
        Requirement.objects.filter(course=training.basics).values_list("role_group", flat=True)
    ) == {"nursing", "medical", "ahp"}


def test_a_requirement_due_after_go_live_is_refused_on_its_field(training: TrainingTrust) -> None:
    due = training.go_live.user_go_live_date + dt.timedelta(days=1)

    response = _client(training.lead).post(
        reverse("training:requirements"),
        {"course": training.basics.pk, "role_groups": ["medical"], "due_on": due},
    )

    assert response.status_code == 200
    assert "Set a date on or before the user go-live." in response.content.decode()


def test_a_plan_that_goes_down_is_refused_and_nothing_is_saved(training: TrainingTrust) -> None:
    response = _client(training.lead).post(
        reverse("training:plan"),
        {
            "target_percent": 90,
            "alert_margin_points": 5,
            "new_starter_days": 28,
            "points": "2026-01-01, 40\n2026-01-08, 30",
        },
    )

    assert response.status_code == 200
    assert "The plan goes down on 08 January 2026." in response.content.decode()
    assert not TrajectoryPoint.objects.exists()


def test_a_plan_line_that_is_not_a_date_and_percentage_is_reported_by_line(
    training: TrainingTrust,
) -> None:
    response = _client(training.lead).post(
        reverse("training:plan"),
        {"target_percent": 90, "alert_margin_points": 5, "new_starter_days": 28,
         "points": "2026-01-01, 40\nsoon, lots"},
    )  # fmt: skip

    assert "Line 2: write a date and a percentage" in response.content.decode()


def test_a_ward_manager_records_a_register_for_their_own_staff(
    training: TrainingTrust,
) -> None:
    t = training.trust
    Booking.objects.create(staff=t.staff_a, course=training.basics, session_on=timezone.localdate())

    response = _client(t.ward_manager).post(
        reverse("training:register"),
        {"action": "attended", "course": training.basics.pk,
         "session_on": timezone.localdate() - dt.timedelta(days=1), "staff": [t.staff_a.pk]},
    )  # fmt: skip

    assert response.status_code == 302
    completion = Completion.objects.get(staff=t.staff_a, course=training.basics)
    assert completion.recorded_by == t.ward_manager
    assert not Booking.objects.exists()


def test_a_ward_manager_cannot_tick_staff_from_another_ward(training: TrainingTrust) -> None:
    t = training.trust

    response = _client(t.ward_manager).post(
        reverse("training:register"),
        {"action": "attended", "course": training.basics.pk,
         "session_on": timezone.localdate(), "staff": [t.staff_b.pk]},
    )  # fmt: skip

    assert response.status_code == 200
    assert "Tick only people on the list." in response.content.decode()
    assert not Completion.objects.exists()


def test_a_register_dated_in_the_future_is_refused_on_the_date(training: TrainingTrust) -> None:
    t = training.trust

    response = _client(training.lead).post(
        reverse("training:register"),
        {"action": "attended", "course": training.basics.pk,
         "session_on": timezone.localdate() + dt.timedelta(days=1), "staff": [t.staff_a.pk]},
    )  # fmt: skip

    assert "The date cannot be in the future." in response.content.decode()


def test_the_drill_down_lists_only_the_ward_managers_staff(training: TrainingTrust) -> None:
    response = _client(training.trust.ward_manager).get(reverse("training:drill_down"))

    page = response.content.decode()
    assert "Alice Ward-A" in page
    assert "Bob Ward-B" not in page


def test_the_drill_down_fragment_answers_htmx_with_the_results_only(
    training: TrainingTrust,
) -> None:
    response = _client(training.lead).get(
        reverse("training:drill_down"), {"role_group": "nursing"}, HTTP_HX_REQUEST="true"
    )

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="training-results"')
    assert "Bob Ward-B" in page


def test_an_executive_sees_drill_down_figures_but_no_names_and_cannot_export(
    training: TrainingTrust,
) -> None:
    client = _client(training.trust.executive)

    page = client.get(reverse("training:drill_down")).content.decode()

    assert "Your role shows figures only" in page
    assert "Alice Ward-A" not in page
    assert client.get(reverse("training:export_csv")).status_code == 403


def test_the_huddle_csv_holds_only_the_ward_managers_untrained_staff_escaped(
    training: TrainingTrust,
) -> None:
    t = training.trust
    StaffMember.objects.filter(pk=t.staff_a.pk).update(full_name="=HYPERLINK(1)")
    f.StaffMemberFactory(organisation=t.organisation, full_name="Dan Trained", areas=[t.ward_a])
    dan = StaffMember.objects.get(full_name="Dan Trained")
    for course in (training.basics, training.workflows):
        CompletionFactory(staff=dan, course=course)

    response = _client(t.ward_manager).get(reverse("training:export_csv"))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [row[1] for row in rows[1:]] == ["'=HYPERLINK(1)"]
    assert rows[1][7] == "Basics; Workflows"


def test_the_huddle_xlsx_holds_the_same_people(training: TrainingTrust) -> None:
    response = _client(training.trust.ward_manager).get(reverse("training:export_xlsx"))

    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["Alice Ward-A"]


def test_the_drill_down_pages_its_people_and_the_export_holds_everyone(
    training: TrainingTrust,
) -> None:
    t = training.trust
    for n in range(55):
        f.StaffMemberFactory(
            organisation=t.organisation, full_name=f"Zed {n:02d}", areas=[t.ward_a]
        )
    client = _client(t.ward_manager)

    second = client.get(reverse("training:drill_down"), {"page": 2}).content.decode()
    export = client.get(reverse("training:export_csv"))

    assert "51 to 56 of 56" in second
    assert len(list(csv.reader(io.StringIO(export.content.decode())))) == 57


def test_the_register_lists_the_ward_managers_in_scope_staff_to_tick(
    training: TrainingTrust,
) -> None:
    page = _client(training.trust.ward_manager).get(reverse("training:register")).content.decode()

    assert f'type="checkbox" value="{training.trust.staff_a.pk}"' in page
    assert "Bob Ward-B" not in page


def test_the_drill_down_counts_tickets_resolved_as_a_gap_in_each_course(
    training: TrainingTrust,
) -> None:
    from support.models import Ticket  # noqa: PLC0415

    t = training.trust
    for course in (training.workflows, training.workflows, None):
        Ticket.objects.create(
            go_live=t.wave_1, area=t.ward_a, reporter_name="Sam", reporter_contact="ext 1",
            description="Could not find the order set", course=course,
            created_at=timezone.now(), logged_by=training.lead,
            resolution_type=Ticket.ResolutionType.TRAINING_GAP,
        )  # fmt: skip

    response = _client(training.lead).get(reverse("training:drill_down"))

    rows = {row["course"].code: row["gap_tickets"] for row in response.context["by_course"]}
    assert rows == {"EPR101": 0, "EPR201": 2}
    assert "Training-gap tickets" in response.content.decode()


def test_training_among_staff_rostered_for_go_live_week_counts_only_that_week(
    training: TrainingTrust,
) -> None:
    from champions.models import RotaEntry  # noqa: PLC0415

    t = training.trust
    home = reverse("training:home")
    assert "no e-roster has been imported" in _client(training.lead).get(home).content.decode()
    CompletionFactory(staff=t.staff_a, course=training.basics)
    CompletionFactory(staff=t.staff_a, course=training.workflows)
    go_live_morning = dt.datetime.combine(
        training.go_live.user_go_live_date, dt.time(7, 30), tzinfo=timezone.get_current_timezone()
    )
    for staff, area, starts in (
        (t.staff_a, t.ward_a, go_live_morning),
        (t.staff_b, t.ward_b, go_live_morning - dt.timedelta(days=8)),  # the week before
    ):
        RotaEntry.objects.create(
            staff=staff, area=area, starts_at=starts, ends_at=starts + dt.timedelta(hours=8)
        )

    response = _client(training.lead).get(home)

    assert response.context["rostered"].required == 1
    assert "100.0% trained (1 of 1 staff on shift who must train)" in response.content.decode()


def test_a_plan_line_that_is_not_a_number_is_a_field_error(training: TrainingTrust) -> None:
    response = _client(training.lead).post(
        reverse("training:plan"),
        {"target_percent": 90, "alert_margin_points": 5, "new_starter_days": 28,
         "points": "2026-01-01, NaN"},
    )  # fmt: skip

    assert response.status_code == 200
    assert "the percentage must be between 0 and 100" in response.content.decode()


def test_refreshing_alerts_keeps_an_acknowledgement_saved_meanwhile(
    training: TrainingTrust, monkeypatch: Any
) -> None:
    from training import selectors, services, status  # noqa: PLC0415
    from training.models import TrainingAlert  # noqa: PLC0415

    now = timezone.now()
    lead = training.lead
    alert = TrainingAlert.objects.create(
        go_live=training.go_live, kind="behind_plan", message="old", raised_at=now, updated_at=now
    )
    monkeypatch.setattr(selectors, "whole_scope_trajectory", lambda go_live, today: None)
    monkeypatch.setattr(selectors, "serious_alerts", lambda t: set())
    monkeypatch.setattr(status, "status_sentence", lambda t: "Behind plan now.")
    monkeypatch.setattr(
        selectors,
        "trajectory_alerts",
        lambda t: {"behind_plan": "still behind", "forecast_miss": None},
    )
    real_save = TrainingAlert.save

    def save_after_an_acknowledgement(self: TrainingAlert, *args: Any, **kwargs: Any) -> None:
        # Between the refresh reading the alert and writing it, the lead acknowledges it.
        TrainingAlert.objects.filter(pk=self.pk).update(acknowledged_by=lead, acknowledged_at=now)
        real_save(self, *args, **kwargs)

    monkeypatch.setattr(TrainingAlert, "save", save_after_an_acknowledgement)

    services.refresh_alerts(go_live_id=training.go_live.pk, today=timezone.localdate())

    alert.refresh_from_db()
    assert (alert.message, alert.acknowledged_by) == ("still behind Behind plan now.", lead)
