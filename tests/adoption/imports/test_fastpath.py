"""The fast path for event rows must write exactly what the slow path writes: the same work
file byte for byte (so the same event keys: re-importing never duplicates whichever path a
row took) and the same row problems."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from adoption.imports import pipeline, rows, services
from adoption.imports.files import SNIFF_BYTES, FileRefused
from adoption.imports.profiles import Profile, reference_profile
from adoption.models import Event, ImportBatch
from tests.conftest import EVENTS_HEADER, Trust

NHS = "9434765919"
OTHER_NHS = "943 476 5870"


def upload(trust: Trust, content: bytes, settings: Any, tmp_path: Path) -> ImportBatch:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "files"
    settings.IMPORT_WORK_DIR = tmp_path / "work"
    return services.create_import_batch(
        user=trust.programme_manager,
        programme=trust.programme,
        kind="events",
        profile_name="golive-events",
        upload=io.BytesIO(content),
        file_name="x.csv",
    )


def outcome(batch: ImportBatch, profile: Profile, tmp_path: Path, *, fast: bool) -> Any:
    """What one path makes of the file: the work file and the problems, or the refusal."""
    work = tmp_path / f"work-{'fast' if fast else 'slow'}.csv"
    try:
        validated = pipeline._validate(batch, profile, work, fast=fast)
    except FileRefused as refusal:
        return ("refused", refusal.code, refusal.message, refusal.line)
    return (
        work.read_text(encoding="utf-8"),
        validated.rows,
        validated.collected.rows_rejected,
        [dataclasses.astuple(issue) for issue in validated.collected.issues],
        validated.notices,
        validated.present_fields,
    )


def both_paths(
    trust: Trust, content: bytes, settings: Any, tmp_path: Path, profile: Profile | None = None
) -> tuple[Any, Any]:
    batch = upload(trust, content, settings, tmp_path)
    profile = profile or reference_profile("events")
    return outcome(batch, profile, tmp_path, fast=True), outcome(
        batch, profile, tmp_path, fast=False
    )


def extract(*lines: str) -> bytes:
    return ("\n".join([EVENTS_HEADER, *lines]) + "\n").encode()


VALID_ROWS = (
    f"E1,2026-01-15 09:30:00,order_placed,pathology,EPR1,nursing,N/WA,{NHS}",
    f",2026-01-15 09:31:07,order_placed,radiology,EPR1,nursing,N/WA,{NHS}",
    f",2026-07-15 23:59:59,login,,EPR2,,WB,{OTHER_NHS}",  # summer: the UTC day differs
    ",2026-07-16 00:00:00,note_signed,,epr2,medical,n/wb,",
    f',2026-05-01 12:00:00,documentation,,"DOE, J ""X""",ahp,N/WA,{NHS}',
    f"  ,  2026-06-01 08:15:00 , LOGIN_FAILED ,,  EPR9 ,, N/WA ,{NHS}",
    # Both clock changes of 2026, including the hour that does not exist in March and the
    # hour that happens twice in October: these go the slow way and must still agree.
    ",2026-03-29 00:30:00,login,,EPR1,,N/WA,",
    ",2026-03-29 01:30:00,login,,EPR1,,N/WA,",
    ",2026-03-29 02:30:00,login,,EPR1,,N/WA,",
    ",2026-10-25 00:30:00,login,,EPR1,,N/WA,",
    ",2026-10-25 01:30:00,login,,EPR1,,N/WA,",
    ",2026-10-25 02:30:00,login,,EPR1,,N/WA,",
    ",2026-10-25T03:30:00,login,,EPR1,,N/WA,",  # other ISO spellings: the slow way
    ",2026-10-25 03:30:00+00:00,login,,EPR1,,N/WA,",
)


def test_both_paths_write_the_same_work_file_for_valid_rows(
    trust: Trust, settings: Any, tmp_path: Path
) -> None:
    trust.staff_a.epr_user_id = "EPR1"
    trust.staff_a.save()

    fast, slow = both_paths(trust, extract(*VALID_ROWS, *VALID_ROWS[:3]), settings, tmp_path)

    assert fast == slow
    assert fast[1] == len(VALID_ROWS) + 3
    assert fast[2] == 0


