from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from golive.access import Access
from readiness.assessment import services as assessment_services
from readiness.command import services as command_services
from readiness.models import CommandCell, Rag, SitRep
from support.models import Category, Escalation, KnownIssue, Ticket
from tests.readiness.conftest import Readiness


@pytest.fixture
def silver(readiness: Readiness) -> CommandCell:
    return CommandCell.objects.create(
        go_live=readiness.trust.wave_1,
        level=CommandCell.Level.SILVER,
        name="Silver",
        lead=readiness.chair,
    )


def _ticket(
    readiness: Readiness, category: Category | None, at: dt.datetime, **extra: object
) -> Ticket:
    trust = readiness.trust
    return Ticket.objects.create(
        go_live=trust.wave_1,
        area=trust.ward_a,
        reporter_name="Sam",
        reporter_contact="ext 1",
        description="Cannot log in",
        category=category,
        logged_by=trust.programme_manager,
        created_at=at,
        **extra,
    )


def test_a_sit_rep_draft_contains_the_live_figures_for_its_period(
    readiness: Readiness, silver: CommandCell
) -> None:
    trust = readiness.trust
    now = timezone.now()
    access_cat = Category.objects.create(slug="t-access", name="Test access")
    smartcard = Category.objects.create(slug="t-smartcard", name="Smartcard", parent=access_cat)
    printing = Category.objects.create(slug="t-printing", name="Test printing")
    for _ in range(3):
        _ticket(readiness, smartcard, now - dt.timedelta(hours=1))
    _ticket(
        readiness,
        printing,
        now - dt.timedelta(hours=2),
        status=Ticket.Status.RESOLVED,
        resolved_at=now - dt.timedelta(minutes=30),
    )
    _ticket(readiness, printing, now - dt.timedelta(hours=9))  # before the period
    issue = KnownIssue.objects.create(
        programme=trust.programme,
        title="Smartcard readers time out",
        created_by=trust.programme_manager,
        created_at=now,
    )
    Ticket.objects.filter(category=smartcard).update(known_issue=issue)
    Escalation.objects.create(
        go_live=trust.wave_1,
        summary="Login spike on Ward A",
        escalated_by=trust.programme_manager,
        escalated_at=now - dt.timedelta(hours=1),
    )
    pm = trust.programme_manager
    assessment_services.update_criterion(
        access=Access(pm),
        user=pm,
        criterion=readiness.criterion(trust.ward_b, readiness.downtime),
        rag=Rag.RED,
        comment="",
        evidence_link="",
        evidence_file=None,
        owner=None,
    )

    sitrep = command_services.draft_sitrep(
        access=Access(readiness.chair), cell=silver, now=now, hours=4
    )

    figures = sitrep.figures
    assert figures["tickets_opened"] == {"Test access": 3, "Test printing": 1}
    assert figures["tickets_resolved"] == {"Test printing": 1}
    assert figures["tickets_open_now"] == 4
    assert figures["top_issues"] == [{"title": "Smartcard readers time out", "open_tickets": 3}]
    assert figures["readiness_exceptions"] == [
        {"area": "Ward B", "criterion": "Downtime procedures", "figure": ""}
    ]
    assert [e["summary"] for e in figures["escalations"]] == ["Login spike on Ward A"]
    assert sitrep.summary.startswith(
        "Tickets: 4 opened (Test access 3, Test printing 1), 1 resolved; 4 open now."
    )
    assert sitrep.status == SitRep.Status.DRAFT


def test_drafting_the_same_period_twice_returns_the_first_draft(
    readiness: Readiness, silver: CommandCell
) -> None:
    now = timezone.now()
    first = command_services.draft_sitrep(access=Access(readiness.chair), cell=silver, now=now)
    again = command_services.draft_sitrep(access=Access(readiness.chair), cell=silver, now=now)
    assert first.pk == again.pk


def test_only_the_cell_lead_publishes_and_a_published_sit_rep_is_final(
    readiness: Readiness, silver: CommandCell
) -> None:
    pm = readiness.trust.programme_manager
    sitrep = command_services.draft_sitrep(access=Access(pm), cell=silver, now=timezone.now())
    with pytest.raises(PermissionDenied):
        command_services.publish_sitrep(access=Access(pm), user=pm, sitrep=sitrep, summary="Edited")
    command_services.publish_sitrep(
        access=Access(readiness.chair), user=readiness.chair, sitrep=sitrep, summary="All calm."
    )
    with pytest.raises(ValidationError) as error:
        command_services.publish_sitrep(
            access=Access(readiness.chair), user=readiness.chair, sitrep=sitrep, summary="Changed"
        )
    assert error.value.code == "published"
    sitrep.refresh_from_db()
    assert (sitrep.summary, sitrep.status) == ("All calm.", SitRep.Status.PUBLISHED)


