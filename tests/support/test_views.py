from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from support import services
from support.models import Category, KnownIssue, SatisfactionResponse, Ticket
from support.survey import survey_token
from tests.support.conftest import DeskTrust

HTMX = {"HTTP_HX_REQUEST": "true"}
LOG_URL = "/support/log/"
QUEUE_URL = "/support/tickets/"


def post_log(client: Client, desk: DeskTrust, **overrides: Any) -> Any:
    data = {
        "reporter": "Sam Patel, ext 4321",
        "area": desk.ward_a.pk,
        "description": "Can't log in on the ward PC",
    }
    data.update(overrides)
    return client.post(LOG_URL, data)


def test_a_ticket_is_logged_with_only_the_three_fields(desk: DeskTrust, use_wave_1: Any) -> None:
    client = use_wave_1(desk.champion)
    response = post_log(client, desk)
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/support/tickets/{ticket.pk}/"
    assert (ticket.reporter_name, ticket.reporter_contact) == ("Sam Patel", "ext 4321")
    assert ticket.area == desk.ward_a
    assert ticket.category.slug == "access"
    assert ticket.logged_by == desk.champion


def test_the_area_is_pre_filled_for_someone_with_one_area(desk: DeskTrust, use_wave_1: Any) -> None:
    response = use_wave_1(desk.champion).get(LOG_URL)
    assert response.context["form"]["area"].value() == desk.ward_a.pk


def test_the_area_is_not_pre_filled_for_the_whole_desk(desk: DeskTrust, use_wave_1: Any) -> None:
    response = use_wave_1(desk.agent).get(LOG_URL)
    assert response.context["form"]["area"].value() is None


def test_bad_input_re_renders_with_a_message_per_field(desk: DeskTrust, use_wave_1: Any) -> None:
    response = post_log(use_wave_1(desk.champion), desk, reporter="", area="", description="")
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    for message in (
        "Enter who is reporting and how to reach them.",
        "Choose where the problem is.",
        "Describe what happened.",
    ):
        assert message in content
    assert not Ticket.objects.exists()


def test_a_champion_cannot_log_for_an_area_that_is_not_theirs(
    desk: DeskTrust, use_wave_1: Any
) -> None:
    response = post_log(use_wave_1(desk.champion), desk, area=desk.ward_b.pk)
    assert response.status_code == 200
    assert "Choose a ward or department from the list." in response.content.decode()
    assert not Ticket.objects.exists()


def test_an_executive_cannot_open_the_quick_log(desk: DeskTrust, use_wave_1: Any) -> None:
    assert use_wave_1(desk.executive).get(LOG_URL).status_code == 403


def test_phone_mode_triages_and_returns_to_the_agents_queue(
    desk: DeskTrust, use_wave_1: Any
) -> None:
    client = use_wave_1(desk.agent)
    printing = Category.objects.get(slug="printing")
    response = client.post(
        f"{LOG_URL}?mode=phone",
        {
            "reporter": "07700 900123",
            "area": desk.ward_b.pk,
            "description": "Printer on bay 2 jammed",
            "category": printing.pk,
            "priority": "P2",
            "assign_to_me": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE_URL}?assignee=me&status=open"
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.category, ticket.priority) == ("phone", printing, "P2")
    assert ticket.assignee == desk.agent
    assert ticket.reporter_contact == "07700 900123"


def test_a_champion_asking_for_phone_mode_gets_the_quick_log(
    desk: DeskTrust, use_wave_1: Any
) -> None:
    response = use_wave_1(desk.champion).get(f"{LOG_URL}?mode=phone")
    assert response.context["phone"] is False


