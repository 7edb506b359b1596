from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from adoption.imports.demo import (
    activity,
    login_failure_rate,
    nhs_number,
    seed_adoption_demo,
    seed_dry_run_demo,
)
from adoption.models import Event, ImportBatch
from golive.demo import DEMO_PROGRAMME, seed_demo
from golive.identifiers import is_valid_nhs_number
from golive.models import Programme, User


@pytest.mark.django_db
def test_demo_imports_an_extract_a_rejected_file_and_new_starters_once(
    settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"
    seed_demo(staff_count=300, today=dt.date(2026, 11, 26))
    programme = Programme.objects.get(name=DEMO_PROGRAMME)
    pm = User.objects.get(username="pm")

    first = seed_adoption_demo(programme=programme, user=pm, per_day=20)
    again = seed_adoption_demo(programme=programme, user=pm, per_day=20)

    assert first[:2] == ["EPR audit extract: Committed", "Extract with mistakes: Rejected"]
    assert first[2].startswith("Extract resent with other roles: ")
    assert first[3:] == [
        "Training completions: Committed",
        "New starters staff list: Committed",
        "ESR staff extract: Committed",
    ]
    assert again[0] == "EPR audit extract: already imported"
    extracts = ImportBatch.objects.filter(file_name="epr-audit-extract.csv")
    assert extracts.filter(status="committed", kind="events").count() == 1
    resent = ImportBatch.objects.get(file_name="audit-resent-with-other-roles.csv")
    assert set(resent.issues.values_list("code", flat=True)) == {"CONFLICTING_DUPLICATE"}
    assert Event.objects.count() > 1000


def test_demo_activity_dips_after_go_live_and_recovers() -> None:
    assert activity(6) < 0.7 < activity(0)
    assert activity(60) > 0.95


def test_demo_login_failures_fade_after_the_first_week() -> None:
    assert login_failure_rate(0) > 5 * login_failure_rate(30)


def test_demo_nhs_numbers_pass_the_check_digit() -> None:
    import random  # noqa: PLC0415

    rng = random.Random(1)

    assert all(is_valid_nhs_number(nhs_number(rng)) for _ in range(200))


@pytest.mark.django_db
def test_demo_has_a_dry_run_with_the_unknown_codes_of_a_newer_report(
    settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"
    seed_demo(staff_count=300, today=dt.date(2026, 11, 26))
    programme = Programme.objects.get(name=DEMO_PROGRAMME)
    pm = User.objects.get(username="pm")

    first = seed_dry_run_demo(programme=programme, user=pm)
    again = seed_dry_run_demo(programme=programme, user=pm)

    batch = ImportBatch.objects.get(dry_run=True)
    assert (first, again) == (
        ["Dry run of a newer audit report: Dry run finished"],
        ["Dry run of a newer audit report: already checked"],
    )
    assert batch.unknown_values["event_type"]["values"][0] == ["ORD_CANCEL", 3]
    assert batch.unknown_values["area"]["values"] == [["RCH/OLD-WARD-9", 2]]
    assert Event.objects.count() == 0
