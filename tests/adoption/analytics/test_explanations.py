"""A headline that reads zero because of the mapping or the staff list says so in one
sentence; one that reads zero because nothing happened does not."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from adoption.analytics import explanations, metrics, rollups
from adoption.analytics.metrics import Scope
from adoption.models import Metric
from tests import factories as f
from tests.adoption.analytics.test_pages import client_for
from tests.conftest import Trust

pytestmark = pytest.mark.django_db
D = dt.date
START, END = D(2025, 6, 1), D(2025, 6, 3)

# The vendor's notes arrive as note_signed: nothing maps to documentation.
NOTES_ONLY = [
    "N1,2025-06-01 09:00:00,login,,U1,nursing,N/WA,",
    "N2,2025-06-01 09:30:00,note_signed,,U1,nursing,N/WA,9990000026",
    "N3,2025-06-02 10:00:00,note_signed,,U2,medical,N/WB,9990000026",
    "N4,2025-06-03 10:00:00,note_signed,,U2,medical,N/WA,9990000026",
]


@pytest.fixture
def notes(trust: Trust, import_events: Any) -> Trust:
    rollups.rollup_batch(import_events(*NOTES_ONLY).pk)
    trust.metrics = {m.name: m for m in metrics.ensure_builtin_metrics(trust.programme)}
    return trust


def explain(trust: Trust, name: str, *areas: Any) -> str | None:
    metric = trust.metrics[name]
    scope = Scope(tuple(a.pk for a in areas) or (trust.ward_a.pk,), START, END)
    return explanations.explain_empty(metric, scope, metrics.series(metric, scope))


def test_a_metric_whose_event_types_never_arrive_names_the_types_that_do(notes: Trust) -> None:
    sentence = explain(notes, "Documentation events per active user")

    assert sentence is not None
    assert "Documentation recorded" in sentence
    assert "Note signed" in sentence
    assert "mapping profile" in sentence


def test_a_ward_that_did_none_of_what_others_did_gets_no_sentence(
    notes: Trust, import_events: Any
) -> None:
    # Documentation arrives on Ward B only: Ward A's zero is real use, not the mapping.
    rollups.rollup_batch(
        import_events("N9,2025-06-02 11:00:00,documentation,,U2,medical,N/WB,9990000026").pk
    )

    assert explain(notes, "Documentation events per active user", notes.ward_a) is None


def test_a_figure_that_does_not_read_zero_gets_no_sentence(notes: Trust) -> None:
    assert explain(notes, "Active users per day") is None


def test_no_data_at_all_is_not_blamed_on_the_mapping(trust: Trust) -> None:
    trust.metrics = {m.name: m for m in metrics.ensure_builtin_metrics(trust.programme)}

    assert explain(trust, "Pathology orders per day") is None


def test_a_staff_share_with_no_epr_user_ids_on_the_list_says_so(notes: Trust) -> None:
    # Ward A's list: Alice, without an EPR user id.
    sentence = explain(notes, "Share of in-scope staff active")

    assert sentence is not None
    assert "none of the 1 staff" in sentence
    assert "EPR user id" in sentence


def test_a_staff_share_whose_ids_match_no_activity_says_so(notes: Trust) -> None:
    notes.staff_a.epr_user_id = "X-NOT-IN-THE-EXTRACT"
    notes.staff_a.save()

    sentence = explain(notes, "Share of in-scope staff active")

    assert sentence is not None
    assert "matches the EPR user id" in sentence


def test_a_staff_share_at_zero_with_working_links_gets_no_sentence(notes: Trust) -> None:
    # U1 (on Ward C's list) links to their activity on Ward A; Ward A's own list has an id
    # that did nothing. The share is a real 0: its staff did not use the EPR there.
    f.StaffMemberFactory(organisation=notes.organisation, epr_user_id="U1", areas=[notes.ward_c])
    f.StaffMemberFactory(organisation=notes.organisation, epr_user_id="U8", areas=[notes.ward_a])
    rollups.relink_staff(notes.organisation.pk)
    metric = notes.metrics["Share of in-scope staff active"]
    scope = Scope((notes.ward_a.pk,), START, END)

    assert explanations.reads_nothing(metrics.series(metric, scope))
    assert explain(notes, "Share of in-scope staff active") is None


def test_an_area_without_a_staff_list_says_so(notes: Trust) -> None:
    notes.staff_a.areas.clear()

    sentence = explain(notes, "Share of in-scope staff active")

    assert sentence == (
        "Empty because no staff list covers these areas: import one to see this share."
    )


def test_a_trained_share_with_linked_staff_but_no_completions_says_so(notes: Trust) -> None:
    f.StaffMemberFactory(organisation=notes.organisation, epr_user_id="U1", areas=[notes.ward_a])
    rollups.relink_staff(notes.organisation.pk)

    sentence = explain(notes, "Share of trained staff active")

    assert sentence is not None
    assert "no training completion" in sentence


def test_a_ratio_reading_zero_is_explained_by_its_parts(notes: Trust) -> None:
    ratio = Metric.objects.create(
        programme=notes.programme,
        name="Documentation per log-in",
        aggregate=Metric.Aggregate.RATIO,
        numerator=notes.metrics["Documentation events per active user"],
        denominator=notes.metrics["Log-in attempts per day"],
        unit=Metric.Unit.RATIO,
    )
    notes.metrics[ratio.name] = ratio

    sentence = explain(notes, "Documentation per log-in")

    assert sentence is not None
    assert "Documentation recorded" in sentence


def test_the_dashboard_shows_the_sentence_beside_the_chart(notes: Trust) -> None:
    notes.wave_1.user_go_live_date = START
    notes.wave_1.save()
    client = client_for(notes.executive, notes.wave_1)

    page = client.get("/adoption/dashboard/?start=2025-06-01&end=2025-06-03").content.decode()

    metric = notes.metrics["Documentation events per active user"]
    assert f'data-zero-explanation="{metric.pk}"' in page
    assert "Reads 0 because no imported event" in page
    active = notes.metrics["Active users per day"]
    assert f'data-zero-explanation="{active.pk}"' not in page


def test_the_area_page_shows_the_sentence_beside_the_chart(notes: Trust) -> None:
    notes.wave_1.user_go_live_date = START
    notes.wave_1.save()
    client = client_for(notes.executive, notes.wave_1)

    page = client.get(
        f"/adoption/dashboard/areas/{notes.ward_a.pk}/?start=2025-06-01&end=2025-06-03"
    ).content.decode()

    assert "Reads 0 because no imported event" in page
    assert "Empty because none of the 1 staff" in page
