"""Readiness fixtures: a template set on the small test trust, applied to Wave 1 (Ward A and
Ward B), a readiness chair for the technology domain and a clinical safety officer; and
JSON writes to the readiness API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from golive.access import Access
from golive.models import Role, User
from readiness.assessment import services
from readiness.models import Criterion, CriterionTemplate, Domain, ReadinessGroup
from tests import factories as f
from tests.conftest import Trust

SET = "Standard"
API = "/api/v1/readiness"


def post_json(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def put_json(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.put(url, body, content_type="application/json")


def template(
    trust: Trust, key: str, domain: str, weight: int, computed: str = ""
) -> CriterionTemplate:
    return CriterionTemplate.objects.create(
        programme=trust.programme,
        template_set=SET,
        key=key,
        title=key.replace("-", " ").capitalize(),
        domain=domain,
        owner_role=Role.WARD_MANAGER,
        weight=weight,
        computed_key=computed,
        pass_rule="Tested and signed",
    )


@dataclass
class Readiness:
    trust: Trust
    chair: User
    cso: User
    sso: CriterionTemplate  # technology, weight 3
    downtime: CriterionTemplate  # process, weight 2
    safety: CriterionTemplate  # clinical safety, weight 5

    def criterion(self, area: object, tpl: CriterionTemplate) -> Criterion:
        return Criterion.objects.select_related("template", "area__site", "go_live__programme").get(
            go_live=self.trust.wave_1, area=area, template=tpl
        )


@pytest.fixture
def readiness(trust: Trust) -> Readiness:
    return build_readiness(trust)


def build_readiness(trust: Trust) -> Readiness:
    chair = f.UserFactory(username="chair", first_name="Cara", last_name="Chair")
    f.grant(chair, Role.READINESS_CHAIR, trust.programme)
    operational = f.UserFactory(username="ops")
    f.grant(operational, Role.READINESS_CHAIR, trust.programme)
    cso = f.UserFactory(username="cso")
    f.grant(cso, Role.CLINICAL_SAFETY_OFFICER, trust.programme)
    ReadinessGroup.objects.create(
        programme=trust.programme,
        name="Technology readiness",
        domains=[Domain.TECHNOLOGY],
        clinical_chair=chair,
        operational_chair=operational,
    )
    sso = template(trust, "sso-login-tested", Domain.TECHNOLOGY, 3)
    downtime = template(trust, "downtime-procedures", Domain.PROCESS, 2)
    safety = template(trust, "hazards-reviewed", Domain.CLINICAL_SAFETY, 5)
    services.apply_template_set(
        access=Access(trust.programme_manager), go_live=trust.wave_1, template_set=SET
    )
    return Readiness(trust, chair, cso, sso, downtime, safety)


def nobody() -> Access:
    return Access(AnonymousUser())
