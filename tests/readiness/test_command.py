from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from golive.access import Access
from readiness import services
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
    services.update_criterion(
        access=Access(pm),
        user=pm,
        criterion=readiness.criterion(trust.ward_b, readiness.downtime),
        rag=Rag.RED,
        comment="",
        evidence_link="",
        evidence_file=None,
        owner=None,
    )

    sitrep = services.draft_sitrep(access=Access(readiness.chair), cell=silver, now=now, hours=4)

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
    first = services.draft_sitrep(access=Access(readiness.chair), cell=silver, now=now)
    again = services.draft_sitrep(access=Access(readiness.chair), cell=silver, now=now)
    assert first.pk == again.pk


def test_only_the_cell_lead_publishes_and_a_published_sit_rep_is_final(
    readiness: Readiness, silver: CommandCell
) -> None:
    pm = readiness.trust.programme_manager
    sitrep = services.draft_sitrep(access=Access(pm), cell=silver, now=timezone.now())
    with pytest.raises(PermissionDenied):
        services.publish_sitrep(access=Access(pm), user=pm, sitrep=sitrep, summary="Edited")
    services.publish_sitrep(
        access=Access(readiness.chair), user=readiness.chair, sitrep=sitrep, summary="All calm."
    )
    with pytest.raises(ValidationError) as error:
        services.publish_sitrep(
            access=Access(readiness.chair), user=readiness.chair, sitrep=sitrep, summary="Changed"
        )
    assert error.value.code == "published"
    sitrep.refresh_from_db()
    assert (sitrep.summary, sitrep.status) == ("All calm.", SitRep.Status.PUBLISHED)


def test_a_duty_must_end_after_it_starts(readiness: Readiness, silver: CommandCell) -> None:
    now = timezone.now()
    with pytest.raises(ValidationError):
        services.assign_duty(
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
    services.assign_duty(
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
