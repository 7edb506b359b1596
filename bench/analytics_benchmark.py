#!/usr/bin/env python3
"""How fast the adoption analytics read and roll up at a trust's full year of events.

    DATABASE_URL=postgresql://root@127.0.0.1:5432/golive_bench_analytics \\
        .venv/bin/python bench/analytics_benchmark.py [--events 10000000] [--reuse]

In one run, on a bench database (its name must contain "bench": events and rollups are
truncated):

  1. seeds the demo trust (60 areas, 4,000 staff) if it is not there, then generates
     ``--events`` events (default 10,000,000) over ``--days`` local days (default 365, up to
     the day before yesterday) in one ``INSERT ... SELECT generate_series`` with the events
     table's secondary indexes dropped and rebuilt after (not through the import pipeline:
     that has its own benchmark, bench/import_benchmark.py);
  2. builds every rollup from scratch (``rollups.rebuild_all``) and times it;
  3. adds a one-day batch (yesterday: the day's share of the events) and times the
     incremental rollup a worker runs after it (``rollups.rollup_batch``), three times;
  4. serves the project with gunicorn (2 sync workers, DEBUG off, persistent database
     connections, as in production) on 127.0.0.1 and loads each endpoint in turn with wrk
     (``apt-get install wrk``): a trivial view (``/healthz``) as the baseline, then the
     executive dashboards and metric series over a year, page and API, signed in as the demo
     executive. p50/p95/p99 per endpoint and the ratio to the trivial view are printed and
     written as JSON to the work directory; each endpoint's first request is timed with an
     empty cache (cold), and again after the rollup task's warming of the default views.

``--reuse`` keeps the events already generated (when the count matches) and goes straight to
the rollups. Steps can be skipped with ``--skip rollup,incremental,load``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
DEFAULT_URL = "postgresql://root@127.0.0.1:5432/golive_bench_analytics"
ODS_CODE = "ZZX"  # the demo trust
EXECUTIVE = "exec"  # the demo executive: reads the whole programme
BASE_BATCH_FILE = "analytics-benchmark-base"
DAY_BATCH_FILE = "analytics-benchmark-day"
TARGET_P95_MS = 150.0
TARGET_INCREMENTAL_S = 5.0
USERS = 4000
ACTIVE_PER_DAY = 2400  # about 60% of the staff list uses the EPR on any one day
# One event in 53 falls in the user's second area. Prime, so not a divisor of the user
# rotation (a user's events in a day are 2,400 apart): each user floats now and then, rather
# than some users always and the rest never.
FLOATING = 53

# What people do, in hundredths of all events: (event type, order type, share).
EVENT_MIX = (
    ("login", "", 14),
    ("login_failed", "", 1),
    ("order_placed", "pathology", 8),
    ("order_placed", "radiology", 4),
    ("order_placed", "pharmacy", 5),
    ("order_placed", "microbiology", 2),
    ("order_placed", "other", 1),
    ("result_viewed", "", 20),
    ("note_signed", "", 10),
    ("documentation", "", 21),
    ("medication_administered", "", 10),
    ("procedure_recorded", "", 4),
)

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format(
    'WRK_JSON {"requests": %d, "seconds": %.3f, "non2xx": %d, "socket_errors": %d, '
    .. '"p50_ms": %.2f, "p90_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f}\\n',
    summary.requests, summary.duration / 1e6, non2xx,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3))
end
"""


# --------------------------------------------------------------------------------------------
# Set-up
# --------------------------------------------------------------------------------------------


def bench_environment(args: argparse.Namespace) -> dict[str, str]:
    """Production-like settings (DEBUG off: no query log; persistent connections), bench-only
    secrets, a private var directory and an in-memory broker."""
    env = dict(os.environ)
    env["DATABASE_URL"] = args.database_url
    env["DJANGO_SETTINGS_MODULE"] = "golive.settings"
    env["DEBUG"] = "false"
    env.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    env.setdefault("PSEUDONYMISATION_KEY", "bench-only-pseudonymisation-key-" + "y" * 32)
    env["GOLIVE_VAR_DIR"] = str(args.work_dir / "var")
    env["CELERY_BROKER_URL"] = "memory://"
    # The cache (computed figures) is shared by the workers through Redis, as in production;
    # without REDIS_URL each worker keeps its own in memory.
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    else:
        env.pop("REDIS_URL", None)
    (args.work_dir / "var" / "celery" / "results").mkdir(parents=True, exist_ok=True)
    env["LOG_LEVEL"] = "ERROR"
    env["PYTHONPATH"] = str(PROJECT_DIR) + os.pathsep + env.get("PYTHONPATH", "")
    return env


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


