"""Golden tests for the contract's "Conflicting duplicate" class and "Supersede": the same
natural key with different content is never merged silently, and a correction replaces the
committed rows, says so, and leaves every figure as a recompute from scratch would."""

from __future__ import annotations

import io
from typing import Any

import pytest

from adoption.analytics import rollups
from adoption.imports import pipeline, services
from adoption.imports.profiles import ProfileError, parse_spec
from adoption.models import DailyAreaUsers, DailyRollup, DailyUserActivity, Event, ImportBatch
from tests.adoption.imports.test_contract import events, report, row
from tests.conftest import Trust

CORRECT = (
    "To replace the committed rows, upload the file as a correction (a programme manager's choice)."
)


def upload(
    trust: Trust, content: str, *, correction: bool = False, profile: str = "golive-events"
) -> ImportBatch:
    """Upload and run a batch; a correction is marked as a programme manager would."""
    batch = services.create_import_batch(
        user=trust.programme_manager,
        programme=trust.programme,
        kind="events",
        profile_name=profile,
        upload=io.BytesIO(content.encode()),
        file_name="extract.csv",
    )
    ImportBatch.objects.filter(pk=batch.pk).update(correction=correction)
    pipeline.run(batch.pk)
    batch.refresh_from_db()
    return batch


@pytest.fixture
def folders(settings: Any, tmp_path: Any) -> None:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"


def test_lines_sharing_an_event_id_with_different_content_are_conflicting_duplicates(
    trust: Trust, import_file: Any
) -> None:
    batch = import_file(
        events(
            row("E1"),
            row("E2"),
            row("E1", event_type="result_viewed", area="N/WB"),
            row("E1"),
            row("E3", user="EPR1"),
            row("E3", user="EPR22"),
        )
    )

    # Every line of a key whose lines disagree is rejected, the first and an identical
    # repeat of it too (which one is right cannot be known), each against the first line of
    # its key that differs from it.
    assert (batch.rows_read, batch.rows_duplicate, batch.rows_rejected) == (6, 0, 5)
    assert report(batch) == [
        (2, "event_type", "CONFLICTING_DUPLICATE",
         "Line 2 has the same event id as line 4 but with a different event type "
         "(order_placed / result_viewed) and area (N/WA / N/WB); line 2 was not imported: "
         "fix the file.", "order_placed", ""),
        (4, "event_type", "CONFLICTING_DUPLICATE",
         "Line 4 has the same event id as line 2 but with a different event type "
         "(result_viewed / order_placed) and area (N/WB / N/WA); line 4 was not imported: "
         "fix the file.", "result_viewed", ""),
        (5, "event_type", "CONFLICTING_DUPLICATE",
         "Line 5 has the same event id as line 4 but with a different event type "
         "(order_placed / result_viewed) and area (N/WA / N/WB); line 5 was not imported: "
         "fix the file.", "order_placed", ""),
        (6, "user_id", "CONFLICTING_DUPLICATE",
         "Line 6 has the same event id as line 7 but with a different EPR user id "
         "(**** / ***22); line 6 was not imported: fix the file.", "****", ""),
        (7, "user_id", "CONFLICTING_DUPLICATE",
         "Line 7 has the same event id as line 6 but with a different EPR user id "
         "(***22 / ****); line 7 was not imported: fix the file.", "***22", ""),
    ]  # fmt: skip
    assert not Event.objects.filter(epr_user_id="EPR22").exists()
    assert not Event.objects.filter(event_type="result_viewed").exists()


def test_valid_rows_only_leaves_out_every_line_of_a_key_whose_lines_disagree(
    trust: Trust, folders: None
) -> None:
    nursing = row("K0")
    medical = row("K0").replace(",nursing,", ",medical,")
    others = [row(f"E{n}") for n in range(3, 402)]
    rejected = upload(trust, events(nursing, *others, medical))
    services.commit_valid_rows_only(batch=rejected, user=trust.programme_manager)

    pipeline.run(rejected.pk)

    batch = ImportBatch.objects.get(pk=rejected.pk)
    assert batch.status == ImportBatch.Status.COMMITTED
    assert (batch.rows_inserted, batch.rows_rejected) == (399, 2)
    assert Event.objects.count() == 399  # neither K0 line: which one is right is unknown
    assert [(line, code) for line, _, code, *_ in report(batch)] == [
        (2, "CONFLICTING_DUPLICATE"),
        (402, "CONFLICTING_DUPLICATE"),
    ]
    assert "Line 2 has the same event id as line 402" in report(batch)[0][3]