def test_a_duty_must_end_after_it_starts(readiness: Readiness, silver: CommandCell) -> None:
    now = timezone.now()
    with pytest.raises(ValidationError):
        command_services.assign_duty(
            access=Access(readiness.chair),
            cell=silver,
            user=readiness.cso,
            role="Loggist",
            starts_at=now,
            ends_at=now,
        )


def test_the_command_page_shows_who_is_on_duty_now(
    client: Client, readiness: Readiness, silver: CommandCell
) -> None:
    now = timezone.now()
    command_services.assign_duty(
        access=Access(readiness.chair),
        cell=silver,
        user=readiness.cso,
        role="Incident lead",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=11),
    )
    client.force_login(readiness.trust.executive)

    response = client.get("/readiness/command/")

    assert [d.role for d in response.context["on_duty"]] == ["Incident lead"]
    assert response.context["draft_form"] is None


def test_the_cell_lead_drafts_and_publishes_through_the_pages(
    client: Client, readiness: Readiness, silver: CommandCell
) -> None:
    client.force_login(readiness.chair)

    response = client.post(
        "/readiness/command/", {"form": "draft", "cell": silver.pk, "hours": "4"}
    )
    sitrep = SitRep.objects.get()
    assert response["Location"] == f"/readiness/sitreps/{sitrep.pk}/"
    client.post(f"/readiness/sitreps/{sitrep.pk}/", {"summary": "Login spike easing."})

    sitrep.refresh_from_db()
    assert (sitrep.status, sitrep.summary) == (SitRep.Status.PUBLISHED, "Login spike easing.")


def test_a_ward_manager_has_no_command_page(
    client: Client, readiness: Readiness, silver: CommandCell
) -> None:
    client.force_login(readiness.trust.ward_manager)
    assert client.get("/readiness/command/").status_code == 403


def test_sit_reps_fall_on_a_fixed_local_grid_of_hours() -> None:
    from readiness.tasks import period_end  # noqa: PLC0415

    london = timezone.get_current_timezone()
    now = dt.datetime(2026, 7, 1, 10, 37, tzinfo=london)

    assert period_end(now, 4) == dt.datetime(2026, 7, 1, 8, 0, tzinfo=london)
    assert period_end(now, 1) == dt.datetime(2026, 7, 1, 10, 0, tzinfo=london)


def test_the_schedule_drafts_one_sit_rep_per_cell_and_period_during_the_go_live_only(
    readiness: Readiness, silver: CommandCell, settings: object
) -> None:
    from readiness import tasks  # noqa: PLC0415

    wave_1 = readiness.trust.wave_1
    wave_1.user_go_live_date = timezone.localdate()
    wave_1.save()
    far = readiness.trust.wave_2  # goes live 60 days later: its cell stays quiet
    CommandCell.objects.create(go_live=far, level="gold", name="Gold", lead=readiness.chair)

    assert tasks.draft_due_sitreps() == 1
    assert tasks.draft_due_sitreps() == 1  # beat delivering twice changes nothing

    draft = SitRep.objects.get()
    assert draft.cell == silver
    assert draft.status == SitRep.Status.DRAFT
    assert draft.period_end == tasks.period_end(timezone.now(), 4)


def test_a_sit_rep_reports_active_epr_users_on_the_latest_day_with_data(
    readiness: Readiness, silver: CommandCell
) -> None:
    from adoption.models import DailyUserActivity  # noqa: PLC0415

    trust = readiness.trust
    today = timezone.localdate()
    for days_ago, users in ((1, ["U1", "U2", "U3"]), (2, ["U1"]), (3, ["U1", "U2"])):
        for user in users:
            DailyUserActivity.objects.create(
                local_date=today - dt.timedelta(days=days_ago), area=trust.ward_a,
                epr_user_id=user, events=5,
            )  # fmt: skip

    draft = command_services.draft_sitrep(
        access=Access(readiness.chair), cell=silver, now=timezone.now(), hours=4
    )

    yesterday = (today - dt.timedelta(days=1)).isoformat()
    assert draft.figures["adoption"] == {
        "day": yesterday, "active_users": 3, "previous_mean": 1.5,
    }  # fmt: skip
    assert f"Adoption: 3 EPR users active on {yesterday} (previous 7 days: 1.5 a day)." in (
        draft.summary
    )


def test_a_sit_rep_carries_the_go_lives_open_training_alerts(
    readiness: Readiness, silver: CommandCell
) -> None:
    from training.models import TrainingAlert  # noqa: PLC0415

    TrainingAlert.objects.create(
        go_live=silver.go_live,
        kind="behind_plan",
        message="Training is 12 points behind plan.",
        raised_at=timezone.now(),
        updated_at=timezone.now(),
    )

    draft = command_services.draft_sitrep(
        access=Access(readiness.chair), cell=silver, now=timezone.now(), hours=4
    )

    assert draft.figures["training_alerts"] == ["Training is 12 points behind plan."]
    assert "Training alerts: Training is 12 points behind plan." in draft.summary