def test_valid_rows_in_ordinary_hours_never_touch_the_slow_path(
    trust: Trust, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[int] = []
    real_check = rows.check_record
    monkeypatch.setattr(
        pipeline,
        "check_record",
        lambda record, *a: checked.append(record.line) or real_check(record, *a),
    )
    batch = upload(trust, extract(*VALID_ROWS[:6]), settings, tmp_path)

    outcome(batch, reference_profile("events"), tmp_path, fast=True)

    assert checked == []


def test_both_paths_report_the_same_problems(trust: Trust, settings: Any, tmp_path: Path) -> None:
    future = (timezone.now() + dt.timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S")
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
    content = extract(
        VALID_ROWS[0],
        f",2026-02-30 09:00:00,login,,EPR1,,N/WA,{NHS}",  # no such day
        f",2026-01-15 09:61:00,login,,EPR1,,N/WA,{NHS}",  # no such minute
        f",{future},login,,EPR1,,N/WA,{NHS}",
        f",{now},login,,EPR1,,N/WA,{NHS}",  # the current hour is valid, via the slow path
        f",1999-12-31 23:00:00,login,,EPR1,,N/WA,{NHS}",
        f",2026-01-15 09:00:00,teleport,,EPR1,,N/WA,{NHS}",
        f",2026-01-15 09:00:00,order_placed,bloods,EPR1,,N/WA,{NHS}",
        f",2026-01-15 09:00:00,login,,EPR1,surgeon,N/WA,{NHS}",
        f",2026-01-15 09:00:00,login,,EPR1,,N/ZZ,{NHS}",
        ",2026-01-15 09:00:00,login,,EPR1,,N/WA,9434765918",  # bad check digit
        f",2026-01-15 09:00:00,login,,{'U' * 65},,N/WA,{NHS}",
        f"{'X' * 65},2026-01-15 09:00:00,login,,EPR1,,N/WA,{NHS}",
        f",2026-01-15 09:00:00,login,,EPR1,,N/WA,{'9' * 70}",
        ",2026-01-15 09:00:00,,,,,,",
        ",2026-01-15 09:00:00,login,,EPR1,,N/WA",  # a cell short
        "",
        ",,,,,,,",
        VALID_ROWS[2],
    )

    fast, slow = both_paths(trust, content, settings, tmp_path)

    assert fast == slow
    assert fast[2] == 14  # rejected rows; the valid ones (and the current hour) are staged
    assert fast[0].count("\n") == 3


def test_a_badly_encoded_file_is_refused_the_same_way_on_both_paths(
    trust: Trust, settings: Any, tmp_path: Path
) -> None:
    # Past the part of the file the upload itself checks.
    padding = [VALID_ROWS[1]] * (SNIFF_BYTES // len(VALID_ROWS[1]) + 10)
    content = extract(*padding) + b",2026-01-15 09:00:00,login,,EPR\xff,,N/WA,\n"

    fast, slow = both_paths(trust, content, settings, tmp_path)

    assert fast == slow
    assert fast[:2] == ("refused", "FILE_ENCODING")


def test_an_unclosed_quote_is_refused_the_same_way_on_both_paths(
    trust: Trust, settings: Any, tmp_path: Path
) -> None:
    content = extract(*VALID_ROWS[:3]) + b',2026-01-15 09:00:00,login,,"EPR1,,N/WA,\n'

    fast, slow = both_paths(trust, content, settings, tmp_path)

    assert fast == slow


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "America/St_Johns"])
def test_both_paths_agree_for_extracts_written_in_other_time_zones(
    trust: Trust, settings: Any, tmp_path: Path, zone: str
) -> None:
    profile = dataclasses.replace(
        reference_profile("events"),
        time_zone=zone,
        value_maps={"event_type": {"LOGON": "login"}, "area": {"7B": "N/WB"}},
        defaults={"role": "nursing"},
        unmapped_codes={"order_type": "other"},
    )
    content = extract(
        *VALID_ROWS[:6],
        f",2026-04-01 10:00:00,LOGON,,EPR1,,7B,{NHS}",
        f",2026-04-01 10:00:00,order_placed,bloods,EPR1,,7B,{NHS}",
        f",2026-10-25 00:10:00,login,,EPR1,,N/WA,{NHS}",
    )

    fast, slow = both_paths(trust, content, settings, tmp_path, profile)

    assert fast == slow
    assert fast[2] == 0


def test_local_times_in_a_clock_change_are_imported_with_a_notice(
    trust: Trust, import_file: Any
) -> None:
    batch = import_file(
        extract(
            ",2026-10-25 01:15:00,login,,EPR1,,N/WA,",  # happens twice
            ",2026-10-25 01:45:00,login,,EPR1,,N/WA,",
            ",2026-03-29 01:30:00,login,,EPR1,,N/WA,",  # never happens
            ",2026-03-29 03:30:00,login,,EPR1,,N/WA,",  # an ordinary time
        ).decode()
    )

    assert batch.rows_inserted == 4
    assert [notice for notice in batch.notices if "clocks" in notice] == [
        "2 rows have local times in the hour the clocks go back, which happens twice; read as "
        "the first (summer time) in Europe/London. If the EPR writes UTC, set the mapping "
        "profile's time zone to UTC.",
        "1 row has a local time in the hour the clocks go forward, which never happens; read "
        "with the offset before the change in Europe/London. If the EPR writes UTC, set the "
        "mapping profile's time zone to UTC.",
    ]
    first = Event.objects.order_by("occurred_at").first()
    assert first is not None
    assert first.occurred_at == dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)


def test_both_paths_build_the_same_composite_ids(
    trust: Trust, settings: Any, tmp_path: Path
) -> None:
    columns = dict(reference_profile("events").columns)
    del columns["event_id"]
    profile = dataclasses.replace(
        reference_profile("events"),
        columns=columns,
        composite_columns={"event_id": ("source_table", "row_id")},
    )
    content = (
        "source_table,row_id,"
        + "\n".join(
            [
                EVENTS_HEADER.removeprefix("event_id,"),
                f"CHART,7,2026-01-15 09:30:00,login,,EPR1,,N/WA,{NHS}",
                f"OUTPUT,7,2026-01-15 09:30:00,login,,EPR1,,N/WA,{NHS}",
                f" OUTPUT , 7 ,2026-01-15 09:30:00,login,,EPR1,,N/WA,{NHS}",
                f",,2026-01-15 09:31:00,login,,EPR1,,N/WA,{NHS}",  # blank: a content key
                f",8,2026-01-15 09:32:00,login,,EPR1,,N/WA,{NHS}",
                f"CHART,7,2026-02-30 09:30:00,login,,EPR1,,N/WA,{NHS}",  # a row problem
            ]
        )
        + "\n"
    ).encode()

    fast, slow = both_paths(trust, content, settings, tmp_path, profile)

    assert fast == slow
    keys = [line.split(",")[1] for line in fast[0].splitlines()]
    assert (len(keys), len(set(keys)), fast[2]) == (5, 4, 1)  # lines 3 and 4 are one event