def test_identical_lines_stay_plain_duplicates_counted_once(trust: Trust, import_file: Any) -> None:
    batch = import_file(events(row("E1"), row("E1"), row("E1")))

    assert (batch.rows_inserted, batch.rows_duplicate, batch.rows_rejected) == (1, 2, 0)
    assert [code for _, _, code, *_ in report(batch)] == ["DUPLICATE_IN_FILE"]


def test_a_row_differing_from_another_batchs_committed_row_is_a_conflict_naming_the_batch(
    trust: Trust, folders: None
) -> None:
    first = upload(trust, events(row("E1"), row("E2")))

    second = upload(trust, events(row("E1", event_type="result_viewed"), row("E2"), row("E3")))

    # Nothing of a batch with conflicts is kept unless a programme manager chose partial mode.
    assert second.status == ImportBatch.Status.REJECTED
    assert (second.rows_inserted, second.rows_rejected) == (0, 1)
    assert report(second) == [
        (2, "event_type", "CONFLICTING_DUPLICATE",
         f"Line 2 has the same event id as an event batch {first.pk} committed, but with a "
         f"different event type (result_viewed / order_placed); it was not imported. {CORRECT}",
         "result_viewed", ""),
    ]  # fmt: skip
    assert Event.objects.filter(batch=first).count() == 2
    assert not Event.objects.filter(event_type="result_viewed").exists()


def test_identifying_values_of_a_conflict_are_masked(trust: Trust, folders: None) -> None:
    upload(trust, events(row("E1")))

    second = upload(trust, events(row("E1", patient="9434765870", user="EPR1234")))

    ((line, column, code, message, value, _),) = report(second)
    assert (line, column, code) == (2, "user_id", "CONFLICTING_DUPLICATE")
    assert "EPR1234" not in message
    assert value == "*****34"
    assert "different EPR user id (*****34 / ****) and patient (" in message
    pseudonyms = set(Event.objects.values_list("patient_pseudonym", flat=True))
    assert pseudonyms
    assert not any(pseudonym in message for pseudonym in pseudonyms)


def figures() -> tuple[list[Any], ...]:
    return (
        sorted(DailyRollup.objects.values_list(
            "local_date", "area_id", "event_type", "order_type", "role_group", "events", "users"
        )),
        sorted(DailyUserActivity.objects.values_list(
            "local_date", "area_id", "epr_user_id", "staff_id", "role_group", "events",
            "in_several_areas", "event_mask", "order_mask",
        )),
        sorted(DailyAreaUsers.objects.values_list("local_date", "area_id", "role_group", "users")),
    )  # fmt: skip


def test_a_correction_replaces_differing_rows_and_figures_match_a_recompute_from_scratch(
    trust: Trust, folders: None
) -> None:
    first = upload(
        trust,
        events(
            row("E1"),
            row("E2"),
            row("E3", when="2026-10-02 09:00:00", user="EPR2"),
            row("E4", when="2026-10-02 10:00:00"),
        ),
    )
    rollups.rollup_batch(first.pk)
    medical = row("E1").replace(",nursing,", ",medical,")
    moved = row("E3", when="2026-10-03 09:00:00", area="N/WB", user="EPR2")

    second = upload(trust, events(medical, row("E2"), moved, row("E5")), correction=True)
    rollups.rollup_batch(second.pk)

    first.refresh_from_db()
    assert second.status == ImportBatch.Status.COMMITTED
    assert (second.rows_inserted, second.rows_updated, second.rows_unchanged) == (1, 2, 1)
    assert first.rows_superseded == 2
    assert second.notices[-1] == (
        f"Updated 2 rows first imported by batch {first.pk} (profile golive-events); this "
        "batch used profile golive-events."
    )
    assert dict(Event.objects.values_list("batch_id", "role_group").filter(
        event_type="order_placed", role_group="medical"
    )) == {second.pk: "medical"}  # fmt: skip
    assert Event.objects.filter(batch=first).count() == 2
    assert Event.objects.get(area=trust.ward_b).local_date.isoformat() == "2026-10-03"
    assert "2026-10-02" in second.local_dates  # the replaced row's old day, recomputed
    after_correction = figures()
    rollups.rebuild_all()
    assert figures() == after_correction
    assert any(group == "medical" for *_, group, _, _ in after_correction[0])


