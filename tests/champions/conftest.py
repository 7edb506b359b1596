"""Fixtures for champions: a super-user course, designations and shifts on the test trust."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from champions.models import Designation, Shift, ShiftPattern
from champions.shifts import shift_span
from golive.models import Area, GoLive, StaffMember
from tests import factories as f
from tests.conftest import Trust
from training.models import Completion, Course

Kind = Designation.Kind


class Champions:
    """Helpers over the test trust: make designations, train super users, make shifts."""

    def __init__(self, trust: Trust) -> None:
        self.trust = trust
        self.course = Course.objects.create(
            programme=trust.programme,
            code="SU1",
            name="Super-user training",
            delivery=Course.Delivery.SUPER_USER,
        )
        self.go_live_day = trust.wave_1.user_go_live_date

    def staff(self, name: str, area: Area) -> StaffMember:
        return f.StaffMemberFactory(
            organisation=self.trust.organisation, full_name=name, areas=[area]
        )

    def train(self, staff: StaffMember) -> None:
        Completion.objects.create(
            staff=staff, course=self.course, completed_on=timezone.localdate()
        )

    def designate(
        self,
        staff: StaffMember,
        area: Area,
        *,
        kind: str = Kind.DIGITAL_CHAMPION,
        status: str = Designation.Status.AGREED,
        go_live: GoLive | None = None,
        trained: bool = False,
    ) -> Designation:
        if trained:
            self.train(staff)
        now = timezone.now()
        return Designation.objects.create(
            programme=self.trust.programme,
            go_live=go_live if go_live is not None else self.trust.wave_1,
            area=area,
            staff=staff,
            kind=kind,
            status=status,
            systems_confidence=4,
            leadership=4,
            nominated_by=self.trust.ward_manager,
            nominated_at=now,
            agreed_at=now if status == Designation.Status.AGREED else None,
        )

    def shift(
        self,
        area: Area,
        *,
        name: str = "Early",
        day: dt.date | None = None,
        start: dt.time = dt.time(7, 0),
        end: dt.time = dt.time(15, 0),
        planned_staff: int = 10,
        go_live: GoLive | None = None,
    ) -> Shift:
        day = day or self.go_live_day
        starts_at, ends_at = shift_span(day, start, end)
        return Shift.objects.create(
            go_live=go_live or self.trust.wave_1,
            area=area,
            name=name,
            day=day,
            starts_at=starts_at,
            ends_at=ends_at,
            planned_staff=planned_staff,
        )

    def pattern(self, area: Area, **kwargs: Any) -> ShiftPattern:
        values = {
            "go_live": self.trust.wave_1,
            "area": area,
            "kind": ShiftPattern.Kind.EARLY,
            "name": "Early",
            "start_time": dt.time(7, 0),
            "end_time": dt.time(15, 0),
            "planned_staff": 10,
        }
        values.update(kwargs)
        return ShiftPattern.objects.create(**values)


@pytest.fixture
def champions(trust: Trust) -> Champions:
    return Champions(trust)