def django_setup() -> None:
    sys.path.insert(0, str(PROJECT_DIR))
    import django  # noqa: PLC0415

    django.setup()


def prepare_database() -> None:
    from adoption.models import Survey  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415
    from golive.models import StaffMember  # noqa: PLC0415

    call_command("migrate", verbosity=0, interactive=False)
    staff = StaffMember.objects.filter(organisation__ods_code=ODS_CODE).count()
    # The survey is among the last things the demo seeds: without it, seeding stopped early.
    if staff < USERS or not Survey.objects.exists():
        print(f"Seeding the demo trust ({USERS} staff)", flush=True)
        call_command("seed_demo", staff=USERS, allow_non_debug=True, verbosity=0)
    # DEBUG off serves static files through the manifest: it must exist.
    call_command("collectstatic", interactive=False, verbosity=0)


def sql(statement: str, params: list[Any] | None = None) -> list[tuple]:
    from django.db import connection  # noqa: PLC0415

    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
        return cursor.fetchall() if cursor.description else []


def timed(label: str, statement: str, params: list[Any] | None = None) -> float:
    started = time.perf_counter()
    sql(statement, params)
    seconds = time.perf_counter() - started
    print(f"  {label}: {seconds:.1f} s", flush=True)
    return seconds


# --------------------------------------------------------------------------------------------
# 1. Events, generated by SQL
# --------------------------------------------------------------------------------------------


def bench_batch(file_name: str, days: list[dt.date]) -> int:
    """An import batch row for generated events (the events table needs a batch id)."""
    from adoption.models import ImportBatch, ImportKind  # noqa: PLC0415
    from golive.models import Programme, User  # noqa: PLC0415

    programme = Programme.objects.filter(organisation__ods_code=ODS_CODE).order_by("pk").first()
    user = User.objects.filter(username="pm").first()
    if programme is None or user is None:
        raise SystemExit("The demo trust is not seeded in this database.")
    ImportBatch.objects.filter(file_name=file_name).delete()
    batch = ImportBatch.objects.create(
        programme=programme,
        kind=ImportKind.EVENTS,
        profile_name="analytics-benchmark",
        profile_spec={},
        uploaded_by=user,
        file_name=file_name,
        file_size=0,
        sha256=file_name.ljust(64, "0")[:64],
        stored_path="",
        status=ImportBatch.Status.COMMITTED,
        local_dates=[day.isoformat() for day in days],
    )
    return batch.pk


def prepare_generator_tables() -> None:
    """The users (4,000 demo staff with EPR ids, at their home area) and the event mix."""
    sql("DROP TABLE IF EXISTS bench_users, bench_mix")
    sql(
        """
        CREATE UNLOGGED TABLE bench_users AS
        SELECT (row_number() OVER (ORDER BY s.id) - 1)::int AS n, s.id AS staff_id,
            s.epr_user_id, s.role_group,
            (SELECT min(sa.area_id) FROM golive_staffmember_areas sa
             WHERE sa.staffmember_id = s.id) AS area_id
        FROM golive_staffmember s JOIN golive_organisation o ON o.id = s.organisation_id
        WHERE o.ods_code = %s AND s.epr_user_id <> ''
            AND EXISTS (SELECT 1 FROM golive_staffmember_areas sa WHERE sa.staffmember_id = s.id)
        ORDER BY s.id LIMIT %s
        """,
        [ODS_CODE, USERS],
    )
    sql("CREATE UNIQUE INDEX ON bench_users (n)")
    # Each user's second area (the next area with users, round the ring): where their
    # floating events fall, so that people active in two areas a day are measured too.
    sql("ALTER TABLE bench_users ADD COLUMN other_area_id bigint")
    sql(
        """
        UPDATE bench_users u SET other_area_id = coalesce(
            (SELECT min(v.area_id) FROM bench_users v WHERE v.area_id > u.area_id),
            (SELECT min(v.area_id) FROM bench_users v))
        """
    )
    buckets = [
        (bucket, event_type, order_type)
        for event_type, order_type, share in EVENT_MIX
        for bucket in range(share)
    ]
    rows = [(i, event_type, order_type) for i, (_, event_type, order_type) in enumerate(buckets)]
    assert len(rows) == 100, "the event mix must add up to 100"  # noqa: S101 - bench script
    sql(
        "CREATE UNLOGGED TABLE bench_mix (bucket int PRIMARY KEY, event_type text, order_type text)"
    )
    values = ", ".join(["(%s, %s, %s)"] * len(rows))
    sql(f"INSERT INTO bench_mix VALUES {values}", [v for row in rows for v in row])
    users, areas = sql("SELECT count(*), count(DISTINCT area_id) FROM bench_users")[0]
    print(f"  generator: {users:,} users over {areas} areas", flush=True)


