"""Hazard log pages: adding and editing hazards, their risks, sign-off and linked tickets."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from golive.access import Access
from golive.models import Role
from golive.navigation import SESSION_GO_LIVE_KEY
from readiness.hazards import services
from tests import factories as f
from tests.conftest import Trust
from tests.readiness.conftest import Readiness

HAZARD = {
    "title": "Wrong patient selected after login",
    "cause": "Shared workstation left logged in",
    "effect": "Medication recorded against the wrong patient",
    "initial_severity": "4",
    "initial_likelihood": "4",
    "controls": "Tap-and-go SSO; auto-lock after 2 minutes",
    "residual_severity": "4",
    "residual_likelihood": "2",
    "status": "open",
}


def test_a_clinical_safety_officer_adds_a_hazard_and_the_log_shows_its_risks(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.cso)

    response = client.post(
        "/readiness/hazards/new/",
        {**HAZARD, "owner": readiness.cso.pk, "criteria": [readiness.sso.pk]},
    )

    assert response.status_code == 302
    page = client.get("/readiness/hazards/")
    hazard, initial, residual = page.context["rows"][0]
    assert (hazard.reference, initial, residual) == ("HAZ-001", 4, 3)
    assert list(hazard.criteria.all()) == [readiness.sso]


def test_a_hazard_with_scores_off_the_scale_shows_field_errors(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.cso)

    response = client.post(
        "/readiness/hazards/new/", {**HAZARD, "initial_severity": "9", "owner": readiness.cso.pk}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["initial_severity"]


def test_a_programme_manager_cannot_edit_the_hazard_log(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)
    assert (
        client.post("/readiness/hazards/new/", {**HAZARD, "owner": readiness.cso.pk}).status_code
        == 403
    )


def test_editing_a_signed_off_hazard_clears_the_sign_off(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.cso)
    client.post("/readiness/hazards/new/", {**HAZARD, "owner": readiness.cso.pk})
    from readiness.models import Hazard  # noqa: PLC0415

    hazard = Hazard.objects.get()
    client.post(f"/readiness/hazards/{hazard.pk}/sign-off/", {"version": hazard.version})
    hazard.refresh_from_db()
    assert hazard.cso_signed_off_by == readiness.cso
    client.post(
        f"/readiness/hazards/{hazard.pk}/",
        {**HAZARD, "residual_likelihood": "1", "owner": readiness.cso.pk},
    )
    hazard.refresh_from_db()
    assert hazard.cso_signed_off_by is None
    assert hazard.residual_likelihood == 1


def test_a_safety_flagged_ticket_is_linked_to_a_hazard(
    client: Client, readiness: Readiness
) -> None:
    from readiness.models import Hazard  # noqa: PLC0415
    from support.models import Ticket  # noqa: PLC0415

    trust = readiness.trust
    client.force_login(readiness.cso)
    client.post("/readiness/hazards/new/", {**HAZARD, "owner": readiness.cso.pk})
    hazard = Hazard.objects.get()
    flagged = Ticket.objects.create(
        go_live=trust.wave_1,
        area=trust.ward_a,
        reporter_name="Sam",
        reporter_contact="ext 1",
        description="Obs charted on wrong patient",
        is_clinical_safety=True,
        logged_by=trust.programme_manager,
        created_at=timezone.now(),
    )
    unflagged = Ticket.objects.create(
        go_live=trust.wave_1,
        area=trust.ward_a,
        reporter_name="Sam",
        reporter_contact="ext 1",
        description="Printer jam",
        logged_by=trust.programme_manager,
        created_at=timezone.now(),
    )

    assert list(client.get(f"/readiness/hazards/{hazard.pk}/tickets/").context["tickets"]) == [
        flagged
    ]
    client.post(f"/readiness/hazards/{hazard.pk}/tickets/", {"ticket": unflagged.pk})
    client.post(f"/readiness/hazards/{hazard.pk}/tickets/", {"ticket": flagged.pk})
    assert list(hazard.ticket_links.values_list("ticket_id", flat=True)) == [flagged.pk]


def test_a_hazard_ticket_link_that_is_not_a_number_is_a_message_not_an_error(
    trust: Trust,
) -> None:
    cso = f.UserFactory(username="cso-1")
    f.grant(cso, Role.CLINICAL_SAFETY_OFFICER, trust.programme)
    hazard = services.save_hazard(
        access=Access(cso), programme=trust.programme, hazard=None,
        fields={"title": "t", "cause": "c", "effect": "e", "initial_severity": 3,
                "initial_likelihood": 3, "residual_severity": 2, "residual_likelihood": 2,
                "controls": "x", "owner": cso},
        criteria=[],
    )  # fmt: skip
    client = Client()
    client.force_login(cso)
    session = client.session
    session[SESSION_GO_LIVE_KEY] = trust.wave_1.pk
    session.save()

    response = client.post(f"/readiness/hazards/{hazard.pk}/tickets/", {"ticket": "abc"})

    assert response.status_code == 302
    assert not hazard.ticket_links.exists()
