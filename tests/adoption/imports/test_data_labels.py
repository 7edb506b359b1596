"""Figures from batches committed with rows rejected, or withdrawn, say so wherever they are
shown: dashboards, drill-downs, exports and board packs."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from adoption.analytics import rollups
from adoption.imports import pipeline, services, tasks, withdrawal
from adoption.imports.profiles import reference_profile
from adoption.imports.selectors import data_labels
from adoption.models import ImportBatch, MappingProfile
from golive.access import Access
from golive.navigation import SESSION_GO_LIVE_KEY
from tests.adoption.conftest import extract
from tests.conftest import Trust

pytestmark = pytest.mark.django_db
RANGE = "?start=2025-03-29&end=2025-03-31"
WARD_A = [f"A{n},2025-03-30 09:{n:02d}:00,login,,U{n},nursing,N/WA," for n in range(9)]
WARD_B = [f"B{n},2025-03-30 10:{n:02d}:00,login,,V{n},nursing,N/WB," for n in range(9)]
BAD = "BAD,2025-13-01 09:00:00,login,,U1,nursing,N/WA,"


def client_for(user: Any, trust: Trust) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_GO_LIVE_KEY] = trust.wave_1.pk
    session.save()
    return client


def committed_with_a_row_rejected(trust: Trust, import_file: Any, rows: list[str]) -> ImportBatch:
    """A batch whose one bad row a programme manager chose to leave out."""
    spec = {**reference_profile("events").to_spec(), "max_rejected_share": 0.2}
    if not MappingProfile.objects.filter(name="lenient").exists():
        services.save_mapping_profile(
            programme=trust.programme, user=trust.programme_manager, name="lenient",
            description="", spec=spec,
        )  # fmt: skip
    batch = import_file(extract(*rows, BAD), profile="lenient", file_name=f"{rows[0]}.csv")
    services.commit_valid_rows_only(batch=batch, user=trust.programme_manager)
    pipeline.run(batch.pk)
    batch.refresh_from_db()
    assert batch.committed_with_rejections, batch.message
    rollups.rollup_batch(batch.pk)
    return batch


def withdrawn(trust: Trust, import_events: Any) -> ImportBatch:
    batch = import_events(*WARD_A)
    rollups.rollup_batch(batch.pk)
    withdrawal.request_withdrawal(batch=batch, user=trust.programme_manager, reason="Wrong")
    tasks.withdraw_batch(batch.pk)
    batch.refresh_from_db()
    return batch


def test_the_dashboard_labels_a_batch_committed_with_rows_rejected_and_links_to_it(
    trust: Trust, import_file: Any
) -> None:
    batch = committed_with_a_row_rejected(trust, import_file, WARD_A)

    page = client_for(trust.programme_manager, trust).get("/adoption/dashboard/" + RANGE)

    text = page.content.decode()
    assert f"Batch {batch.pk} ({batch.file_name}) was committed with 1 rows rejected" in text
    assert f'href="/adoption/imports/{batch.pk}/"' in text


@pytest.mark.parametrize(
    "url",
    [
        "/adoption/dashboard/" + RANGE,
        "/adoption/programme/" + RANGE,
        "/adoption/board-pack/" + RANGE,
        "/adoption/programme/board-pack/" + RANGE,
        "/adoption/dashboard/export/areas.csv" + RANGE,
    ],
)
def test_a_withdrawn_batch_is_labelled_on_every_page_and_export(
    trust: Trust, import_events: Any, url: str
) -> None:
    batch = withdrawn(trust, import_events)

    response = client_for(trust.programme_manager, trust).get(url)

    assert response.status_code == 200
    assert f"Batch {batch.pk} ({batch.file_name}) was withdrawn on" in response.content.decode()


def test_the_area_drill_down_labels_a_withdrawn_batch(trust: Trust, import_events: Any) -> None:
    batch = withdrawn(trust, import_events)

    page = client_for(trust.programme_manager, trust).get(
        f"/adoption/dashboard/areas/{trust.ward_a.pk}/" + RANGE
    )

    assert f"Batch {batch.pk} ({batch.file_name}) was withdrawn on" in page.content.decode()


def test_the_csv_export_ends_with_the_labels_as_notes(trust: Trust, import_file: Any) -> None:
    batch = committed_with_a_row_rejected(trust, import_file, WARD_A)

    response = client_for(trust.programme_manager, trust).get(
        "/adoption/dashboard/export/series.csv" + RANGE
    )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[-2] == []
    assert rows[-1] == [
        f"Note: {data_labels(Access(trust.programme_manager), trust.programme)[0].text}"
    ]
    assert rows[-1][0].startswith(f"Note: Batch {batch.pk} (")


def test_the_xlsx_export_has_a_notes_sheet(trust: Trust, import_events: Any) -> None:
    batch = withdrawn(trust, import_events)

    response = client_for(trust.programme_manager, trust).get(
        "/adoption/dashboard/export/areas.xlsx" + RANGE
    )

    notes = load_workbook(io.BytesIO(response.content))["Notes"]
    assert notes["A1"].value == "Notes"
    assert str(notes["A2"].value).startswith(f"Batch {batch.pk} (")


def test_a_ward_manager_sees_labels_only_for_batches_in_their_areas_and_without_links(
    trust: Trust, import_file: Any
) -> None:
    theirs = committed_with_a_row_rejected(trust, import_file, WARD_A)
    elsewhere = committed_with_a_row_rejected(trust, import_file, WARD_B)

    page = client_for(trust.ward_manager, trust).get("/adoption/dashboard/" + RANGE)

    text = page.content.decode()
    assert f"Batch {theirs.pk} was committed" in text
    assert f"Batch {elsewhere.pk} " not in text
    assert f'href="/adoption/imports/{theirs.pk}/"' not in text
    assert theirs.file_name not in text  # a batch they may not open: no file name


def test_a_withdrawn_batchs_label_names_no_file_or_person_to_those_who_cannot_open_it(
    trust: Trust, import_events: Any
) -> None:
    batch = withdrawn(trust, import_events)

    text = client_for(trust.ward_manager, trust).get("/adoption/dashboard/" + RANGE)
    text = text.content.decode()

    assert f"Batch {batch.pk} was withdrawn on" in text
    assert "by a programme manager" in text
    assert batch.file_name not in text
    assert trust.programme_manager.display_name not in text


def test_labels_are_only_for_batches_whose_days_overlap_the_period(
    trust: Trust, import_file: Any
) -> None:
    committed_with_a_row_rejected(trust, import_file, WARD_A)
    access = Access(trust.programme_manager)

    before = data_labels(
        access, trust.programme, start=dt.date(2025, 1, 1), end=dt.date(2025, 2, 1)
    )
    during = data_labels(
        access, trust.programme, start=dt.date(2025, 3, 1), end=dt.date(2025, 4, 1)
    )

    assert (len(before), len(during)) == (0, 1)