# Events are numbered g = 1..n in time order: day d holds a contiguous block. Each day uses a
# rotating set of ACTIVE_PER_DAY of the users, picked by a multiplicative hash of g; times of
# day spread over 07:00-21:00 local, converted to UTC through the trust's zone so the local
# day is exact across clock changes. One event in FLOATING falls in the user's second area:
# at ~11 events per user a day, about a fifth of user-days span two areas.
INSERT_EVENTS = """
INSERT INTO adoption_event (event_key, batch_id, occurred_at, local_date, event_type,
    order_type, area_id, epr_user_id, staff_id, role_group, patient_pseudonym)
SELECT md5(%(salt)s || g::text)::uuid, %(batch)s,
    (e.day + make_interval(secs => 25200 + (g * 7919) %% 50400))
        AT TIME ZONE 'Europe/London',
    e.day, m.event_type, m.order_type,
    CASE WHEN g %% %(floating)s = 0 THEN u.other_area_id ELSE u.area_id END,
    u.epr_user_id, u.staff_id, u.role_group,
    substr(md5('p' || (g / 12)::text), 1, 32)
FROM (
    SELECT g, %(first)s::date + ((g - 1) * %(days)s / %(n)s)::int AS day
    FROM generate_series(1::bigint, %(n)s::bigint) AS g
) e
JOIN bench_users u ON u.n = (((e.g * 761) %% %(active)s)
    + (e.day - %(first)s::date) * 397) %% %(users)s
JOIN bench_mix m ON m.bucket = (e.g * 37) %% 100
"""


def secondary_indexes() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The events table's unique constraints and plain indexes (not the primary key), with
    the SQL that recreates each."""
    constraints = sql(
        """
        SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = 'adoption_event'::regclass AND contype = 'u'
        """
    )
    indexes = sql(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
        WHERE i.indrelid = 'adoption_event'::regclass AND NOT i.indisprimary
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """
    )
    return constraints, indexes