def test_the_suggestion_panel_shows_the_category_and_likely_duplicates(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    earlier = make_ticket("Smartcard reader not working at nurses station")
    response = use_wave_1(desk.champion).post(
        "/support/log/suggestions/",
        {"area": desk.ward_a.pk, "description": "smartcard reader not working"},
        **HTMX,
    )
    content = response.content.decode()
    assert "Suggested category: <strong>Access, login and single sign-on › Smartcard" in content
    assert earlier.reference in content
    assert "<html" not in content


def test_duplicates_are_only_suggested_from_the_same_area(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    other = make_ticket("Smartcard reader not working", area=desk.ward_b)
    response = use_wave_1(desk.agent).post(
        "/support/log/suggestions/",
        {"area": desk.ward_a.pk, "description": "smartcard reader not working"},
    )
    assert other.reference not in response.content.decode()


def test_published_workarounds_appear_on_the_quick_log(desk: DeskTrust, use_wave_1: Any) -> None:
    services.create_known_issue(
        user=desk.agent,
        go_live=desk.wave_1,
        title="Label printers offline",
        description="",
        workaround="Use the ward's spare printer.",
        category=None,
        is_published=True,
    )
    response = use_wave_1(desk.champion).get(LOG_URL)
    assert "Use the ward&#x27;s spare printer." in response.content.decode()


def test_a_ward_manager_sees_only_tickets_for_their_areas(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    mine = make_ticket(area=desk.ward_a)
    theirs = make_ticket(area=desk.ward_b)
    client = use_wave_1(desk.ward_manager)
    content = client.get(QUEUE_URL).content.decode()
    assert mine.reference in content
    assert theirs.reference not in content
    assert client.get(f"/support/tickets/{theirs.pk}/").status_code == 404
    fragment = client.get(QUEUE_URL, {"status": "open"}, **HTMX).content.decode()
    assert theirs.reference not in fragment
    assert "<html" not in fragment


def test_the_desk_sees_every_ticket_of_the_programme(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    tickets = [make_ticket(area=desk.ward_a), make_ticket(area=desk.ward_b)]
    content = use_wave_1(desk.agent).get(QUEUE_URL).content.decode()
    assert all(t.reference in content for t in tickets)


def test_the_queue_filters_by_priority_and_assignee(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    claimed = services.claim_ticket(ticket=make_ticket(), user=desk.agent)
    other = make_ticket()
    client = use_wave_1(desk.agent)
    content = client.get(QUEUE_URL, {"assignee": "me"}).content.decode()
    assert claimed.reference in content
    assert other.reference not in content


def test_two_agents_claiming_through_the_page_see_who_won(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    ticket = make_ticket()
    services.claim_ticket(ticket=ticket, user=desk.agent_2)
    response = use_wave_1(desk.agent).post(f"/support/tickets/{ticket.pk}/claim/", follow=True)
    assert "Eli Desk has already claimed this ticket." in response.content.decode()


def test_an_executive_cannot_triage(desk: DeskTrust, use_wave_1: Any, make_ticket: Any) -> None:
    ticket = make_ticket()
    response = use_wave_1(desk.executive).post(
        f"/support/tickets/{ticket.pk}/triage/", {"priority": "P1"}
    )
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.priority == "P3"


def test_an_invalid_status_change_re_renders_the_ticket_with_the_reason(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    ticket = make_ticket()
    response = use_wave_1(desk.agent).post(
        f"/support/tickets/{ticket.pk}/status/", {"status": "resolved"}
    )
    assert response.status_code == 200
    assert "Choose how the ticket was resolved." in response.content.decode()


def test_internal_notes_are_hidden_from_a_champion(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    ticket = make_ticket()
    services.add_comment(
        ticket=ticket, user=desk.agent, body="Vendor case 991", visibility="internal"
    )
    services.add_comment(
        ticket=ticket, user=desk.agent, body="Try again now", visibility="reporter"
    )
    content = use_wave_1(desk.champion).get(f"/support/tickets/{ticket.pk}/").content.decode()
    assert "Try again now" in content
    assert "Vendor case 991" not in content


def test_clinical_safety_tickets_are_listed_for_the_safety_officer(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    flagged = services.triage_ticket(
        ticket=make_ticket("Wrong dose shown"),
        user=desk.agent,
        category=None,
        priority="P1",
        resolver_group=None,
        assignee=None,
        is_clinical_safety=True,
    )
    plain = make_ticket("Printer jam")
    content = use_wave_1(desk.safety_officer).get("/support/safety/").content.decode()
    assert flagged.reference in content
    assert plain.reference not in content


def test_fixing_a_known_issue_through_the_page_resolves_its_tickets(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    issue = services.create_known_issue(
        user=desk.agent,
        go_live=desk.wave_1,
        title="Smartcards",
        description="",
        workaround="Use a password",
        category=None,
        is_published=True,
    )
    child = services.link_to_known_issue(ticket=make_ticket(), user=desk.agent, known_issue=issue)
    use_wave_1(desk.agent).post(f"/support/known-issues/{issue.pk}/fix/")
    child.refresh_from_db()
    assert child.status == Ticket.Status.RESOLVED
    assert KnownIssue.objects.get().status == KnownIssue.Status.FIXED


def test_unpublished_known_issues_are_hidden_from_a_champion(
    desk: DeskTrust, use_wave_1: Any
) -> None:
    services.create_known_issue(
        user=desk.agent,
        go_live=desk.wave_1,
        title="Draft: interface lag",
        description="",
        workaround="",
        category=None,
        is_published=False,
    )
    content = use_wave_1(desk.champion).get("/support/known-issues/").content.decode()
    assert "Draft: interface lag" not in content


def test_the_board_polls_itself_and_returns_only_its_figures_to_htmx(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    make_ticket()
    client = use_wave_1(desk.agent)
    page = client.get("/support/board/").content.decode()
    assert 'hx-trigger="every 30s"' in page
    fragment = client.get("/support/board/", **HTMX).content.decode()
    assert 'id="board-figures"' in fragment
    assert "<html" not in fragment


def test_a_login_spike_shows_on_the_board_with_an_escalate_button(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    for _ in range(10):
        make_ticket("Cannot log in")
    for _ in range(3):
        make_ticket("Printer jam")
    client = use_wave_1(desk.agent)
    content = client.get("/support/board/").content.decode()
    assert "Spike: Access, login and single sign-on" in content
    assert "10 of the last hour's 13 tickets" in content
    response = client.post(
        "/support/board/escalate/",
        {"summary": "Access, login and single sign-on: 10 of 13 tickets in the last hour"},
    )
    assert response.status_code == 302
    assert desk.wave_1.escalations.get().escalated_by == desk.agent


def test_a_champion_cannot_escalate_from_the_board(desk: DeskTrust, use_wave_1: Any) -> None:
    response = use_wave_1(desk.champion).post("/support/board/escalate/", {"summary": "x"})
    assert response.status_code == 403
    assert not desk.wave_1.escalations.exists()


def csv_rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_csv_export_is_scoped_and_formula_escaped(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    make_ticket('=HYPERLINK("http://evil") cannot log in', area=desk.ward_a)
    make_ticket("Printer jam", area=desk.ward_b)
    rows = csv_rows(use_wave_1(desk.ward_manager).get("/support/analytics/tickets.csv"))
    assert len(rows) == 2  # header + the ward A ticket only
    assert rows[1][-1].startswith("'=HYPERLINK")
    assert "Sam Patel" not in "".join(rows[1])


def test_the_xlsx_export_is_scoped_to_a_champions_area(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    make_ticket(area=desk.ward_a)
    make_ticket(area=desk.ward_b)
    response = use_wave_1(desk.champion).get("/support/analytics/tickets.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 2
    assert sheet.cell(row=2, column=3).value == "Ward A"


def test_analytics_reports_share_by_category(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    for _ in range(3):
        make_ticket("Cannot log in")
    make_ticket("Printer jam")
    response = use_wave_1(desk.agent).get("/support/analytics/")
    shares = {name: count for name, count, _ in response.context["figures"].share_by_category}
    assert shares == {"Access, login and single sign-on": 3, "Printing": 1}


@pytest.fixture
def resolved(desk: DeskTrust, make_ticket: Any) -> Ticket:
    return services.change_status(
        ticket=make_ticket(), user=desk.agent, status="resolved", resolution_type="no_fault"
    )


def test_a_reporter_rates_a_resolved_ticket_through_the_link_without_signing_in(
    resolved: Ticket,
) -> None:
    url = f"/support/survey/{survey_token(resolved)}/"
    client = Client(enforce_csrf_checks=False)
    assert client.get(url).status_code == 200
    response = client.post(url, {"score": "5", "comment": "Quick, thanks"})
    assert "Thank you" in response.content.decode()
    assert SatisfactionResponse.objects.get(ticket=resolved).score == 5
    client.post(url, {"score": "1"})
    assert SatisfactionResponse.objects.get(ticket=resolved).score == 5


def test_a_tampered_survey_link_is_refused(resolved: Ticket) -> None:
    token = survey_token(resolved)
    assert Client().get(f"/support/survey/{token}x/").status_code == 404


def test_a_survey_without_a_score_re_renders_with_a_message(resolved: Ticket) -> None:
    response = Client().post(f"/support/survey/{survey_token(resolved)}/", {"score": ""})
    assert "Choose how well your problem was handled." in response.content.decode()


def test_analytics_counts_training_gaps_per_course(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    from training.models import Course  # noqa: PLC0415

    course = Course.objects.create(
        programme=desk.programme, code="EPR201", name="Ward workflows", delivery="classroom"
    )
    client = use_wave_1(desk.agent)
    for _ in range(2):
        ticket = make_ticket("How do I record fluid balance?")
        client.post(
            f"/support/tickets/{ticket.pk}/status/",
            {"status": "resolved", "resolution_type": "training_gap", "course": course.pk},
        )
    response = client.get("/support/analytics/")
    assert response.context["figures"].training_gaps_by_course == [("Ward workflows", 2)]


def test_the_board_can_replay_a_past_moment(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    import datetime as dt  # noqa: PLC0415

    from django.utils import timezone  # noqa: PLC0415

    past = timezone.now() - dt.timedelta(days=3)
    make_ticket("Cannot log in", at=past)
    client = use_wave_1(desk.agent)
    at = timezone.localtime(past + dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    response = client.get("/support/board/", {"at": at})
    board = response.context["board"]
    assert (board.open_total, board.last_hour) == (1, 1)
    assert "hx-trigger" not in response.content.decode().split('id="board-figures"')[1][:40]
    assert client.get("/support/board/").context["board"].last_hour == 0


def test_analytics_counts_tickets_per_day_by_area(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    for _ in range(2):
        make_ticket(area=desk.ward_a)
    make_ticket(area=desk.ward_b)
    figures = use_wave_1(desk.agent).get("/support/analytics/").context["figures"]
    assert len(figures.days) == 1
    assert figures.per_day_by_area == [("Ward A", [2]), ("Ward B", [1])]
