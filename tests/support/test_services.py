from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from support import services
from support.models import Category, KnownIssue, Priority, SatisfactionResponse, Ticket
from tests.locking import run_recording, wait_for, wait_until_waiting, waiting_backends
from tests.support.conftest import DeskTrust

S = Ticket.Status


def resolve(ticket: Ticket, user: Any) -> Ticket:
    return services.change_status(
        ticket=ticket, user=user, status=S.RESOLVED, resolution_type="training_gap"
    )


def test_a_logged_ticket_records_the_suggested_category(make_ticket: Any) -> None:
    ticket = make_ticket("My smartcard will not work")
    assert ticket.suggested_category.slug == "access-smartcard"
    assert ticket.category == ticket.suggested_category
    assert (ticket.status, ticket.priority) == (S.NEW, Priority.P3)


def test_nhs_numbers_typed_into_a_ticket_are_never_stored(make_ticket: Any) -> None:
    ticket = make_ticket("Allergies missing for 943 476 5919")
    assert "5919" not in Ticket.objects.get(pk=ticket.pk).description
    assert "5919" not in str(list(Ticket.history.filter(id=ticket.pk).values("description")))


def test_a_champion_cannot_log_a_ticket_for_another_ward(desk: DeskTrust, make_ticket: Any) -> None:
    with pytest.raises(PermissionDenied):
        make_ticket(area=desk.ward_b, user=desk.champion)


def test_an_executive_cannot_log_a_ticket(desk: DeskTrust, make_ticket: Any) -> None:
    with pytest.raises(PermissionDenied):
        make_ticket(user=desk.executive)


def test_a_ticket_must_be_for_an_area_of_the_go_live(desk: DeskTrust, make_ticket: Any) -> None:
    with pytest.raises(ValidationError) as error:
        make_ticket(area=desk.ward_c)  # ward C is in wave 2 only
    assert error.value.error_dict["area"][0].code == "area_not_in_go_live"


def test_triage_sets_the_fields_and_counts_as_the_first_response(
    desk: DeskTrust, make_ticket: Any
) -> None:
    ticket = make_ticket()
    category = Category.objects.get(slug="printing")
    triaged = services.triage_ticket(
        ticket=ticket,
        user=desk.agent,
        category=category,
        priority=Priority.P2,
        resolver_group=None,
        assignee=desk.agent_2,
        is_clinical_safety=True,
    )
    assert (triaged.status, triaged.category, triaged.priority) == (S.TRIAGED, category, "P2")
    assert triaged.assignee == desk.agent_2
    assert triaged.is_clinical_safety
    assert triaged.first_response_at is not None