def generate_events(n: int, days: int, last_day: dt.date) -> dict[str, Any]:
    """Replace every event with ``n`` generated ones over ``days`` days ending ``last_day``."""
    first = last_day - dt.timedelta(days=days - 1)
    print(f"Generating {n:,} events over {days} days ({first} to {last_day})", flush=True)
    seconds: dict[str, float] = {}
    seconds["truncate"] = timed(
        "truncate events and rollups",
        "TRUNCATE adoption_event, adoption_dailyrollup, adoption_dailyuseractivity, "
        "adoption_dailyareausers",
    )
    prepare_generator_tables()
    batch = bench_batch(BASE_BATCH_FILE, [])
    sql("SET maintenance_work_mem = '512MB'")
    sql("SET synchronous_commit = off")
    constraints, indexes = secondary_indexes()
    for name, _ in constraints:
        sql(f'ALTER TABLE adoption_event DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        sql(f"DROP INDEX {name}")
    params = {
        "salt": "bench:",
        "batch": batch,
        "first": first,
        "days": days,
        "n": n,
        "active": ACTIVE_PER_DAY,
        "users": USERS,
        "floating": FLOATING,
    }
    seconds["insert"] = timed(f"INSERT ... SELECT {n:,} events", INSERT_EVENTS, params)
    started = time.perf_counter()
    for name, definition in constraints:
        sql(f'ALTER TABLE adoption_event ADD CONSTRAINT "{name}" {definition}')
    for _, definition in indexes:
        sql(definition)
    seconds["indexes"] = time.perf_counter() - started
    print(f"  rebuild {len(constraints) + len(indexes)} indexes: {seconds['indexes']:.1f} s")
    seconds["analyze"] = timed("ANALYZE", "ANALYZE adoption_event")
    sql("RESET maintenance_work_mem")
    sql("RESET synchronous_commit")
    seconds["total"] = sum(seconds.values())
    return {"events": n, "days": days, "first": first, "last": last_day, "seconds": seconds}


# --------------------------------------------------------------------------------------------
# 2 and 3. Rollups
# --------------------------------------------------------------------------------------------


def rebuild_rollups() -> dict[str, Any]:
    from adoption.analytics import rollups  # noqa: PLC0415

    started = time.perf_counter()
    result = rollups.rebuild_all()
    seconds = time.perf_counter() - started
    several = sql("SELECT count(*) FROM adoption_dailyuseractivity WHERE in_several_areas")[0][0]
    print(
        f"Full rollup rebuild: {seconds:.1f} s ({result.rollup_rows:,} rollup rows, "
        f"{result.activity_rows:,} user-activity rows, {several:,} of them of people active "
        f"in two areas that day, {result.days} days)",
        flush=True,
    )
    return {"seconds": seconds, "rollup_rows": result.rollup_rows, "days": result.days}


def incremental_rollup(n: int, days: int, day: dt.date, repeat: int = 3) -> dict[str, Any]:
    """A one-day batch for ``day`` (the day's share of the events), then the worker's rollup
    of that batch, timed ``repeat`` times (the first is the real one; the others show the
    re-run of an idempotent task)."""
    from adoption.analytics import rollups  # noqa: PLC0415

    per_day = n // days
    sql("DELETE FROM adoption_event WHERE local_date = %s", [day])
    batch = bench_batch(DAY_BATCH_FILE, [day])
    sql(
        INSERT_EVENTS,
        {
            "salt": f"bench-day-{day}:",
            "batch": batch,
            "first": day,
            "days": 1,
            "n": per_day,
            "active": ACTIVE_PER_DAY,
            "users": USERS,
            "floating": FLOATING,
        },
    )
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = rollups.rollup_batch(batch)
        times.append(time.perf_counter() - started)
    assert result is not None  # noqa: S101 - bench script
    print(
        f"Incremental rollup of a 1-day batch ({per_day:,} events): "
        + ", ".join(f"{t:.2f} s" for t in times)
        + f" ({result.rollup_rows:,} rollup rows, {result.activity_rows:,} activity rows)",
        flush=True,
    )
    return {"events": per_day, "seconds": times, "rollup_rows": result.rollup_rows}


# --------------------------------------------------------------------------------------------
# 4. Load
# --------------------------------------------------------------------------------------------


def executive_session(go_live_id: int) -> str:
    """A signed-in session for the demo executive, stored as the login view stores one, with
    ``go_live_id`` chosen in the go-live switcher."""
    from django.conf import settings  # noqa: PLC0415
    from django.contrib.auth import (  # noqa: PLC0415
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
    )
    from django.contrib.sessions.backends.db import SessionStore  # noqa: PLC0415
    from golive.models import User  # noqa: PLC0415
    from golive.navigation import SESSION_GO_LIVE_KEY  # noqa: PLC0415

    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"  # noqa: S101
    user = User.objects.get(username=EXECUTIVE)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SESSION_GO_LIVE_KEY] = go_live_id
    session.create()
    return str(session.session_key)


def live_go_live(last_day: dt.date) -> Any:
    """The demo programme's latest go-live on or before ``last_day``."""
    from golive.models import GoLive  # noqa: PLC0415

    go_live = (
        GoLive.objects.filter(
            programme__organisation__ods_code=ODS_CODE, user_go_live_date__lte=last_day
        )
        .order_by("-user_go_live_date")
        .first()
    )
    assert go_live is not None  # noqa: S101 - bench script
    return go_live


