"""The demo's audit trail shows changes with reasons, made once however often it is seeded."""

from __future__ import annotations

from administration.audit.demo import COHORT_REASON, PROFILE_REASON, seed_audit_demo
from adoption.imports.profiles import reference_profile
from adoption.models import MappingProfile
from tests.administration.audit.conftest import seen_by
from tests.conftest import Trust


def test_seeding_twice_records_each_reasoned_change_once(trust: Trust) -> None:
    MappingProfile.objects.create(
        programme=trust.programme, name="Vendor", kind="events",
        spec=reference_profile("events").to_spec(),
    )  # fmt: skip

    seed_audit_demo(programme=trust.programme, user=trust.programme_manager)
    seed_audit_demo(programme=trust.programme, user=trust.programme_manager)

    reasons = [entry.reason for entry in seen_by(trust.programme_manager) if entry.reason]
    assert sorted(reasons) == sorted([COHORT_REASON, PROFILE_REASON])
