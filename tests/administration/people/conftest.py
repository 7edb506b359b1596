from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from golive.models import Area, GoLive, Programme, Role, Site, User
from tests.factories import (
    AreaFactory,
    GoLiveFactory,
    OrganisationFactory,
    ProgrammeFactory,
    SiteFactory,
    UserFactory,
    grant,
)

PASSWORD = "correct-horse-battery"


@dataclass
class Trust:
    programme: Programme
    go_live: GoLive
    north: Site
    south: Site
    ward_1: Area
    ward_2: Area
    ward_3: Area
    pm: User
    admin: User


@pytest.fixture
def trust(db: None) -> Trust:
    organisation = OrganisationFactory()
    programme = ProgrammeFactory(organisation=organisation)
    north = SiteFactory(organisation=organisation, name="North Hospital")
    south = SiteFactory(organisation=organisation, name="South Hospital")
    ward_1 = AreaFactory(site=north, name="Ward 1")
    ward_2 = AreaFactory(site=north, name="Ward 2")
    ward_3 = AreaFactory(site=south, name="Ward 3")
    go_live = GoLiveFactory(programme=programme, areas=[ward_1, ward_2, ward_3])
    pm = UserFactory(username="pm", first_name="Pat", last_name="Manager")
    grant(pm, Role.PROGRAMME_MANAGER, programme)
    admin = UserFactory(username="admin", first_name="Ada", last_name="Admin")
    grant(admin, Role.ADMINISTRATOR, programme)
    return Trust(programme, go_live, north, south, ward_1, ward_2, ward_3, pm, admin)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
