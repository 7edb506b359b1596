#!/usr/bin/env python3
"""Time Golive's events import against the physical limit and against a typical Django importer.

    DATABASE_URL=postgresql://root@127.0.0.1:5432/golive_bench \\
        .venv/bin/python bench/import_benchmark.py --rows 1000000 [--memory-rows 5000000]

On one PostgreSQL database and the same generated file (bench/generate_events.py), in one run:

  (a) ``psql \\copy`` of the file into an UNLOGGED table of text columns (the physical limit);
  (b) Golive's import end to end, in-process as a worker runs it: ``create_import_batch``
      (store + sha256 + file checks) then ``pipeline.run`` (validation, mapping,
      pseudonymisation, dedupe, COPY into staging, set-wise merge, one commit);
  (c) the same rows through Django ``bulk_create`` in batches of 5,000, the CSV parsed
      minimally (DictReader, fromisoformat, dict look-ups, the same HMAC pseudonym);
  (d) the peak RSS of (b)'s process (VmHWM, cross-checked with wait4's ru_maxrss), also for
      the ``--memory-rows`` sizes, to check "< 400 MB at 5,000,000 rows, flat as files grow".

Every leg runs in a fresh child process, after the bench tables are truncated and a
CHECKPOINT, so each starts from the same state; the time reported excludes the child's
Python/Django start-up. ``--profile`` adds one more (untimed) run of (b) under py-spy and
prints where the time goes. Results are also written as JSON to the work directory.

The database must be a bench database (its name must contain "bench"): the script creates
and migrates it, seeds the demo trust if needed, and truncates events and import batches.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
DEFAULT_URL = "postgresql://root@127.0.0.1:5432/golive_bench"
RAW_TABLE = "bench_raw_events"
RAW_COLUMNS = (
    "event_id",
    "occurred_at",
    "event_type",
    "order_type",
    "user_id",
    "role",
    "area",
    "patient_id",
)
UPLOADER = ("pm", "admin")  # the demo programme manager (falls back to the demo administrator)
ODS_CODE = "ZZX"  # the demo trust
BULK_BATCH = 5000
TARGET_RATIO = 3.0
TARGET_MB = 400


# --------------------------------------------------------------------------------------------
# Environment shared by the parent and the children
# --------------------------------------------------------------------------------------------


def bench_environment(args: argparse.Namespace) -> dict[str, str]:
    """Production-like settings (DEBUG off: no query log), bench-only secrets, a private var
    directory and an in-memory broker, so nothing touches the project's own var/ or queue."""
    env = dict(os.environ)
    env["DATABASE_URL"] = args.database_url
    env["DJANGO_SETTINGS_MODULE"] = "golive.settings"
    env["DEBUG"] = "false"
    env.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    env.setdefault("PSEUDONYMISATION_KEY", "bench-only-pseudonymisation-key-" + "y" * 32)
    env["GOLIVE_VAR_DIR"] = str(args.work_dir / "var")
    env["CELERY_BROKER_URL"] = "memory://"
    (args.work_dir / "var" / "celery" / "results").mkdir(parents=True, exist_ok=True)
    env["LOG_LEVEL"] = "ERROR"
    env["PYTHONPATH"] = str(PROJECT_DIR) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def django_setup() -> None:
    sys.path.insert(0, str(PROJECT_DIR))
    import django  # noqa: PLC0415

    django.setup()


def status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def source_file(path: Path):
    import gzip  # noqa: PLC0415

    with path.open("rb") as probe:
        gz = probe.read(2) == b"\x1f\x8b"
    if gz:
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return path.open(encoding="utf-8", newline="")


# --------------------------------------------------------------------------------------------
# Children: one leg each, reporting JSON on the last line of stdout
# --------------------------------------------------------------------------------------------


def demo_uploader_and_programme():
    from golive.models import Programme, User  # noqa: PLC0415

    users = {u.username: u for u in User.objects.filter(username__in=UPLOADER)}
    user = next((users[name] for name in UPLOADER if name in users), None)
    programme = Programme.objects.filter(organisation__ods_code=ODS_CODE).order_by("pk").first()
    if user is None or programme is None:
        raise SystemExit("The demo trust is not seeded in this database.")
    return user, programme


