"""Helpers for the analytics tests: a small hand-built extract, imported for real."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import EVENTS_HEADER


def extract(*rows: str) -> str:
    return "\n".join([EVENTS_HEADER, *rows]) + "\n"


@pytest.fixture
def import_events(import_file: Any) -> Any:
    """Import event rows (reference format) as the programme manager; returns the batch."""

    def run(*rows: str) -> Any:
        batch = import_file(extract(*rows))
        assert batch.status == "committed", batch.message
        return batch

    return run


# A hand-built extract with known answers (see test_metrics.py). Times are local.
KNOWN_ROWS = [
    "K01,2025-03-29 23:30:00,login,,U1,nursing,N/WA,",
    "K02,2025-03-30 00:30:00,login,,U1,nursing,N/WA,",
    "K03,2025-03-30 09:00:00,login_failed,,U2,medical,N/WA,",
    "K04,2025-03-30 09:05:00,login,,U2,medical,N/WA,",
    "K05,2025-03-30 10:00:00,documentation,,U2,medical,N/WA,9990000026",
    "K06,2025-03-30 11:00:00,documentation,,U2,medical,N/WA,9990000026",
    "K07,2025-03-30 23:30:00,order_placed,pathology,U1,nursing,N/WA,9990000026",
    # 00:30 BST on the 31st is 23:30 UTC on the 30th: it belongs to the 31st.
    "K08,2025-03-31 00:30:00,order_placed,pathology,U2,medical,N/WA,9990000026",
    "K09,2025-03-30 12:00:00,order_placed,radiology,U9,nursing,N/WB,9990000026",
    "K10,2025-03-30 14:00:00,documentation,,U1,nursing,N/WB,9990000026",
]


@pytest.fixture
def known(trust: Any, import_events: Any) -> Any:
    """The trust with three Ward A staff (two with EPR ids) and the known extract rolled up."""
    import datetime as dt  # noqa: PLC0415

    from adoption.analytics import metrics, rollups  # noqa: PLC0415
    from tests import factories as f  # noqa: PLC0415
    from training.models import Completion, Course  # noqa: PLC0415

    org = trust.organisation
    trust.u1 = f.StaffMemberFactory(organisation=org, epr_user_id="U1", areas=[trust.ward_a])
    trust.u2 = f.StaffMemberFactory(
        organisation=org,
        epr_user_id="U2",
        role_group="medical",
        start_date=dt.date(2025, 3, 30),
        areas=[trust.ward_a],
    )
    trust.idle = f.StaffMemberFactory(organisation=org, areas=[trust.ward_a])
    course = Course.objects.create(
        programme=trust.programme, code="EPR1", name="EPR basics", delivery="e_learning"
    )
    Completion.objects.create(staff=trust.u2, course=course, completed_on=dt.date(2025, 3, 30))
    Completion.objects.create(staff=trust.u1, course=course, completed_on=dt.date(2025, 3, 31))
    rollups.rollup_batch(import_events(*KNOWN_ROWS).pk)
    trust.metrics = {m.name: m for m in metrics.ensure_builtin_metrics(trust.programme)}
    return trust
