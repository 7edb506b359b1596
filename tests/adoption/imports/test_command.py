from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from adoption.management.commands import import_extract as command
from adoption.models import Event, ImportBatch
from tests import factories as f
from tests.conftest import EVENTS_HEADER, Trust

VALID = (
    "E1,2025-10-01 09:00:00,order_placed,pathology,EPR1,nursing,N/WA,",
    "E2,2025-10-01 09:05:00,login,,EPR1,nursing,WB,",
)


@pytest.fixture
def folder(settings: Any, tmp_path: Path) -> Path:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"
    return tmp_path


def extract(folder: Path, *rows: str, name: str = "extract.csv") -> str:
    path = folder / name
    path.write_text("\n".join([EVENTS_HEADER, *rows]) + "\n", encoding="utf-8")
    return str(path)


def import_extract(*args: str) -> str:
    out = io.StringIO()
    call_command("import_extract", *args, stdout=out)
    return out.getvalue()


def test_wait_in_process_commits_a_valid_file_and_prints_the_counters(
    trust: Trust, folder: Path
) -> None:
    output = import_extract(
        extract(folder, *VALID), "--kind", "events", "--user", "pm", "--wait", "--in-process"
    )

    batch = ImportBatch.objects.get()
    assert f"Batch {batch.pk}: committed" in output
    assert "read 2 / inserted 2 / updated 0 / unchanged 0 / rejected 0 / duplicate 0" in output
    assert Event.objects.count() == 2


def test_file_with_bad_rows_exits_non_zero_and_prints_the_rejection(
    trust: Trust, folder: Path
) -> None:
    out = io.StringIO()
    path = extract(folder, VALID[0], "E3,2025-13-01 09:00:00,login,,EPR1,nursing,N/WA,")

    with pytest.raises(CommandError, match="was not committed") as failure:
        call_command(
            "import_extract", path, "--kind", "events", "--user", "pm", "--in-process", stdout=out
        )

    assert failure.value.returncode == 1
    assert "1 of 2 rows have problems, so nothing was imported" in out.getvalue()
    assert "line 3, occurred_at: INVALID_DATE" in out.getvalue()
    assert not Event.objects.exists()


def test_unknown_mapping_is_a_clear_error(trust: Trust, folder: Path) -> None:
    with pytest.raises(CommandError, match=r"no mapping profile called 'vendor-x'.*golive-events"):
        import_extract(
            extract(folder, *VALID), "--kind", "events", "--user", "pm", "--mapping", "vendor-x"
        )

    assert not ImportBatch.objects.exists()


def test_importing_the_same_file_again_says_it_was_already_imported(
    trust: Trust, folder: Path
) -> None:
    path = extract(folder, *VALID)
    import_extract(path, "--kind", "events", "--user", "pm", "--in-process")

    with pytest.raises(CommandError, match="already imported") as failure:
        import_extract(path, "--kind", "events", "--user", "pm", "--in-process")

    assert failure.value.returncode == 1
    assert ImportBatch.objects.count() == 1


def test_without_wait_the_batch_is_queued_and_its_id_printed(trust: Trust, folder: Path) -> None:
    output = import_extract(extract(folder, *VALID), "--kind", "events", "--user", "pm")

    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.QUEUED
    assert f"Batch {batch.pk} queued" in output


def test_waiting_gives_up_after_the_timeout_and_leaves_the_batch_queued(
    trust: Trust, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(command, "POLL_SECONDS", 0)

    with pytest.raises(CommandError, match=r"still queued after 0\.05 seconds"):
        import_extract(
            extract(folder, *VALID),
            "--kind",
            "events",
            "--user",
            "pm",
            "--wait",
            "--timeout",
            "0.05",
        )

    assert ImportBatch.objects.get().status == ImportBatch.Status.QUEUED


def test_user_must_be_named_unless_there_is_exactly_one_superuser(
    trust: Trust, folder: Path
) -> None:
    with pytest.raises(CommandError, match="--user USERNAME"):
        import_extract(extract(folder, *VALID), "--kind", "events")


def test_the_only_superuser_imports_when_no_user_is_named(trust: Trust, folder: Path) -> None:
    admin = f.UserFactory(username="admin", is_superuser=True)

    import_extract(extract(folder, *VALID), "--kind", "events", "--programme", "EPR")

    assert ImportBatch.objects.get().uploaded_by == admin


def test_user_without_the_right_to_import_gets_a_plain_refusal(trust: Trust, folder: Path) -> None:
    with pytest.raises(CommandError, match="exec may not import events files"):
        import_extract(extract(folder, *VALID), "--kind", "events", "--user", "exec")


def test_missing_file_is_a_clear_error(trust: Trust, folder: Path) -> None:
    with pytest.raises(CommandError, match="There is no file at"):
        import_extract(str(folder / "nope.csv"), "--kind", "events", "--user", "pm")