class Phases:
    """Wall-clock time of the pipeline's phases, measured by wrapping its functions."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = collections.defaultdict(float)

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = owner[name] if isinstance(owner, dict) else getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started

        if isinstance(owner, dict):
            owner[name] = timed
        else:
            setattr(owner, name, timed)

    def sql(self, execute, sql, params, many, context):
        """A Django execute wrapper: time each statement of the merge by what it does."""
        text = sql.lstrip()
        label = None
        if text.startswith("CREATE TEMPORARY TABLE golive_stage_events"):
            label = "create staging table"
        elif text.startswith("SELECT count(*) FROM golive_stage_events"):
            label = "count staged rows"
        elif (
            "GROUP BY event_key HAVING" in text
            or "FROM golive_stage_events WHERE event_key" in text
        ):
            label = "duplicate detection query"
        elif text.startswith("INSERT INTO adoption_event"):
            label = "merge INSERT ... SELECT DISTINCT ON ... ON CONFLICT"
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if label:
                self.seconds["sql: " + label] += time.perf_counter() - started


def child_golive(path: Path, expected_rows: int) -> dict[str, Any]:
    from adoption.imports import pipeline, services  # noqa: PLC0415
    from adoption.models import Event, ImportBatch  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415

    user, programme = demo_uploader_and_programme()
    connection.ensure_connection()
    rss_before = status_kb("VmRSS")
    phases = Phases()
    phases.wrap(services, "_store", "upload: store + sha256")
    phases.wrap(services, "_precheck", "upload: file checks (type, size, header)")
    phases.wrap(pipeline, "_validate", "validate + transform -> work file")
    phases.wrap(pipeline, "_merge", "merge transaction (total)")
    phases.wrap(pipeline.MERGERS, "events", "merge_events (staging + merge)")
    phases.wrap(pipeline, "_save_issues", "save issues")
    started = time.perf_counter()
    with path.open("rb") as upload:
        batch = services.create_import_batch(
            user=user,
            programme=programme,
            kind="events",
            profile_name="golive-events",
            upload=upload,
            file_name=path.name,
        )
    stored = time.perf_counter()
    with connection.execute_wrapper(phases.sql):
        pipeline.run(batch.pk)
    finished = time.perf_counter()
    batch.refresh_from_db()
    seconds = dict(phases.seconds)
    in_sql = sum(v for k, v in seconds.items() if k.startswith("sql: "))
    seconds["COPY work file -> staging (merge_events minus its SQL)"] = (
        seconds.get("merge_events (staging + merge)", 0.0) - in_sql
    )
    seconds["commit + batch bookkeeping (merge total minus merge_events)"] = seconds.get(
        "merge transaction (total)", 0.0
    ) - seconds.get("merge_events (staging + merge)", 0.0)
    ok = batch.status == ImportBatch.Status.COMMITTED and batch.rows_inserted == expected_rows
    return {
        "seconds": finished - started,
        "upload_seconds": stored - started,
        "run_seconds": finished - stored,
        "phases": seconds,
        "status": batch.status,
        "message": batch.message,
        "counters": {
            "read": batch.rows_read,
            "inserted": batch.rows_inserted,
            "unchanged": batch.rows_unchanged,
            "duplicate": batch.rows_duplicate,
            "rejected": batch.rows_rejected,
        },
        "rows_in_table": Event.objects.count(),
        "ok": ok,
        "rss_before_kb": rss_before,
        "vmhwm_kb": status_kb("VmHWM"),
    }


def child_bulk_create(path: Path, expected_rows: int) -> dict[str, Any]:
    """What a typical Django importer does: DictReader, light parsing, bulk_create."""
    import csv  # noqa: PLC0415
    import hashlib  # noqa: PLC0415
    import uuid  # noqa: PLC0415
    import zoneinfo  # noqa: PLC0415

    from adoption.models import Event, ImportBatch  # noqa: PLC0415
    from django.conf import settings  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415
    from golive.identifiers import pseudonymise  # noqa: PLC0415
    from golive.models import Area, StaffMember  # noqa: PLC0415

    user, programme = demo_uploader_and_programme()
    connection.ensure_connection()
    rss_before = status_kb("VmRSS")
    started = time.perf_counter()
    batch = ImportBatch.objects.create(
        programme=programme,
        kind="events",
        profile_name="bulk_create",
        profile_spec={},
        uploaded_by=user,
        file_name=path.name,
        file_size=path.stat().st_size,
        sha256=hashlib.sha256(str(time.time()).encode()).hexdigest(),
        stored_path=str(path),
        status=ImportBatch.Status.COMMITTED,
    )
    areas = {
        f"{site}/{code}": pk
        for pk, site, code in Area.objects.filter(
            site__organisation=programme.organisation
        ).values_list("pk", "site__code", "code")
    }
    staff = dict(
        StaffMember.objects.filter(organisation=programme.organisation).values_list(
            "epr_user_id", "pk"
        )
    )
    london = zoneinfo.ZoneInfo("Europe/London")
    key = settings.PSEUDONYMISATION_KEY
    events: list[Event] = []
    with source_file(path) as handle:
        for row in csv.DictReader(handle):
            occurred = dt.datetime.fromisoformat(row["occurred_at"]).replace(tzinfo=london)
            patient = row["patient_id"]
            events.append(
                Event(
                    event_key=uuid.uuid5(uuid.NAMESPACE_OID, row["event_id"]),
                    batch=batch,
                    occurred_at=occurred,
                    local_date=occurred.date(),
                    event_type=row["event_type"],
                    order_type=row["order_type"],
                    area_id=areas[row["area"]],
                    epr_user_id=row["user_id"],
                    staff_id=staff.get(row["user_id"]),
                    role_group=row["role"],
                    patient_pseudonym=pseudonymise(patient, key=key) if patient else "",
                )
            )
            if len(events) == BULK_BATCH:
                Event.objects.bulk_create(events, batch_size=BULK_BATCH)
                events = []
    if events:
        Event.objects.bulk_create(events, batch_size=BULK_BATCH)
    finished = time.perf_counter()
    count = Event.objects.count()
    return {
        "seconds": finished - started,
        "rows_in_table": count,
        "ok": count == expected_rows,
        "rss_before_kb": rss_before,
        "vmhwm_kb": status_kb("VmHWM"),
    }


def child_main(leg: str, path: Path, rows: int) -> None:
    django_setup()
    result = {"golive": child_golive, "bulk_create": child_bulk_create}[leg](path, rows)
    print(json.dumps(result))


# --------------------------------------------------------------------------------------------
# Parent
# --------------------------------------------------------------------------------------------


def ensure_database(url: str) -> None:
    import psycopg  # noqa: PLC0415

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            print(f"Creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare_database(staff: int) -> None:
    from django.core.management import call_command  # noqa: PLC0415
    from golive.models import StaffMember  # noqa: PLC0415

    call_command("migrate", verbosity=0, interactive=False)
    if StaffMember.objects.filter(organisation__ods_code=ODS_CODE).count() < staff:
        print(f"Seeding the demo trust ({staff} staff)")
        call_command("seed_demo", staff=staff, allow_non_debug=True, verbosity=0)


def sql(statement: str) -> list[tuple]:
    from django.db import connection  # noqa: PLC0415

    with connection.cursor() as cursor:
        cursor.execute(statement)
        return cursor.fetchall() if cursor.description else []


def clean(work_dir: Path) -> None:
    """Every leg starts from the same state: no events, no batches, a fresh raw table, the
    previous leg's writes checkpointed, and no stored uploads."""
    from django.db import connection  # noqa: PLC0415

    sql("TRUNCATE adoption_event, adoption_importissue, adoption_importbatch CASCADE")
    sql(f"DROP TABLE IF EXISTS {RAW_TABLE}")
    sql("CHECKPOINT")
    connection.close()
    shutil.rmtree(work_dir / "var" / "imports", ignore_errors=True)