def test_a_champion_cannot_triage(desk: DeskTrust, make_ticket: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.triage_ticket(
            ticket=make_ticket(),
            user=desk.champion,
            category=None,
            priority="P1",
            resolver_group=None,
            assignee=None,
            is_clinical_safety=False,
        )


def test_a_ticket_cannot_be_assigned_to_someone_who_cannot_work_it(
    desk: DeskTrust, make_ticket: Any
) -> None:
    with pytest.raises(ValidationError) as error:
        services.triage_ticket(
            ticket=make_ticket(),
            user=desk.agent,
            category=None,
            priority="P3",
            resolver_group=None,
            assignee=desk.champion,
            is_clinical_safety=False,
        )
    assert error.value.error_dict["assignee"][0].code == "assignee_not_desk"


def test_resolving_needs_a_resolution_type(desk: DeskTrust, make_ticket: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.change_status(ticket=make_ticket(), user=desk.agent, status=S.RESOLVED)
    assert error.value.error_dict["resolution_type"][0].code == "resolution_type_required"


def test_a_new_ticket_cannot_be_closed_without_resolving(desk: DeskTrust, make_ticket: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.change_status(ticket=make_ticket(), user=desk.agent, status=S.CLOSED)
    assert error.value.error_dict["status"][0].code == "invalid_transition"


def test_resolving_then_reopening_clears_the_resolution(desk: DeskTrust, make_ticket: Any) -> None:
    ticket = resolve(make_ticket(), desk.agent)
    assert ticket.resolved_at is not None
    assert ticket.first_response_at is not None
    reopened = services.change_status(ticket=ticket, user=desk.agent, status=S.IN_PROGRESS)
    assert (reopened.resolved_at, reopened.resolution_type) == (None, "")


def test_a_closed_ticket_goes_nowhere(desk: DeskTrust, make_ticket: Any) -> None:
    ticket = resolve(make_ticket(), desk.agent)
    ticket = services.change_status(ticket=ticket, user=desk.agent, status=S.CLOSED)
    with pytest.raises(ValidationError):
        services.change_status(ticket=ticket, user=desk.agent, status=S.IN_PROGRESS)


def test_claiming_assigns_the_agent_and_starts_work(desk: DeskTrust, make_ticket: Any) -> None:
    ticket = services.claim_ticket(ticket=make_ticket(), user=desk.agent)
    assert (ticket.assignee, ticket.status) == (desk.agent, S.IN_PROGRESS)


def test_a_claimed_ticket_cannot_be_claimed_by_another_agent(
    desk: DeskTrust, make_ticket: Any
) -> None:
    ticket = services.claim_ticket(ticket=make_ticket(), user=desk.agent)
    with pytest.raises(ValidationError) as error:
        services.claim_ticket(ticket=ticket, user=desk.agent_2)
    assert error.value.code == "already_claimed"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_agents_claiming_one_ticket_at_once_one_wins() -> None:
    trust = DeskTrust()
    ticket = services.log_ticket(
        user=trust.agent,
        go_live=trust.wave_1,
        area=trust.ward_a,
        reporter_name="Sam",
        reporter_contact="ext 1",
        description="Cannot log in",
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def claim(user: Any) -> None:
        try:
            barrier.wait()
            services.claim_ticket(ticket=ticket, user=user)
            outcomes.append("claimed")
        except ValidationError as error:
            outcomes.append(str(error.code))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(u,)) for u in (trust.agent, trust.agent_2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already_claimed", "claimed"]
    ticket.refresh_from_db()
    assert ticket.assignee in {trust.agent, trust.agent_2}
    assert Ticket.history.filter(id=ticket.pk, assignee__isnull=False).count() == 1


def test_only_the_desk_adds_internal_notes(desk: DeskTrust, make_ticket: Any) -> None:
    ticket = make_ticket()
    with pytest.raises(ValidationError):
        services.add_comment(
            ticket=ticket, user=desk.champion, body="secret", visibility="internal"
        )
    services.add_comment(
        ticket=ticket, user=desk.champion, body="More detail", visibility="reporter"
    )
    assert ticket.comments.count() == 1


def test_a_reply_to_the_reporter_is_the_first_response(desk: DeskTrust, make_ticket: Any) -> None:
    ticket = make_ticket()
    services.add_comment(ticket=ticket, user=desk.agent, body="On it", visibility="reporter")
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None


def open_issue(desk: DeskTrust, **overrides: Any) -> KnownIssue:
    values: dict[str, Any] = {
        "title": "Smartcard readers drop the session",
        "description": "",
        "workaround": "Log in with username and password.",
        "category": Category.objects.get(slug="access-smartcard"),
        "is_published": True,
    }
    values.update(overrides)
    return services.create_known_issue(user=desk.agent, go_live=desk.wave_1, **values)


def test_a_workaround_cannot_be_published_empty(desk: DeskTrust) -> None:
    with pytest.raises(ValidationError) as error:
        open_issue(desk, workaround="")
    assert error.value.error_dict["workaround"][0].code == "workaround_required"


def test_fixing_a_known_issue_resolves_its_open_children(desk: DeskTrust, make_ticket: Any) -> None:
    issue = open_issue(desk)
    children = [make_ticket("smartcard drops") for _ in range(3)]
    for child in children:
        services.link_to_known_issue(ticket=child, user=desk.agent, known_issue=issue)
    done = resolve(make_ticket("smartcard again"), desk.agent)
    services.change_status(ticket=done, user=desk.agent, status=S.CLOSED)

    assert services.fix_known_issue(known_issue=issue, user=desk.agent) == 3
    statuses = set(
        Ticket.objects.filter(known_issue=issue).values_list("status", "resolution_type")
    )
    assert statuses == {(S.RESOLVED, "defect")}
    issue.refresh_from_db()
    assert issue.status == KnownIssue.Status.FIXED
    assert issue.fixed_by == desk.agent


def test_a_fixed_known_issue_cannot_be_fixed_again(desk: DeskTrust) -> None:
    issue = open_issue(desk)
    services.fix_known_issue(known_issue=issue, user=desk.agent)
    with pytest.raises(ValidationError):
        services.fix_known_issue(known_issue=issue, user=desk.agent)


def test_an_escalation_records_who_when_and_the_level(desk: DeskTrust) -> None:
    moment = timezone.now()
    escalation = services.escalate(
        user=desk.agent, go_live=desk.wave_1, summary="Access: 12 of 20", now=moment
    )
    assert (escalation.level, escalation.escalated_by, escalation.escalated_at) == (
        "silver",
        desk.agent,
        moment,
    )


def test_a_champion_cannot_escalate(desk: DeskTrust) -> None:
    with pytest.raises(PermissionDenied):
        services.escalate(user=desk.champion, go_live=desk.wave_1, summary="x")


def test_satisfaction_is_recorded_once_per_resolved_ticket(
    desk: DeskTrust, make_ticket: Any
) -> None:
    ticket = make_ticket()
    with pytest.raises(ValidationError):
        services.record_satisfaction(ticket=ticket, score=5)
    ticket = resolve(ticket, desk.agent)
    services.record_satisfaction(ticket=ticket, score=4)
    with pytest.raises(ValidationError) as error:
        services.record_satisfaction(ticket=ticket, score=1)
    assert error.value.code == "already_rated"
    assert SatisfactionResponse.objects.get(ticket=ticket).score == 4


def test_first_response_is_never_before_the_ticket_was_logged(
    desk: DeskTrust, make_ticket: Any
) -> None:
    later = timezone.now() + dt.timedelta(minutes=5)
    ticket = make_ticket(at=later)
    claimed = services.claim_ticket(ticket=ticket, user=desk.agent)
    assert claimed.first_response_at >= claimed.created_at


def test_a_training_gap_names_the_course_that_should_have_covered_it(
    desk: DeskTrust, make_ticket: Any
) -> None:
    from training.models import Course  # noqa: PLC0415

    course = Course.objects.create(
        programme=desk.programme, code="EPR101", name="EPR essentials", delivery="e_learning"
    )
    ticket = services.change_status(
        ticket=make_ticket("How do I discharge?"),
        user=desk.agent,
        status=S.RESOLVED,
        resolution_type="training_gap",
        course=course,
    )
    assert ticket.course == course


def test_a_course_cannot_be_named_for_a_defect(desk: DeskTrust, make_ticket: Any) -> None:
    from training.models import Course  # noqa: PLC0415

    course = Course.objects.create(
        programme=desk.programme, code="EPR101", name="EPR essentials", delivery="e_learning"
    )
    with pytest.raises(ValidationError) as error:
        services.change_status(
            ticket=make_ticket(),
            user=desk.agent,
            status=S.RESOLVED,
            resolution_type="defect",
            course=course,
        )
    assert error.value.error_dict["course"][0].code == "not_training_gap"


def test_an_nhs_number_in_a_resolution_note_is_never_stored(
    desk: DeskTrust, make_ticket: Any
) -> None:
    ticket = services.change_status(
        ticket=make_ticket(),
        user=desk.agent,
        status=S.RESOLVED,
        resolution_type="no_fault",
        resolution_note="Checked record 9434765919, all fine",
    )
    assert "9434765919" not in ticket.resolution_note


def test_training_gaps_are_counted_per_course_for_the_training_work(
    desk: DeskTrust, make_ticket: Any
) -> None:
    from support.selectors import training_gaps_by_course  # noqa: PLC0415
    from training.models import Course  # noqa: PLC0415

    course = Course.objects.create(
        programme=desk.programme, code="EPR101", name="EPR essentials", delivery="e_learning"
    )
    for _ in range(2):
        services.change_status(
            ticket=make_ticket("How do I?"),
            user=desk.agent,
            status=S.RESOLVED,
            resolution_type="training_gap",
            course=course,
        )
    assert training_gaps_by_course(desk.programme.pk) == {course.pk: 2}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_deliveries_of_one_call_at_once_make_one_ticket() -> None:
    trust = DeskTrust()
    barrier = threading.Barrier(2)
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            barrier.wait()
            ticket, created = services.receive_ticket(
                user=trust.agent,
                go_live=trust.wave_1,
                area=trust.ward_a,
                reporter_name="Phone system",
                reporter_contact="07700 900123",
                description="Cannot log in",
                external_reference="CALL-1",
            )
            results.append((ticket.pk, created))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(created for _, created in results) == [False, True]
    assert len({pk for pk, _ in results}) == 1
    assert Ticket.objects.count() == 1


def test_a_ticket_cannot_be_linked_to_a_known_issue_fixed_since_the_page_was_drawn(
    desk: DeskTrust, make_ticket: Any
) -> None:
    issue = open_issue(desk)
    seen_open = KnownIssue.objects.get(pk=issue.pk)
    services.fix_known_issue(known_issue=issue, user=desk.agent_2)
    ticket = make_ticket("smartcard drops")

    with pytest.raises(ValidationError) as error:
        services.link_to_known_issue(ticket=ticket, user=desk.agent, known_issue=seen_open)

    assert error.value.error_dict["known_issue"][0].code == "known_issue_fixed"
    ticket.refresh_from_db()
    assert ticket.known_issue is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_link_racing_the_fix_of_its_known_issue_is_resolved_with_the_other_children() -> None:
    desk = DeskTrust()
    issue = open_issue(desk)
    ticket = services.log_ticket(
        user=desk.agent,
        go_live=desk.wave_1,
        area=desk.ward_a,
        reporter_name="Sam",
        reporter_contact="ext 1",
        description="Smartcard drops the session",
    )
    seen_open = KnownIssue.objects.get(pk=issue.pk)
    outcomes: list[str] = []

    def link() -> str:
        services.link_to_known_issue(ticket=ticket, user=desk.agent, known_issue=seen_open)
        return "linked"

    def fix() -> str:
        return f"fixed {services.fix_known_issue(known_issue=issue, user=desk.agent_2)}"

    # Hold the ticket so the link is part-way through when the fix starts; the fix then
    # either queues behind the link or (the bug) finishes first and misses the child.
    with transaction.atomic():
        Ticket.objects.select_for_update().get(pk=ticket.pk)
        linking = run_recording(outcomes, link)
        wait_until_waiting(1)
        fixing = run_recording(outcomes, fix)
        wait_for(lambda: not fixing.is_alive() or waiting_backends() >= 2, "the fix to queue")
    for thread in (linking, fixing):
        thread.join()

    assert sorted(outcomes) == ["fixed 1", "linked"]
    ticket.refresh_from_db()
    assert (ticket.known_issue_id, ticket.status) == (issue.pk, S.RESOLVED)


def _receive(desk: DeskTrust, reference: str) -> tuple[Ticket, bool]:
    return services.receive_ticket(
        user=desk.agent,
        go_live=desk.wave_1,
        area=desk.ward_a,
        reporter_name="Phone system",
        reporter_contact="ext 4321",
        description="Cannot log in",
        external_reference=reference,
    )


def test_two_calls_whose_ids_pass_the_nhs_number_check_make_two_tickets(desk: DeskTrust) -> None:
    # Both ten-digit call ids pass the NHS number check digit, so neither is stored as sent.
    first, first_created = _receive(desk, "9434765919")
    second, second_created = _receive(desk, "9997000048")

    assert (first_created, second_created) == (True, True)
    assert first.pk != second.pk
    assert set(Ticket.objects.values_list("external_reference", flat=True)) == {
        "[NHS number removed]"
    }


def test_a_retried_call_whose_id_passes_the_nhs_number_check_finds_its_own_ticket(
    desk: DeskTrust,
) -> None:
    _receive(desk, "9434765919")
    second, _ = _receive(desk, "9997000048")

    again, created = _receive(desk, " 9997000048 ")

    assert (again.pk, created) == (second.pk, False)
    assert Ticket.objects.count() == 2


def test_the_reference_a_ticket_is_matched_on_is_not_the_number_sent(desk: DeskTrust) -> None:
    ticket, _ = _receive(desk, "9434765919")

    stored = Ticket.objects.filter(pk=ticket.pk).values().get()
    assert "9434765919" not in str(stored)
    assert len(stored["external_reference_key"]) == 32