def endpoints(go_live: Any, last_day: dt.date) -> list[tuple[str, str]]:
    """(label, path) of what is loaded: the baseline first."""
    from adoption.models import Metric  # noqa: PLC0415

    programme = go_live.programme
    year = f"start={last_day - dt.timedelta(days=364)}&end={last_day}"
    pathology = Metric.objects.get(programme=programme, name="Pathology orders per day")
    active = Metric.objects.get(programme=programme, name="Active users per day")
    area = go_live.areas.order_by("pk").first()
    assert area is not None  # noqa: S101 - bench script
    found = [
        ("trivial view /healthz", "/healthz"),
        ("go-live dashboard (default range)", "/adoption/dashboard/"),
        ("go-live dashboard, a year", f"/adoption/dashboard/?{year}"),
        ("area drill-down, every metric, a year", f"/adoption/dashboard/areas/{area.pk}/?{year}"),
        (
            "API series: pathology orders, a year, all areas",
            f"/api/v1/metrics/{pathology.pk}/series/?{year}",
        ),
        (
            "API series: active users, a year, all areas",
            f"/api/v1/metrics/{active.pk}/series/?{year}",
        ),
    ]
    with contextlib.suppress(Exception):
        from django.urls import reverse  # noqa: PLC0415

        url = reverse("adoption:programme_dashboard")
        found.insert(2, ("programme dashboard (default range)", url))
        found.insert(3, ("programme dashboard, a year", f"{url}?{year}"))
    return found


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn),
        "golive.wsgi:application",
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
    ]
    server = subprocess.Popen(
        command,
        env=env,
        cwd=PROJECT_DIR,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    import requests  # noqa: PLC0415

    for _ in range(100):
        with contextlib.suppress(requests.RequestException):
            answer = requests.get(
                f"http://127.0.0.1:{port}/healthz",
                headers=HEADERS,
                timeout=2,
                allow_redirects=False,
            )
            if answer.status_code == 200:
                return server
        time.sleep(0.2)
    stop_server(server)
    raise SystemExit(f"gunicorn did not start; see {log}")


def stop_server(server: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


HEADERS = {
    # What the TLS-terminating proxy adds in production (SECURE_SSL_REDIRECT is on).
    "X-Forwarded-Proto": "https",
}


def check(base: str, path: str, cookie: str) -> float:
    """One request must succeed (no redirect to the log-in page); returns its time in ms."""
    import requests  # noqa: PLC0415

    started = time.perf_counter()
    response = requests.get(
        base + path,
        headers={**HEADERS, "Cookie": f"sessionid={cookie}"},
        allow_redirects=False,
        timeout=120,
    )
    elapsed = 1000 * (time.perf_counter() - started)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}: {response.text[:300]}")
    return elapsed


def wrk(base: str, path: str, cookie: str, args: argparse.Namespace, script: Path) -> dict:
    command = [
        "wrk",
        f"-t{min(args.connections, 2)}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        "-H",
        f"Cookie: sessionid={cookie}",
        *(part for name, value in HEADERS.items() for part in ("-H", f"{name}: {value}")),
        base + path,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK_JSON "))
    result = json.loads(line.removeprefix("WRK_JSON "))
    result["rps"] = result["requests"] / result["seconds"]
    return result


def load(args: argparse.Namespace, env: dict[str, str], last_day: dt.date) -> list[dict]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed for the load test: apt-get install wrk")
    go_live = live_go_live(last_day)
    cookie = executive_session(go_live.pk)
    targets = endpoints(go_live, last_day)
    from django.db import connection  # noqa: PLC0415

    connection.close()  # the server must not wait on this process's transaction
    script = args.work_dir / "report.lua"
    script.write_text(WRK_SCRIPT)
    base = f"http://127.0.0.1:{args.port}"
    server = start_server(env, args.port, args.work_dir / "gunicorn.log")
    rows: list[dict] = []
    try:
        from django.core.cache import cache  # noqa: PLC0415

        for label, path in targets:
            # Cold: nothing computed yet (as after an import), then warm under load.
            cache.clear()
            cold = check(base, path, cookie)
            for _ in range(3):  # warm both workers' connections and caches
                check(base, path, cookie)
            result = wrk(base, path, cookie, args, script)
            result |= {"label": label, "path": path, "first_request_ms": cold}
            rows.append(result)
            print(
                f"  {label}: {result['rps']:.0f} req/s, p50 {result['p50_ms']:.1f} ms, "
                f"p95 {result['p95_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms"
                + (f", {result['non2xx']} non-2xx" if result["non2xx"] else ""),
                flush=True,
            )
        # What the rollup task's warming buys: from an empty cache, warm the programme's
        # default views (as the worker does after an import), then one request each.
        from adoption.analytics import dashboard  # noqa: PLC0415
        from django.utils import timezone  # noqa: PLC0415

        cache.clear()
        started = time.perf_counter()
        views = dashboard.warm_programme(go_live.programme, today=timezone.localdate())
        warm_seconds = time.perf_counter() - started
        print(f"  warming {views} default views: {warm_seconds:.1f} s", flush=True)
        for row in rows:
            row["after_warming_ms"] = check(base, row["path"], cookie)
            row["warming_seconds"] = warm_seconds
    finally:
        stop_server(server)
    base_row = rows[0]
    for row in rows:
        row["p50_ratio"] = row["p50_ms"] / base_row["p50_ms"]
        row["p95_ratio"] = row["p95_ms"] / base_row["p95_ms"]
    return rows


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    head = subprocess.run(
        ["git", "-C", str(PROJECT_DIR), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "postgresql": sql("SHOW server_version")[0][0],
        "commit": head.stdout.strip(),
    }


def report(results: dict[str, Any], args: argparse.Namespace) -> None:
    print(
        f"\nLoad: wrk, {args.connections} connections, {args.duration} s per endpoint, "
        f"gunicorn 2 sync workers; load average before: {results['machine']['load_average']}"
    )
    print(
        "| endpoint | cold ms | after warming ms | req/s | p50 ms | p95 ms | p99 ms "
        f"| p95 ÷ trivial | p95 < {TARGET_P95_MS:g} |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |")
    for row in results.get("load", []):
        ok = "yes" if row["p95_ms"] < TARGET_P95_MS else "**no**"
        print(
            f"| {row['label']} | {row['first_request_ms']:.0f} | "
            f"{row.get('after_warming_ms', float('nan')):.0f} | {row['rps']:.0f} | "
            f"{row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['p99_ms']:.1f} | "
            f"{row['p95_ratio']:.1f} | {ok} |"
        )
    incremental = results.get("incremental")
    if incremental:
        first = incremental["seconds"][0]
        verdict = "yes" if first < TARGET_INCREMENTAL_S else "no"
        print(
            f"\nIncremental rollup (1 day): {first:.2f} s (< {TARGET_INCREMENTAL_S:g} s: {verdict})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/golive-analytics-bench"))
    parser.add_argument("--reuse", action="store_true", help="keep events if the count matches")
    parser.add_argument("--skip", default="", help="comma list of rollup,incremental,load")
    parser.add_argument("--connections", type=int, default=4, help="wrk concurrent connections")
    parser.add_argument("--duration", type=int, default=20, help="seconds of load per endpoint")
    parser.add_argument("--port", type=int, default=8794)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument("--force", action="store_true", help="allow a database without 'bench'")
    args = parser.parse_args()
    skip = {part for part in args.skip.split(",") if part}

    if "bench" not in urlsplit(args.database_url).path and not args.force:
        raise SystemExit("The database name must contain 'bench' (it is truncated).")
    args.work_dir.mkdir(parents=True, exist_ok=True)
    env = bench_environment(args)
    os.environ.update(env)
    ensure_database(args.database_url)
    django_setup()
    prepare_database()
    from django.utils import timezone  # noqa: PLC0415

    today = timezone.localdate()
    day_batch = today - dt.timedelta(days=1)
    last_day = day_batch - dt.timedelta(days=1)
    results: dict[str, Any] = {"machine": machine(), "args": vars(args) | {"skip": sorted(skip)}}
    info = results["machine"]
    print(
        f"Machine: {info['cpus']} cores, {info['memory_gb']} GB, load {info['load_average']}, "
        f"PostgreSQL {info['postgresql']}; project at {info['commit']}",
        flush=True,
    )
    have = sql("SELECT count(*) FROM adoption_event WHERE local_date <= %s", [last_day])[0][0]
    if args.reuse and have == args.events:
        print(f"Reusing {have:,} events", flush=True)
    else:
        results["generate"] = generate_events(args.events, args.days, last_day)
    if "rollup" not in skip:
        sql("DELETE FROM adoption_event WHERE local_date > %s", [last_day])
        results["rollup"] = rebuild_rollups()
    if "incremental" not in skip:
        results["incremental"] = incremental_rollup(args.events, args.days, day_batch)
    if "load" not in skip:
        # This machine's PostgreSQL runs without autovacuum: the seeded tables (areas, staff,
        # grants) would have no statistics, as no production database would on the day.
        sql("ANALYZE")
        print("Load test", flush=True)
        results["load"] = load(args, env, day_batch)
    report(results, args)
    out = args.work_dir / f"results-{args.events}-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nResults: {out}")


if __name__ == "__main__":
    main()
