"""A source go-live with a known set-up to copy: Wave 1 of the small test trust (Ward A and
Ward B) with a template set of two criteria applied, one gate with two named signatories
(and a sign-off, which is not copied), three milestones, one training requirement, one
command cell with a stand-down criterion and two duties (a user's and a staff member's),
a coverage target and a shift pattern on Ward A, and a ticket (not copied)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from champions.models import CoverageTarget, ShiftPattern
from golive.access import Access
from golive.models import GoLive, Role, RoleGroup, User
from readiness.assessment import services as assessment
from readiness.models import (
    CommandCell,
    CriterionTemplate,
    Domain,
    DutyAssignment,
    Gate,
    GateSignatory,
    Milestone,
    SignOff,
    SignOffRole,
    StandDownCriterion,
    Verdict,
)
from support.models import Ticket
from tests import factories as f
from tests.conftest import Trust
from training.models import Course, Requirement

SET = "Standard"


@dataclass
class Source:
    trust: Trust
    go_live: GoLive
    cso: User


def _template(trust: Trust, key: str, title: str, domain: str) -> CriterionTemplate:
    return CriterionTemplate.objects.create(
        programme=trust.programme,
        template_set=SET,
        key=key,
        title=title,
        domain=domain,
        owner_role=Role.WARD_MANAGER,
    )


@pytest.fixture
def source(trust: Trust) -> Source:
    pm, wave = trust.programme_manager, trust.wave_1
    day = wave.user_go_live_date
    cso = f.UserFactory(username="cso", first_name="Cas", last_name="Safety")
    f.grant(cso, Role.CLINICAL_SAFETY_OFFICER, trust.programme)
    _template(trust, "sso", "Single sign-on tested", Domain.TECHNOLOGY)
    _template(trust, "downtime", "Downtime procedures agreed", Domain.PROCESS)
    assessment.apply_template_set(access=Access(pm), go_live=wave, template_set=SET)
    wave.criteria.filter(area=trust.ward_a).update(rag="green", owner=trust.ward_manager)

    gate = Gate.objects.create(
        go_live=wave, name="T-7", days_before=7, required_roles=[SignOffRole.SRO, SignOffRole.CSO]
    )
    GateSignatory.objects.create(gate=gate, role=SignOffRole.SRO, user=pm)
    GateSignatory.objects.create(gate=gate, role=SignOffRole.CSO, user=cso)
    SignOff.objects.create(
        gate=gate, role=SignOffRole.CSO, verdict=Verdict.GO, signed_by=cso, signed_at=timezone.now()
    )

    for name, kind, days in (
        ("Cutover rehearsal", Milestone.Kind.OTHER, -30),
        ("User go-live", Milestone.Kind.USER_GO_LIVE, 0),
        ("End of stabilisation", Milestone.Kind.STABILISATION_END, 28),
    ):
        Milestone.objects.create(
            go_live=wave,
            name=name,
            kind=kind,
            due_on=day + dt.timedelta(days=days),
            completed_on=day if days < 0 else None,
        )

    course = Course.objects.create(
        programme=trust.programme, code="EPR101", name="EPR basics", delivery="e_learning"
    )
    Requirement.objects.create(
        go_live=wave,
        course=course,
        role_group=RoleGroup.NURSING,
        due_on=day - dt.timedelta(days=7),
    )

    cell = CommandCell.objects.create(
        go_live=wave, level=CommandCell.Level.SILVER, name="Silver command", lead=pm
    )
    StandDownCriterion.objects.create(
        cell=cell, kind=StandDownCriterion.Kind.NO_P1_OPEN, title="No P1 for 24 hours", hours=24,
        met=True,
    )  # fmt: skip
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(7, 0)))
    DutyAssignment.objects.create(
        cell=cell, user=pm, role="Incident lead", starts_at=start,
        ends_at=start + dt.timedelta(hours=12),
    )  # fmt: skip
    DutyAssignment.objects.create(
        cell=cell, staff=trust.staff_a, role="Loggist", starts_at=start,
        ends_at=start + dt.timedelta(hours=12),
    )  # fmt: skip

    CoverageTarget.objects.create(
        programme=trust.programme, go_live=wave, area=trust.ward_a, staff_per_supporter=8
    )
    ShiftPattern.objects.create(
        go_live=wave, area=trust.ward_a, kind=ShiftPattern.Kind.EARLY, name="Early",
        start_time=dt.time(7, 0), end_time=dt.time(15, 0), planned_staff=12,
    )  # fmt: skip
    Ticket.objects.create(
        go_live=wave, area=trust.ward_a, reporter_name="Nurse", description="Smartcard fails",
        logged_by=pm, created_at=timezone.now(),
    )  # fmt: skip
    return Source(trust, wave, cso)
