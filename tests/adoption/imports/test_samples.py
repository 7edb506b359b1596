"""The sample files in the README import with the built-in profiles into the demo trust."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from adoption.imports import pipeline, services
from adoption.models import ImportBatch
from golive.demo import DEMO_PROGRAMME, seed_demo
from golive.models import Programme, User
from training.models import Course

SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "samples"


def _import_sample_staff_first(kind: str, settings: Any) -> None:
    """Training completions and rosters refer to staff, so the sample staff list goes in
    first."""
    if kind not in {"training", "roster"}:
        return
    programme = Programme.objects.get(name=DEMO_PROGRAMME)
    for code, name in (("EPR101", "EPR essentials"), ("EPR201", "Ward workflows")):
        Course.objects.get_or_create(
            programme=programme, code=code, defaults={"name": name, "delivery": "e_learning"}
        )
    batch = services.create_import_batch(
        user=User.objects.get(username="pm"),
        programme=programme,
        kind="staff",
        profile_name="golive-staff",
        upload=io.BytesIO((SAMPLES / "staff-reference.csv").read_bytes()),
        file_name="staff-reference.csv",
    )
    pipeline.run(batch.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "file_name", "inserted"),
    [
        ("staff", "staff-reference.csv", 3),
        ("events", "events-reference.csv", 8),
        ("training", "training-reference.csv", 3),
        ("roster", "roster-reference.csv", 4),
    ],
)
def test_readme_sample_imports_with_the_built_in_profile(
    settings: Any, tmp_path: Path, kind: str, file_name: str, inserted: int
) -> None:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"
    seed_demo(staff_count=10, today=dt.date(2026, 11, 26))
    _import_sample_staff_first(kind, settings)

    batch = services.create_import_batch(
        user=User.objects.get(username="pm"),
        programme=Programme.objects.get(name=DEMO_PROGRAMME),
        kind=kind,
        profile_name=f"golive-{kind}",
        upload=io.BytesIO((SAMPLES / file_name).read_bytes()),
        file_name=file_name,
    )
    pipeline.run(batch.pk)
    batch.refresh_from_db()

    assert batch.status == ImportBatch.Status.COMMITTED, batch.message
    assert batch.rows_inserted + batch.rows_updated == inserted
