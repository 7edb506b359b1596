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
