"""A saved mapping profile reads real, messy data: the MIMIC-III Clinical Database Demo
(ODbL; read in place from ../shared/realdata, nothing derived is committed)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from adoption.imports import pipeline, services
from adoption.models import Event, ImportBatch
from golive.models import Area, StaffMember
from tests import factories as f
from tests.conftest import Trust

CARE_UNITS = ("MICU", "SICU", "CCU", "CSRU", "TSICU")
ROLE_LABELS = {  # the commonest of MIMIC's 232 free-text caregiver labels
    "RN": "nursing", "RNs": "nursing", "RNC": "nursing", "NP": "nursing", "PCT": "support",
    "PCA": "support", "MD": "medical", "MDs": "medical", "Res": "medical", "IMD": "medical",
    "PA": "medical", "RPH": "pharmacy", "PharmD": "pharmacy", "RD": "ahp", "Rehab": "ahp",
    "RRT": "ahp", "RT": "ahp", "PT": "ahp", "OTR/L": "ahp", "UCO": "admin", "Admin": "admin",
    "UC": "admin", "UA": "admin",
}  # fmt: skip
CAREGIVER_PROFILE = {
    "kind": "staff",
    "columns": {"staff_number": "cgid", "full_name": "cgid", "role_group": "label",
                "epr_user_id": "cgid", "job_title": "description"},
    "value_maps": {"role_group": ROLE_LABELS},
    "unmapped_codes": {"role_group": "other"},
    "defaults": {"role_group": "other", "area": "BIDMC/MICU"},
}  # fmt: skip
EVENT_PROFILE = {
    "kind": "events",
    "columns": {"event_id": "row_id", "occurred_at": "charttime", "user_id": "cgid",
                "area": "careunit", "patient_id": "subject_id"},
    "defaults": {"event_type": "documentation"},
    "value_maps": {"area": {unit: f"BIDMC/{unit}" for unit in CARE_UNITS}},
    "patient_id_type": "mrn",
    "time_zone": "America/New_York",
    "dates_are_shifted": True,  # MIMIC moves each patient's dates into 2100-2210
}  # fmt: skip


def _charted_events_with_care_unit(mimic: Path) -> bytes:
    """What an EPR report of charted events looks like: each row names the unit it was
    charted in (MIMIC keeps that on the ICU stay, so join it in as the report would)."""
    with (mimic / "ICUSTAYS.csv").open() as stays:
        unit = {row["icustay_id"]: row["first_careunit"] for row in csv.DictReader(stays)}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row_id", "subject_id", "charttime", "cgid", "itemid", "careunit"])
    with (mimic / "DATETIMEEVENTS.csv").open() as source:
        for row in csv.DictReader(source):
            writer.writerow([row["row_id"], row["subject_id"], row["charttime"], row["cgid"],
                             row["itemid"], unit.get(row["icustay_id"], "")])  # fmt: skip
    return out.getvalue().encode()


def _upload(trust: Trust, kind: str, profile: str, data: bytes, name: str) -> ImportBatch:
    batch = services.create_import_batch(
        user=trust.programme_manager, programme=trust.programme, kind=kind,
        profile_name=profile, upload=io.BytesIO(data), file_name=name,
    )  # fmt: skip
    pipeline.run(batch.pk)
    batch.refresh_from_db()
    return batch


def test_mimic_caregivers_and_charted_events_import_with_correct_counts(
    trust: Trust, realdata: Path, settings: Any, tmp_path: Path
) -> None:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"
    mimic = realdata / "mimic3_demo"
    site = f.SiteFactory(organisation=trust.organisation, code="BIDMC", name="BIDMC")
    for unit in CARE_UNITS:
        f.AreaFactory(site=site, code=unit, name=unit, area_type=Area.AreaType.WARD)
    for name, spec in (("mimic-caregivers", CAREGIVER_PROFILE), ("mimic-events", EVENT_PROFILE)):
        services.save_mapping_profile(
            programme=trust.programme, user=trust.programme_manager, name=name,
            description="MIMIC-III demo", spec=spec,
        )  # fmt: skip
    with (mimic / "CAREGIVERS.csv").open() as handle:
        caregivers = list(csv.DictReader(handle))
    # Value maps match case-insensitively, so 'rn' and 'Rn' count as 'RN'.
    by_upper = {label.upper(): group for label, group in ROLE_LABELS.items()}
    nurses = sum(by_upper.get(row["label"].strip().upper()) == "nursing" for row in caregivers)

    staff = _upload(trust, "staff", "mimic-caregivers", (mimic / "CAREGIVERS.csv").read_bytes(),
                    "CAREGIVERS.csv")  # fmt: skip

    assert staff.status == ImportBatch.Status.COMMITTED, staff.message
    assert (staff.rows_read, staff.rows_inserted, staff.rows_rejected) == (7567, 7567, 0)
    assert (
        StaffMember.objects.filter(role_group="nursing", staff_number__regex=r"^\d+$").count()
        == nurses
    )

    extract = _charted_events_with_care_unit(mimic)
    first = _upload(trust, "events", "mimic-events", extract, "charted.csv")

    # 12 charted events belong to no ICU stay, so have no unit: all or nothing rejects them.
    assert first.status == ImportBatch.Status.REJECTED
    assert (first.rows_read, first.rows_rejected) == (15551, 12)
    assert set(first.issues.values_list("code", flat=True)) == {"MISSING_VALUE"}

    services.commit_valid_rows_only(batch=first, user=trust.programme_manager)
    pipeline.run(first.pk)
    first.refresh_from_db()

    assert first.status_label == "Committed with 12 rows rejected"
    assert first.rows_inserted == 15539
    assert Event.objects.count() == 15539
    assert Event.objects.filter(staff__isnull=False).count() == 15539
    assert sorted(Event.objects.values_list("area__code", flat=True).distinct()) == sorted(
        CARE_UNITS
    )
    subjects = {row.split(b",")[1].decode() for row in extract.splitlines()[1:]}
    assert not Event.objects.filter(patient_pseudonym__in=subjects).exists()


# MIMIC numbers each table's rows from 1: an extract of events from several tables repeats
# row ids, so the event id must name the table too (a composite id).
CHARTING_TABLES = (
    ("DATETIMEEVENTS", "charttime"),
    ("OUTPUTEVENTS", "charttime"),
    ("INPUTEVENTS_MV", "starttime"),
    ("PROCEDUREEVENTS_MV", "starttime"),
)
CHARTING_COLUMNS = {"occurred_at": "charttime", "user_id": "cgid", "area": "careunit",
                    "patient_id": "subject_id"}  # fmt: skip
COLLIDING_ROW_IDS = 36  # valid rows whose row id another table's valid row also has


def _charting_from_several_tables(mimic: Path) -> list[list[str]]:
    """Rows of an EPR report of charting from four MIMIC tables, each naming its table."""
    with (mimic / "ICUSTAYS.csv").open() as stays:
        unit = {row["icustay_id"]: row["first_careunit"] for row in csv.DictReader(stays)}
    rows: list[list[str]] = []
    for table, time_column in CHARTING_TABLES:
        with (mimic / f"{table}.csv").open() as source:
            rows.extend(
                [table, row["row_id"], row["subject_id"], row[time_column], row["cgid"],
                 unit.get(row["icustay_id"], "")]
                for row in csv.DictReader(source)
            )  # fmt: skip
    return rows


def _as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["source_table", "row_id", "subject_id", "charttime", "cgid", "careunit"])
    writer.writerows(rows)
    return out.getvalue().encode()


def _mimic_units(trust: Trust, settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"
    site = f.SiteFactory(organisation=trust.organisation, code="BIDMC", name="BIDMC")
    for unit in CARE_UNITS:
        f.AreaFactory(site=site, code=unit, name=unit, area_type=Area.AreaType.WARD)


def _save_events_profile(trust: Trust, name: str, **spec: Any) -> None:
    services.save_mapping_profile(
        programme=trust.programme, user=trust.programme_manager, name=name,
        description="MIMIC-III demo", spec={**EVENT_PROFILE, **spec},
    )  # fmt: skip


def test_mimic_row_ids_repeated_across_tables_are_conflicts_when_the_id_is_the_row_id(
    trust: Trust, realdata: Path, settings: Any, tmp_path: Path
) -> None:
    _mimic_units(trust, settings, tmp_path)
    _save_events_profile(trust, "row-id-only", columns={**CHARTING_COLUMNS, "event_id": "row_id"})
    valid = [row for row in _charting_from_several_tables(realdata / "mimic3_demo") if row[5]]
    tables_of: dict[str, set[str]] = {}
    for row in valid:
        tables_of.setdefault(row[1], set()).add(row[0])
    colliding = [row for row in valid if len(tables_of[row[1]]) > 1]

    batch = _upload(trust, "events", "row-id-only", _as_csv(colliding), "charting.csv")

    assert len(colliding) == 2 * COLLIDING_ROW_IDS
    # Both lines of each id: which table's row the id means cannot be known.
    assert (batch.rows_read, batch.rows_rejected) == (2 * COLLIDING_ROW_IDS, 2 * COLLIDING_ROW_IDS)
    codes = list(batch.issues.values_list("code", flat=True))
    assert codes == ["CONFLICTING_DUPLICATE"] * 2 * COLLIDING_ROW_IDS
    assert batch.rows_duplicate == 0  # never again counted as "the same record"


def test_mimic_charting_from_several_tables_keeps_every_event_with_a_composite_id(
    trust: Trust, realdata: Path, settings: Any, tmp_path: Path
) -> None:
    _mimic_units(trust, settings, tmp_path)
    _save_events_profile(
        trust, "charting", columns=CHARTING_COLUMNS,
        composite_columns={"event_id": ["source_table", "row_id"]},
    )  # fmt: skip
    rows = _charting_from_several_tables(realdata / "mimic3_demo")
    valid = [row for row in rows if row[5]]

    first = _upload(trust, "events", "charting", _as_csv(rows), "charting.csv")
    services.commit_valid_rows_only(batch=first, user=trust.programme_manager)
    pipeline.run(first.pk)
    first.refresh_from_db()

    assert first.status_label == f"Committed with {len(rows) - len(valid)} rows rejected"
    assert (first.rows_inserted, first.rows_duplicate) == (len(valid), 0)
    assert Event.objects.count() == len({row[1] for row in valid}) + COLLIDING_ROW_IDS
    assert not first.issues.filter(code="CONFLICTING_DUPLICATE").exists()
