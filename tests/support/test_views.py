from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from golive.navigation import SESSION_GO_LIVE_KEY
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


def test_a_login_spike_shows_on_the_board_and_is_escalated_once(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    for _ in range(10):
        make_ticket("Cannot log in")
    for _ in range(3):
        make_ticket("Printer jam")
    client = use_wave_1(desk.agent)
    board = client.get("/support/board/")
    content = board.content.decode()
    assert "Spike: Access, login and single sign-on" in content
    alert = board.context["board"].alerts[0]
    assert alert.detail == (
        "10 of the last hour's 13 tickets (77%) are Access, login and single sign-on."
    )
    access = Category.objects.get(slug="access")
    assert alert.category_id == access.pk
    response = client.post(
        "/support/board/escalate/", {"summary": alert.summary, "category": alert.category_id}
    )
    assert response.status_code == 302
    escalation = desk.wave_1.escalations.get()
    assert (escalation.escalated_by, escalation.category) == (desk.agent, access)
    again = client.get("/support/board/")
    assert again.context["board"].alerts[0].escalation == escalation
    assert "Escalated to silver at" in again.content.decode()


def test_a_burst_in_one_area_names_the_area_to_escalate(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    for _ in range(5):
        make_ticket("Printer jam", area=desk.ward_b)
    alerts = use_wave_1(desk.agent).get("/support/board/").context["board"].alerts
    burst = next(a for a in alerts if a.title == "Burst: Ward B")
    assert burst.area_id == desk.ward_b.pk
    assert burst.detail == "5 tickets in the last hour, and none in the day before."


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


def test_a_ticket_escalated_to_silver_records_who_and_shows_it(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    ticket = make_ticket("Ward cannot give medicines: drug chart down")
    client = use_wave_1(desk.agent)
    page = client.post(f"/support/tickets/{ticket.pk}/escalate/", follow=True)
    escalation = ticket.escalations.get()
    assert (escalation.level, escalation.escalated_by, escalation.area) == (
        "silver",
        desk.agent,
        desk.ward_a,
    )
    assert "Escalated to silver by Dana Desk" in page.content.decode()


def test_a_ward_manager_cannot_escalate_a_ticket(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    ticket = make_ticket()
    response = use_wave_1(desk.ward_manager).post(f"/support/tickets/{ticket.pk}/escalate/")
    assert response.status_code == 403
    assert not ticket.escalations.exists()


def test_a_workaround_found_later_is_published_through_the_edit_page(
    desk: DeskTrust, use_wave_1: Any
) -> None:
    issue = services.create_known_issue(
        user=desk.agent,
        go_live=desk.wave_1,
        title="Interface lag",
        description="",
        workaround="",
        category=None,
        is_published=False,
    )
    client = use_wave_1(desk.agent)
    url = f"/support/known-issues/{issue.pk}/edit/"
    refused = client.post(url, {"title": "Interface lag", "is_published": "on"})
    assert "Write the workaround before publishing it." in refused.content.decode()
    client.post(
        url,
        {"title": "Interface lag", "workaround": "Refresh the results tab", "is_published": "on"},
    )
    issue.refresh_from_db()
    assert (issue.is_published, issue.workaround) == (True, "Refresh the results tab")
    assert use_wave_1(desk.champion).get(url).status_code == 403


def test_the_board_and_analytics_count_only_a_ward_managers_areas(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    make_ticket(area=desk.ward_a)
    for _ in range(3):
        make_ticket(area=desk.ward_b)
    client = use_wave_1(desk.ward_manager)
    fragment = client.get("/support/board/", **HTMX)
    assert fragment.context["board"].open_total == 1
    assert client.get("/support/analytics/").context["figures"].total == 1


def test_triage_through_the_page_saves_and_redirects(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    ticket = make_ticket()
    printing = Category.objects.get(slug="printing")
    response = use_wave_1(desk.agent).post(
        f"/support/tickets/{ticket.pk}/triage/",
        {"category": printing.pk, "priority": "P2", "assignee": desk.agent_2.pk},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.category, ticket.priority, ticket.assignee) == (printing, "P2", desk.agent_2)


def test_triage_to_someone_who_cannot_work_the_ticket_re_renders_with_a_message(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    ticket = make_ticket()
    response = use_wave_1(desk.agent).post(
        f"/support/tickets/{ticket.pk}/triage/", {"priority": "P2", "assignee": desk.champion.pk}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_an_empty_comment_re_renders_with_a_message(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    ticket = make_ticket()
    response = use_wave_1(desk.champion).post(
        f"/support/tickets/{ticket.pk}/comments/", {"visibility": "reporter", "body": ""}
    )
    assert response.status_code == 200
    assert "Enter a comment." in response.content.decode()


def test_a_champion_cannot_post_an_internal_note_through_the_page(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    ticket = make_ticket()
    response = use_wave_1(desk.champion).post(
        f"/support/tickets/{ticket.pk}/comments/", {"visibility": "internal", "body": "psst"}
    )
    assert response.status_code == 200
    assert not ticket.comments.exists()


def test_a_known_issue_is_opened_and_a_ticket_linked_through_the_pages(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    client = use_wave_1(desk.agent)
    missing = client.post("/support/known-issues/new/", {"title": ""})
    assert "Enter a title." in missing.content.decode()
    client.post(
        "/support/known-issues/new/",
        {"title": "Label printers offline", "workaround": "Use the spare", "is_published": "on"},
    )
    issue = KnownIssue.objects.get()
    ticket = make_ticket("Label printer offline")
    client.post(f"/support/tickets/{ticket.pk}/known-issue/", {"known_issue": issue.pk})
    ticket.refresh_from_db()
    assert ticket.known_issue == issue
    page = client.get(f"/support/known-issues/{issue.pk}/").content.decode()
    assert ticket.reference in page


def test_a_champion_cannot_open_a_known_issue(desk: DeskTrust, use_wave_1: Any) -> None:
    assert use_wave_1(desk.champion).get("/support/known-issues/new/").status_code == 403


def test_a_category_rising_fast_is_flagged_before_it_takes_over(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    for _ in range(6):
        make_ticket("Printer jam", area=desk.ward_a)
    for _ in range(2):
        make_ticket("How do I discharge?", area=desk.ward_b)
    alerts = use_wave_1(desk.agent).get("/support/board/").context["board"].alerts
    rising = next(a for a in alerts if a.title == "Rising: Printing")
    assert rising.category_id == Category.objects.get(slug="printing").pk
    assert rising.detail == "6 Printing tickets in the last hour, and none in the day before."
    assert not any(a.title.startswith("Spike") for a in alerts)  # 6 is below the 10 minimum


def test_without_javascript_the_reporter_can_check_for_known_problems_before_saving(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    earlier = make_ticket("Smartcard reader not working at nurses station")
    response = post_log(
        use_wave_1(desk.champion), desk, description="smartcard reader not working", check="1"
    )
    assert response.status_code == 200
    assert earlier.reference in response.content.decode()
    assert Ticket.objects.count() == 1


def test_a_champion_filters_the_queue_to_the_tickets_they_logged(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    mine = make_ticket(user=desk.champion)
    other = make_ticket()
    content = use_wave_1(desk.champion).get(QUEUE_URL, {"logged_by": "me"}).content.decode()
    assert mine.reference in content
    assert other.reference not in content


def test_the_safety_officer_sees_how_many_concerns_are_open(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    services.triage_ticket(
        ticket=make_ticket("Wrong dose shown"),
        user=desk.agent,
        category=None,
        priority="P1",
        resolver_group=None,
        assignee=None,
        is_clinical_safety=True,
    )
    response = use_wave_1(desk.safety_officer).get("/support/")
    assert response.context["open_safety_concerns"] == 1


def test_the_ticket_page_hides_the_reporter_and_what_happened_from_an_executive(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    ticket = make_ticket()
    content = use_wave_1(desk.executive).get(f"/support/tickets/{ticket.pk}/").content.decode()
    assert "ext 4321" not in content
    assert "Cannot log in" not in content
    assert ticket.reference in content


def test_linking_a_ticket_to_a_known_issue_fixed_meanwhile_shows_why_on_the_form(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any
) -> None:
    issue = services.create_known_issue(
        user=desk.agent,
        go_live=desk.wave_1,
        title="Label printers offline",
        description="",
        workaround="Use the spare",
        category=None,
        is_published=True,
    )
    services.fix_known_issue(known_issue=issue, user=desk.agent_2)
    ticket = make_ticket("Label printer offline")

    response = use_wave_1(desk.agent).post(
        f"/support/tickets/{ticket.pk}/known-issue/", {"known_issue": issue.pk}
    )

    assert response.status_code == 200
    assert "has already been fixed" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.known_issue is None


def test_the_spike_share_threshold_is_a_setting(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any, settings: Any
) -> None:
    for _ in range(10):
        make_ticket("Cannot log in")
    for _ in range(5):
        make_ticket("Printer jam")
    client = use_wave_1(desk.agent)

    settings.SUPPORT_SPIKE_SHARE_PERCENT = 70  # login is 67% of the hour
    higher = client.get("/support/board/").context["board"].category_spikes
    settings.SUPPORT_SPIKE_SHARE_PERCENT = 60
    lower = client.get("/support/board/").context["board"].category_spikes

    assert higher == []
    assert [(spike.count, spike.total) for spike in lower] == [(10, 15)]


def test_the_smallest_spike_and_burst_are_settings(
    desk: DeskTrust, use_wave_1: Any, make_ticket: Any, settings: Any
) -> None:
    for _ in range(4):
        make_ticket("Cannot log in", area=desk.ward_b)
    client = use_wave_1(desk.agent)

    usual = client.get("/support/board/").context["board"]
    settings.SUPPORT_SPIKE_MIN_TICKETS = 4
    settings.SUPPORT_BURST_MIN_TICKETS = 4
    smaller = client.get("/support/board/").context["board"]

    assert (usual.category_spikes, usual.area_bursts) == ([], [])
    assert [spike.count for spike in smaller.category_spikes] == [4]
    assert [(burst.key, burst.count) for burst in smaller.area_bursts] == [(str(desk.ward_b.pk), 4)]


def test_with_no_go_live_chosen_the_desk_shows_the_one_it_is_supporting(
    desk: DeskTrust, client: Client, make_ticket: Any
) -> None:
    # Wave 1 went live a month ago; wave 2 is still to come (the switcher's usual default).
    desk.wave_1.user_go_live_date = timezone.localdate() - dt.timedelta(days=30)
    desk.wave_1.save(update_fields=["user_go_live_date"])
    ticket = make_ticket("Cannot log in")
    client.force_login(desk.agent)

    response = client.get("/support/tickets/")

    assert response.context["go_live"] == desk.wave_1
    assert response.context["current_go_live"] == desk.wave_1  # the switcher agrees
    assert ticket.reference in response.content.decode()


def test_a_go_live_chosen_in_the_switcher_is_what_the_desk_shows(
    desk: DeskTrust, client: Client
) -> None:
    desk.wave_1.user_go_live_date = timezone.localdate() - dt.timedelta(days=30)
    desk.wave_1.save(update_fields=["user_go_live_date"])
    client.force_login(desk.agent)
    session = client.session
    session[SESSION_GO_LIVE_KEY] = desk.wave_2.pk
    session.save()

    assert client.get("/support/tickets/").context["go_live"] == desk.wave_2


def test_the_board_of_a_go_live_past_its_fortnight_offers_a_replay_of_its_first_morning(
    desk: DeskTrust, use_wave_1: Any
) -> None:
    went_live = timezone.localdate() - dt.timedelta(days=30)
    desk.wave_1.user_go_live_date = went_live
    desk.wave_1.save(update_fields=["user_go_live_date"])

    page = use_wave_1(desk.agent).get("/support/board/").content.decode()

    assert f"/support/board/?at={went_live:%Y-%m-%d}T10:00" in page
