"""Service desk fixtures: the shared small trust plus a desk agent, and a ticket maker."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from golive.models import Role
from tests import factories as f
from tests.conftest import Trust


class DeskTrust(Trust):
    def __init__(self) -> None:
        from support.reference_data import ensure_reference_data  # noqa: PLC0415

        # A transactional test elsewhere in the suite may have emptied the seeded tables.
        ensure_reference_data()
        super().__init__()
        self.agent = f.UserFactory(username="agent", first_name="Dana", last_name="Desk")
        f.grant(self.agent, Role.SERVICE_DESK_AGENT, self.programme)
        self.agent_2 = f.UserFactory(username="agent2", first_name="Eli", last_name="Desk")
        f.grant(self.agent_2, Role.SERVICE_DESK_AGENT, self.programme)
        self.safety_officer = f.UserFactory(username="cso")
        f.grant(self.safety_officer, Role.CLINICAL_SAFETY_OFFICER, self.programme)


@pytest.fixture
def desk(db: None) -> DeskTrust:
    return DeskTrust()


@pytest.fixture
def make_ticket(desk: DeskTrust) -> Any:
    """A ticket on wave 1 (ward A unless told), logged by the agent through the service."""
    from support import services  # noqa: PLC0415

    def make(
        description: str = "Cannot log in to the EPR",
        *,
        area: Any = None,
        at: dt.datetime | None = None,
        user: Any = None,
    ) -> Any:
        return services.log_ticket(
            user=user or desk.agent,
            go_live=desk.wave_1,
            area=area or desk.ward_a,
            reporter_name="Sam Patel",
            reporter_contact="ext 4321",
            description=description,
            now=at or timezone.now(),
        )

    return make


@pytest.fixture
def use_wave_1(client: Any, desk: DeskTrust) -> Any:
    """Sign a user in with wave 1 as their chosen go-live."""
    from golive.navigation import SESSION_GO_LIVE_KEY  # noqa: PLC0415

    def sign_in(user: Any) -> Any:
        client.force_login(user)
        session = client.session
        session[SESSION_GO_LIVE_KEY] = desk.wave_1.pk
        session.save()
        return client

    return sign_in