def run_copy(url: str, path: Path, rows: int) -> dict[str, Any]:
    columns = ", ".join(f"{name} text" for name in RAW_COLUMNS)
    subprocess.run(
        [
            "psql",
            url,
            "-qX",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            f"CREATE UNLOGGED TABLE {RAW_TABLE} ({columns})",
        ],
        check=True,
    )
    with path.open("rb") as probe:
        gz = probe.read(2) == b"\x1f\x8b"
    source = f"PROGRAM 'gzip -dc {path}'" if gz else f"'{path}'"
    command = f"\\copy {RAW_TABLE} FROM {source} WITH (FORMAT csv, HEADER true)"
    started = time.perf_counter()
    subprocess.run(["psql", url, "-qX", "-v", "ON_ERROR_STOP=1", "-c", command], check=True)
    seconds = time.perf_counter() - started
    count = int(
        subprocess.run(
            ["psql", url, "-qAtX", "-c", f"SELECT count(*) FROM {RAW_TABLE}"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    return {"seconds": seconds, "rows_in_table": count, "ok": count == rows}


EVENT_COLUMNS = (
    "event_key, batch_id, occurred_at, local_date, event_type, order_type, area_id, "
    "epr_user_id, staff_id, role_group, patient_pseudonym"
)


def run_copy_final(url: str, work_dir: Path, rows: int, repeat: int) -> dict[str, Any] | None:
    """For reference: ``\\copy`` of Golive's own output rows (already validated and
    transformed, exported after leg b) straight into ``adoption_event``, with its indexes and
    its deferred foreign keys checked at commit: the floor for this table as it is."""
    final = work_dir / "final-rows.csv"
    psql = ["psql", url, "-qX", "-v", "ON_ERROR_STOP=1", "-c"]
    export = f"\\copy (SELECT {EVENT_COLUMNS} FROM adoption_event) TO '{final}' WITH (FORMAT csv)"
    subprocess.run([*psql, export], check=True)
    times = []
    for _ in range(repeat):
        subprocess.run([*psql, "TRUNCATE adoption_event"], check=True)
        subprocess.run([*psql, "CHECKPOINT"], check=True)
        started = time.perf_counter()
        subprocess.run(
            [*psql, f"\\copy adoption_event ({EVENT_COLUMNS}) FROM '{final}' WITH (FORMAT csv)"],
            check=True,
        )
        times.append(time.perf_counter() - started)
        print(f"  copy_final: {times[-1]:.2f} s", flush=True)
    final.unlink(missing_ok=True)
    times.sort()
    return {
        "seconds": times[len(times) // 2],
        "all_seconds": times,
        "ok": True,
        "rows_in_table": rows,
    }


def run_child(
    leg: str, path: Path, rows: int, env: dict[str, str], prefix: list[str] | None = None
) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        leg,
        "--file",
        str(path),
        "--rows",
        str(rows),
    ]
    started = time.perf_counter()
    process = subprocess.Popen(
        (prefix or []) + command, env=env, stdout=subprocess.PIPE, text=True, cwd=PROJECT_DIR
    )
    stdout = process.stdout.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"The {leg} leg failed (exit {process.returncode}).")
    # The last JSON line: py-spy, when it wraps the child, prints its own lines after it.
    result = json.loads([line for line in stdout.splitlines() if line.startswith("{")][-1])
    result["process_wall_seconds"] = wall
    result["ru_maxrss_kb"] = usage.ru_maxrss  # this child only (wait4), KB on Linux
    result["child_cpu_seconds"] = usage.ru_utime + usage.ru_stime  # incl. start-up
    return result


def generate(rows: int, seed: int, work_dir: Path, gz: bool) -> Path:
    path = work_dir / f"events-{rows}-seed{seed}.csv{'.gz' if gz else ''}"
    if not path.exists():
        command = [
            sys.executable,
            str(BENCH_DIR / "generate_events.py"),
            str(rows),
            str(path),
            "--seed",
            str(seed),
        ] + (["--gz"] if gz else [])
        subprocess.run(command, check=True)
    return path


def measure(  # noqa: PLR0917 - a private helper with one call shape
    leg: str,
    args: argparse.Namespace,
    env: dict[str, str],
    path: Path,
    rows: int,
    repeat: int | None = None,
) -> dict[str, Any]:
    results = []
    repeat = repeat or args.repeat
    for attempt in range(repeat):
        clean(args.work_dir)
        before = os.getloadavg()[0]
        if leg == "copy":
            result = run_copy(args.database_url, path, rows)
        else:
            result = run_child(leg, path, rows, env)
        if not result["ok"]:
            raise SystemExit(f"The {leg} leg did not load {rows:,} rows: {result}")
        label = f" (run {attempt + 1} of {repeat})" if repeat > 1 else ""
        result["load_average"] = os.getloadavg()[0]
        cpu = (
            f", child CPU {result['child_cpu_seconds']:.1f} s"
            if "child_cpu_seconds" in result
            else ""
        )
        print(
            f"  {leg}{label}: {result['seconds']:.2f} s (load average before/after: "
            f"{before:.2f}/{result['load_average']:.2f}{cpu})",
            flush=True,
        )
        results.append(result)
    results.sort(key=lambda r: r["seconds"])
    best = dict(results[len(results) // 2])  # the median run
    best["all_seconds"] = [r["seconds"] for r in results]
    return best


# --- profile ---------------------------------------------------------------------------------

# Inside ``pipeline._validate`` (the per-row work), the innermost frame that matches one of
# these decides where a sample's time went: (category, pattern on "function (file)").
ROW_CATEGORIES: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(pattern))
    for name, pattern in [
        ("HMAC pseudonymisation (identifiers.pseudonymise)", r"^pseudonymise \("),
        ("NHS number check digit (identifiers.is_valid_nhs_number)", r"^is_valid_nhs_number \("),
        ("datetime parsing + zone (profiles.parse_datetime)", r"^parse_datetime \("),
        ("future/range check (rows._to_datetime, excl. parsing)", r"^_to_datetime \("),
        ("code / area look-ups (rows._to_code, _to_area)", r"^_to_(code|area) \("),
        ("event key blake2b (keys.event_key)", r"^event_key \("),
        (
            "staging tuple: UTC/local date text, staff look-up (rows.stage_event)",
            r"^stage_event \(",
        ),
        (
            "per-row checks: Cell objects, strip/len, dispatch (rows.check_record)",
            r"^(check_record|_as_text|Cell\.|RowResult\.|__init__ \(<string>)",
        ),
        ("UTF-8 decoding per line (files.LineReader.__iter__)", r"^LineReader\.__iter__ \("),
        ("CSV parsing + blank-row check (files.records)", r"^(records|<genexpr>) \(.*files\.py"),
        ("progress updates every 20,000 rows (pipeline._progress)", r"^_progress \("),
        (
            "file re-checks before the rows: type, gzip size (files.check_*)",
            r"^(check_uncompressed_size|read_head|check_not_binary) \(",
        ),
        ("reference data loaded once: areas, staff, access (pipeline._lookups)", r"^_lookups \("),
        ("work file write: csv.writer.writerow (pipeline._validate)", r"^_validate \("),
    ]
]


def categorise(raw: Path) -> list[tuple[str, int]]:
    """Sum py-spy's collapsed stacks ("frame;frame;... count") by what the code was doing."""
    totals: collections.Counter[str] = collections.Counter()
    for entry in raw.read_text().splitlines():
        stack, _, count = entry.rpartition(" ")
        if not stack:
            continue
        frames = stack.split(";")
        names = [re.sub(r" \((?:.*/)?([^/]+?)(?::\d+)?\)$", r" (\1)", f) for f in frames]
        joined = ";".join(names)
        category = "other: process start-up, Django, ORM (outside the timed import)"
        if "_validate (pipeline.py)" in joined:
            category = "validate: loop and generator overhead"
            for frame in reversed(names):
                found = next((n for n, pattern in ROW_CATEGORIES if pattern.search(frame)), None)
                if found:
                    category = "validate: " + found
                    break
        elif "_duplicates (loading.py)" in joined:
            category = "merge: duplicate detection query (loading._duplicates)"
        elif "merge_events (loading.py)" in joined:
            inner = joined.split("merge_events (loading.py)", 1)[1]
            category = (
                "merge: SQL statements: staging table, count, INSERT ... ON CONFLICT "
                "(split in the phase timings)"
                if "execute (" in inner
                else "merge: COPY work file -> staging table (loading.merge_events)"
            )
        elif "_merge (pipeline.py)" in joined and "Atomic.__exit__" in joined:
            category = "merge: COMMIT (deferred foreign-key checks, WAL flush)"
        elif "_merge (pipeline.py)" in joined:
            category = "merge: batch bookkeeping (lock, issues, counters)"
        elif "_store (services.py)" in joined:
            category = "upload: store + sha256 (services._store)"
        elif "_precheck (services.py)" in joined or "check_uncompressed_size" in joined:
            category = "file checks: type, size, header (files.check_*)"
        totals[category] += int(count)
    return totals.most_common()


def profile(
    args: argparse.Namespace, env: dict[str, str], path: Path, rows: int, results: dict[str, Any]
) -> None:
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        print("py-spy is not installed (pip install py-spy): no profile.")
        return
    clean(args.work_dir)
    raw = args.work_dir / f"profile-{rows}.txt"
    prefix = [
        spy,
        "record",
        "--idle",
        "--rate",
        "250",
        "--format",
        "raw",
        "--output",
        str(raw),
        "--",
    ]
    run_child("golive", path, rows, env, prefix=prefix)
    totals = categorise(raw)
    samples = sum(count for _, count in totals)
    print(
        f"\nWhere Golive's import spends its time (py-spy, {samples:,} samples at 250 Hz, "
        f"innermost matching frame; raw stacks in {raw}):"
    )
    for name, count in totals:
        print(f"  {count / samples:6.1%}  {count / 250:6.2f} s  {name}")
    results["profile"] = {"samples": samples, "rate": 250, "categories": totals}


# --- report ----------------------------------------------------------------------------------


def mb(kb: int) -> float:
    return kb / 1024


def report(results: dict[str, Any]) -> None:
    rows = results["rows"]
    legs = results["legs"]
    base = legs["copy"]["seconds"]
    print(
        f"\n{rows:,} rows, {results['file_mb']:.1f} MB file; seconds are the median of "
        f"{results['repeat']} run(s)"
    )
    print(
        f"{'leg':<52} {'seconds':>8} {'x copy':>7} {'rows/s':>10} {'peak RSS':>9} {'all runs':>16}"
    )
    names = {
        "copy": "(a) psql \\copy -> unlogged text table",
        "golive": "(b) Golive import end to end",
        "copy_final": "    ref: \\copy of (b)'s output rows into adoption_event",
        "bulk_create": f"(c) Django bulk_create, batches of {BULK_BATCH:,}",
    }
    for leg, name in names.items():
        if leg not in legs:
            print(f"{name:<52} {'skipped':>8}")
            continue
        r = legs[leg]
        peak = f"{mb(r['vmhwm_kb']):.0f} MB" if "vmhwm_kb" in r else ""
        runs = "/".join(f"{x:.1f}" for x in r.get("all_seconds", []))
        print(
            f"{name:<52} {r['seconds']:8.2f} {r['seconds'] / base:6.1f}x "
            f"{rows / r['seconds']:10,.0f} {peak:>9} {runs:>16}"
        )
        if leg == "golive":
            print(f"{'    upload (create_import_batch)':<52} {r['upload_seconds']:8.2f}")
            print(f"{'    worker (pipeline.run)':<52} {r['run_seconds']:8.2f}")
            for phase, seconds in sorted(r["phases"].items(), key=lambda kv: -kv[1]):
                print(f"{'      ' + phase[:46]:<52} {seconds:8.2f}")
    if "golive" in legs:
        ratio = legs["golive"]["seconds"] / base
        verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
        print(
            f"\nTarget: Golive end to end <= {TARGET_RATIO:.0f}x \\copy: {verdict} "
            f"({ratio:.1f}x; worker part alone {legs['golive']['run_seconds'] / base:.1f}x)"
        )
    for size, memory in sorted(results.get("memory", {}).items(), key=lambda kv: int(kv[0])):
        verdict = "met" if mb(memory["vmhwm_kb"]) < TARGET_MB else "MISSED"
        print(
            f"Peak RSS of the import at {int(size):,} rows: {mb(memory['vmhwm_kb']):.0f} MB "
            f"(ru_maxrss {mb(memory['ru_maxrss_kb']):.0f} MB; {mb(memory['rss_before_kb']):.0f}"
            f" MB before the import; {memory['seconds']:.1f} s, "
            f"{memory['seconds'] / memory['copy_seconds']:.1f}x \\copy) - target "
            f"< {TARGET_MB} MB: {verdict}"
        )


def machine() -> dict[str, Any]:
    def pg(setting: str) -> str:
        return sql(f"SHOW {setting}")[0][0]

    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    git = ["git", "-C", str(PROJECT_DIR)]
    head = subprocess.run(
        [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    dirty = subprocess.run(
        [*git, "status", "--short", "--", "adoption"], capture_output=True, text=True, check=False
    )
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "postgresql": sql("SHOW server_version")[0][0],
        "pg_settings": {
            s: pg(s)
            for s in (
                "shared_buffers",
                "work_mem",
                "temp_buffers",
                "maintenance_work_mem",
                "synchronous_commit",
            )
        },
        "commit": head.stdout.strip(),
        "adoption_changes_not_committed": dirty.stdout.split("\n") if dirty.stdout else [],
    }


def parent_main(args: argparse.Namespace) -> None:
    parts = urlsplit(args.database_url)
    if "bench" not in parts.path and not args.force:
        raise SystemExit(
            "The database name must contain 'bench' (it is truncated); or pass --force."
        )
    args.work_dir.mkdir(parents=True, exist_ok=True)
    env = bench_environment(args)
    os.environ.update(env)
    ensure_database(args.database_url)
    django_setup()
    prepare_database(args.staff)
    info = machine()
    print(
        f"Machine: {info['cpus']} cores, {info['memory_gb']} GB, Python {info['python']}, "
        f"PostgreSQL {info['postgresql']}; project at {info['commit']}"
    )

    generated: list[Path] = []
    path = args.file
    if path is None:
        path = generate(args.rows, args.seed, args.work_dir, args.gz)
        generated.append(path)
    results: dict[str, Any] = {
        "machine": info,
        "rows": args.rows,
        "file": str(path),
        "file_mb": path.stat().st_size / 1e6,
        "repeat": args.repeat,
        "legs": {},
        "memory": {},
    }
    legs = [leg for leg in ("copy", "golive", "bulk_create") if leg in args.legs]
    print(f"\n{args.rows:,} rows ({path}):")
    for leg in legs:
        results["legs"][leg] = measure(leg, args, env, path, args.rows)
        if leg == "golive":
            results["legs"]["copy_final"] = run_copy_final(
                args.database_url, args.work_dir, args.rows, args.repeat
            )
    if "golive" in results["legs"]:
        golive = results["legs"]["golive"]
        results["memory"][str(args.rows)] = {
            key: golive[key] for key in ("vmhwm_kb", "ru_maxrss_kb", "rss_before_kb", "seconds")
        } | {"copy_seconds": results["legs"]["copy"]["seconds"]}
    for size in args.memory_rows:
        extra = generate(size, args.seed, args.work_dir, args.gz)
        generated.append(extra)
        print(f"\n{size:,} rows ({extra}), for memory:")
        copy = measure("copy", args, env, extra, size, repeat=1)
        golive = measure("golive", args, env, extra, size, repeat=1)
        results["memory"][str(size)] = {
            key: golive[key] for key in ("vmhwm_kb", "ru_maxrss_kb", "rss_before_kb", "seconds")
        } | {
            "copy_seconds": copy["seconds"],
            "run_seconds": golive["run_seconds"],
            "phases": golive["phases"],
        }
    report(results)
    if args.profile:
        profile(args, env, path, args.rows, results)
    out = args.work_dir / f"results-{args.rows}-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nResults: {out}")
    if not args.keep:
        clean(args.work_dir)
        for generated_path in generated:
            generated_path.unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--memory-rows",
        type=lambda s: [int(x) for x in s.split(",") if x],
        default=[],
        help="extra sizes for the memory check, e.g. 5000000",
    )
    parser.add_argument(
        "--legs",
        default="copy,golive,bulk_create",
        help="which legs to run (copy is always needed for the ratios)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per leg (median reported)")
    parser.add_argument("--profile", action="store_true", help="py-spy profile of the import")
    parser.add_argument(
        "--keep", action="store_true", help="keep the generated files and the last leg's rows"
    )
    parser.add_argument("--file", type=Path, help="use this extract instead of generating one")
    parser.add_argument("--gz", action="store_true", help="generate .csv.gz files")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--staff", type=int, default=4000)
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/golive-bench"))
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--force", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child", choices=["golive", "bulk_create"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_main(args.child, args.file, args.rows)
        return
    if "copy" not in args.legs:
        args.legs += ",copy"
    with contextlib.suppress(KeyboardInterrupt):
        parent_main(args)


if __name__ == "__main__":
    main()
