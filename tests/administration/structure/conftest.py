from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from golive.models import Area, Programme, Role, Site, User
from tests.factories import AreaFactory, ProgrammeFactory, SiteFactory, UserFactory, grant


@dataclass
class Trust:
    programme: Programme
    site: Site
    area: Area
    pm: User
    ward_manager: User
    executive: User


def make_trust() -> Trust:
    programme = ProgrammeFactory()
    site = SiteFactory(organisation=programme.organisation, code="NGH", name="General Hospital")
    area = AreaFactory(site=site, code="W1", name="Ward 1")
    pm, ward, executive = UserFactory(), UserFactory(), UserFactory()
    grant(pm, Role.PROGRAMME_MANAGER, programme)
    grant(ward, Role.WARD_MANAGER, programme, [area])
    grant(executive, Role.EXECUTIVE, programme)
    return Trust(programme, site, area, pm, ward, executive)


@pytest.fixture
def trust(db: None) -> Trust:
    return make_trust()


@pytest.fixture
def other_trust(db: None) -> Trust:
    return make_trust()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
