"""What the desk shows and changes stays within the user's areas; free text never keeps an
NHS number."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from golive.identifiers import REMOVED
from golive.models import Role
from support import services
from support.models import Escalation, KnownIssue, Ticket
from tests import factories as f

NHS = "943 476 5919"


def _escalate_ward_b_ticket(desk: Any, make_ticket: Any) -> Ticket:
    ticket = make_ticket("Ward B secret: cannot give meds to bed 4", area=desk.ward_b)
    services.escalate(
        user=desk.agent, go_live=desk.wave_1, summary=ticket.description, ticket=ticket,
        area=ticket.area,
    )  # fmt: skip
    return ticket


@pytest.mark.parametrize("who", ["ward_manager", "champion"])
def test_the_live_board_shows_no_escalation_about_another_wards_ticket(
    desk: Any, use_wave_1: Any, make_ticket: Any, who: str
) -> None:
    _escalate_ward_b_ticket(desk, make_ticket)

    page = use_wave_1(getattr(desk, who)).get("/support/board/").content.decode()

    assert "Ward B secret" not in page


def test_the_whole_programme_desk_still_sees_every_escalation(
    desk: Any, use_wave_1: Any, make_ticket: Any
) -> None:
    _escalate_ward_b_ticket(desk, make_ticket)

    page = use_wave_1(desk.agent).get("/support/board/").content.decode()

    assert "Ward B secret" in page


def test_an_agent_for_one_ward_cannot_fix_a_known_issue_spanning_other_wards(
    desk: Any, use_wave_1: Any, make_ticket: Any
) -> None:
    ward_b_ticket = make_ticket("Ward B printer", area=desk.ward_b)
    issue = services.create_known_issue(
        user=desk.agent, go_live=desk.wave_1, title="Printers", description="d",
        workaround="w", category=None, is_published=True,
    )  # fmt: skip
    services.link_to_known_issue(ticket=ward_b_ticket, user=desk.agent, known_issue=issue)
    ward_a_agent = f.UserFactory(username="agent-a")
    f.grant(ward_a_agent, Role.SERVICE_DESK_AGENT, desk.programme, [desk.ward_a])

    response = use_wave_1(ward_a_agent).post(f"/support/known-issues/{issue.pk}/fix/")

    assert response.status_code == 403
    ward_b_ticket.refresh_from_db()
    assert ward_b_ticket.status != Ticket.Status.RESOLVED
    with pytest.raises(PermissionDenied):
        services.create_known_issue(
            user=ward_a_agent, go_live=desk.wave_1, title="X", description="", workaround="",
            category=None, is_published=False,
        )  # fmt: skip


def test_escalation_summaries_and_known_issue_titles_never_keep_an_nhs_number(
    desk: Any, use_wave_1: Any
) -> None:
    use_wave_1(desk.agent).post("/support/board/escalate/", {"summary": f"Patient {NHS} no meds"})
    issue = services.create_known_issue(
        user=desk.agent, go_live=desk.wave_1, title=f"Allergy banner wrong for {NHS}",
        description="", workaround="", category=None, is_published=False,
    )  # fmt: skip

    assert Escalation.objects.get().summary == f"Patient {REMOVED} no meds"
    assert KnownIssue.objects.get(pk=issue.pk).title == f"Allergy banner wrong for {REMOVED}"