def test_identical_rows_of_a_correction_are_unchanged(trust: Trust, folders: None) -> None:
    first = upload(trust, events(row("E1"), row("E2")))

    second = upload(trust, events(row("E2"), row("E1")), correction=True)

    first.refresh_from_db()
    assert (second.rows_inserted, second.rows_updated, second.rows_unchanged) == (0, 0, 2)
    assert first.rows_superseded == 0
    assert set(Event.objects.values_list("batch_id", flat=True)) == {first.pk}


def test_lines_conflicting_inside_a_correction_stay_conflicts(trust: Trust, folders: None) -> None:
    first = upload(trust, events(row("E1")))

    second = upload(trust, events(row("E1", user="EPR2"), row("E1", user="EPR3")), correction=True)

    # Which of the two lines is right cannot be known, so the correction is rejected whole
    # (and, rolled back, supersedes nothing).
    assert second.status == ImportBatch.Status.REJECTED
    assert (second.rows_updated, second.rows_rejected) == (0, 2)
    assert [(line, code) for line, _, code, *_ in report(second)] == [
        (2, "CONFLICTING_DUPLICATE"),
        (3, "CONFLICTING_DUPLICATE"),
    ]
    assert Event.objects.get().epr_user_id not in {"EPR2", "EPR3"}
    first.refresh_from_db()
    assert first.rows_superseded == 0


COMPOSITE_SPEC = {
    "kind": "events",
    "columns": {"occurred_at": "occurred_at", "event_type": "event_type", "user_id": "user_id",
                "area": "area"},
    "composite_columns": {"event_id": ["source_table", "row_id"]},
}  # fmt: skip


def test_a_composite_id_keeps_apart_rows_whose_ids_collide_across_source_tables(
    trust: Trust, folders: None
) -> None:
    services.save_mapping_profile(
        programme=trust.programme, user=trust.programme_manager, name="two-tables",
        description="", spec=COMPOSITE_SPEC,
    )  # fmt: skip
    content = (
        "source_table,row_id,occurred_at,event_type,user_id,area\n"
        "CHART,7,2026-10-01 09:00:00,documentation,EPR1,N/WA\n"
        "OUTPUT,7,2026-10-01 09:05:00,documentation,EPR2,N/WA\n"
        "OUTPUT,7,2026-10-01 09:05:00,documentation,EPR2,N/WA\n"
    )

    batch = upload(trust, content, profile="two-tables")

    assert (batch.rows_inserted, batch.rows_duplicate, batch.rows_rejected) == (2, 1, 0)
    assert sorted(Event.objects.values_list("epr_user_id", flat=True)) == ["EPR1", "EPR2"]


def test_a_composite_id_needs_every_one_of_its_columns(trust: Trust, folders: None) -> None:
    services.save_mapping_profile(
        programme=trust.programme, user=trust.programme_manager, name="two-tables",
        description="", spec=COMPOSITE_SPEC,
    )  # fmt: skip
    content = "row_id,occurred_at,event_type,user_id,area\n7,2026-10-01 09:00:00,login,EPR1,N/WA\n"

    with pytest.raises(Exception, match="Required columns are missing: source_table") as error:
        upload(trust, content, profile="two-tables")

    assert getattr(error.value, "code", "") == "HEADER_MISMATCH"


@pytest.mark.parametrize(
    ("extra_columns", "composite", "message"),
    [
        ({"event_id": "row_id"}, {"event_id": ["a", "b"]},
         "event_id is in both columns and composite_columns"),
        ({}, {"event_type": ["a", "b"]}, "only ids, text, dates and times can be made of"),
        ({}, {"event_id": ["a"]}, "must list two or more source column names"),
    ],
)  # fmt: skip
def test_a_profile_with_a_wrong_composite_id_is_refused(
    extra_columns: dict[str, str], composite: dict[str, list[str]], message: str
) -> None:
    columns = {**COMPOSITE_SPEC["columns"], **extra_columns}  # type: ignore[dict-item]
    spec = {**COMPOSITE_SPEC, "columns": columns, "composite_columns": composite}

    with pytest.raises(ProfileError, match=message):
        parse_spec("p", spec)
