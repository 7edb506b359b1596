"""An LMS export in its own layout, read through a saved mapping profile, moves people to
trained."""

from __future__ import annotations

import datetime as dt
from typing import Any

from adoption.models import ImportBatch, MappingProfile
from golive.access import Access
from tests.training.conftest import TrainingTrust
from training import selectors

LMS_PROFILE = {
    "kind": "training",
    "columns": {
        "staff_number": "Employee Number",
        "course": "Module ID",
        "completed_on": "Completion Date",
    },
    "date_format": "%d/%m/%Y",
}


def test_a_messy_lms_export_read_through_a_profile_makes_people_trained(
    training: TrainingTrust, import_file: Any, today: dt.date
) -> None:
    t = training.trust
    MappingProfile.objects.create(
        programme=t.programme, name="Trust LMS", kind="training", spec=LMS_PROFILE,
        updated_by=t.programme_manager,
    )  # fmt: skip
    a = t.staff_a.staff_number
    export = (
        "Learner Name,Employee Number,Module ID,Score,Completion Date\n"
        f'"Ward-A, Alice",{a},epr101,92%,03/02/2026\n'
        f'"Ward-A, Alice",{a},EPR201,88%,10/02/2026\n'
    )

    batch = import_file(export, kind="training", profile="Trust LMS", file_name="lms.csv")

    assert batch.status == ImportBatch.Status.COMMITTED
    assert any("Learner Name" in notice for notice in batch.notices)
    scope = selectors.scope_for(Access(t.programme_manager), training.go_live)
    staff = selectors.staff_in_scope(scope)
    assert selectors.trained_series(staff, training.go_live) == [(dt.date(2026, 2, 10), 1)]
