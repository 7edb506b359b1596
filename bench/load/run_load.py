"""Go-live-day load: 50 users for 10 minutes on gunicorn + PostgreSQL while a 1,000,000-row
extract imports.

    python3 -m venv /tmp/locust && /tmp/locust/bin/pip install locust   # not a project dep
    export DATABASE_URL=postgresql://root@127.0.0.1:5432/golive_bench_load
    .venv/bin/python bench/load/run_load.py --locust /tmp/locust/bin/locust \
        --users 50 --minutes 10 --import-rows 1000000

The database name must contain ``bench``. The first run migrates it and runs
``seed_demo --allow-non-debug`` (a few minutes); later runs reuse it. The script starts a
Celery worker and gunicorn (2 workers x 4 threads, ``DEBUG=false``, HTTPS with a throwaway
self-signed certificate, since production settings send cookies only over HTTPS), queues the
import, runs locust headless (bench/load/locustfile.py) and then checks:

- zero failed requests (any non-2xx/3xx, or a write that did not reach its success page);
- zero lost tickets: tickets in the database created during the run = quick logs locust saw
  succeed;
- the import committed every row.

It prints p50/p95/p99 per endpoint (locust's figures) as a table for bench/README.md and
exits non-zero if a check fails.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.faults.cluster import ROOT, Worker, free_port, wait_for

DESCRIPTIONS = [
    "Cannot log in on the ward PC, says smartcard not recognised",
    "Printer by the nurses station prints blank wristbands",
    "Order set for bloods missing the coagulation screen",
    "Medication chart will not load for one bay, spinning wheel",
    "Single sign-on keeps asking for password after lock screen",
    "Discharge letter template has the wrong consultant name",
    "Label printer in clinic room offline since the morning",
    "Do not know how to record fluid balance in the new system",
]


def django_env(base: dict[str, str], var_dir: Path) -> dict[str, str]:
    env = {
        **base,
        "GOLIVE_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "golive.settings",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def production_env(base: dict[str, str]) -> dict[str, str]:
    return {
        **base,
        "DEBUG": "false",
        "SECRET_KEY": "bench-load-" + "k" * 60,
        "PSEUDONYMISATION_KEY": "bench-load-pseudonymisation-key-" + "p" * 32,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # As behind the trust's reverse proxy: each simulated device sends its own address
        # (X-Forwarded-For), so per-client limits (sign-in, survey link) see many clients.
        "TRUSTED_PROXY_COUNT": "1",
    }


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(env: dict[str, str]) -> None:
    manage(env, "migrate", "--noinput", "-v0")
    import django  # noqa: PLC0415

    os.environ.update(env)
    django.setup()
    from django.contrib.auth import get_user_model  # noqa: PLC0415

    if not get_user_model().objects.filter(username="desk").exists():
        print("seeding the demo trust (a few minutes, once)")
        manage(env, "seed_demo", "--allow-non-debug")
    from django.db import connection  # noqa: PLC0415

    with connection.cursor() as cursor:
        # This machine's PostgreSQL runs without autovacuum, so a freshly seeded database
        # has no statistics and plans as if its tables were empty; production's would have
        # analysed them long before go-live day (as bench/load/profile_pages.py does).
        cursor.execute("VACUUM (ANALYZE)")


def targets(path: Path) -> None:
    """What the simulated users act on, read from the seeded database."""
    from adoption.models import Survey  # noqa: PLC0415
    from django.contrib.auth import get_user_model  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415
    from golive.access import Access  # noqa: PLC0415
    from golive.navigation import default_go_live  # noqa: PLC0415
    from readiness.assessment import selectors  # noqa: PLC0415
    from readiness.models import Criterion  # noqa: PLC0415

    chair = get_user_model().objects.get(username="chair")
    access = Access(chair)
    # Criterion pages belong to the go-live the switcher shows, by default this one.
    go_live = default_go_live(list(access.go_lives()), today=timezone.localdate())
    manual = list(
        Criterion.objects.filter(template__computed_key="", go_live=go_live)
        .select_related("go_live", "area", "template")
        .order_by("pk")[:400]
    )
    states = selectors.criterion_states(access, manual, today=timezone.localdate())
    editable = [state.criterion.pk for state in states if state.editable]
    survey = Survey.objects.filter(is_open=True).order_by("-pk").first()
    if not editable or survey is None:
        raise SystemExit("the demo has no criteria the chair may edit, or no open survey")
    path.write_text(
        json.dumps(
            {"criteria": editable, "survey_token": survey.token, "descriptions": DESCRIPTIONS}
        )
    )


def certificate(work: Path) -> tuple[Path, Path]:
    cert, key = work / "cert.pem", work / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def gunicorn(env: dict[str, str], work: Path, port: int) -> subprocess.Popen[bytes]:
    cert, key = certificate(work)
    with (work / "gunicorn.log").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "golive.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--threads", "4", "--timeout", "60", "--keep-alive", "30",
             "--certfile", str(cert), "--keyfile", str(key)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip


def queue_import(work: Path, rows: int) -> int:
    from adoption.imports import services  # noqa: PLC0415
    from adoption.models import ImportBatch  # noqa: PLC0415
    from django.contrib.auth import get_user_model  # noqa: PLC0415
    from golive.models import Programme  # noqa: PLC0415

    extract = work / "events.csv"
    # A seed of its own per run: event ids depend on it, so a rerun imports new events.
    seed = str(10 + ImportBatch.objects.count() % 80)
    subprocess.run(
        [sys.executable, "bench/generate_events.py", str(rows), str(extract), "--seed", seed],
        cwd=ROOT, check=True,
    )  # fmt: skip

    with extract.open("rb") as upload:
        batch = services.create_import_batch(
            user=get_user_model().objects.get(username="pm"),
            programme=Programme.objects.order_by("pk").first(),  # type: ignore[arg-type]
            kind="events", profile_name="golive-events", upload=upload, file_name="load.csv",
        )  # fmt: skip
    extract.unlink()
    return batch.pk


def percentiles(stats_csv: Path) -> list[dict[str, str]]:
    with stats_csv.open() as handle:
        return list(csv.DictReader(handle))


def main() -> int:  # noqa: PLR0915 - one linear script: start, load, check, report
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--locust", default="locust", help="the locust executable")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--import-rows", type=int, default=1_000_000)
    args = parser.parse_args()
    database = os.environ.get("DATABASE_URL", "")
    if "bench" not in database or not database.startswith("postgresql"):
        parser.error("DATABASE_URL must point at a PostgreSQL database whose name has 'bench'")

    work = Path(tempfile.mkdtemp(prefix="golive-load-"))
    env = django_env(dict(os.environ), work / "var")
    prepare(env)
    targets_file = work / "targets.json"
    targets(targets_file)
    served = production_env(env)
    manage(served, "collectstatic", "--noinput", "-v0")  # DEBUG=false serves the manifest
    port = free_port()
    worker = Worker(served, work / "worker.log")
    worker.start()
    web = gunicorn(served, work, port)
    from adoption.models import Event, ImportBatch  # noqa: PLC0415
    from support.models import Ticket  # noqa: PLC0415

    try:
        import ssl  # noqa: PLC0415
        import urllib.request  # noqa: PLC0415

        insecure = ssl._create_unverified_context()  # noqa: S323 - our own throwaway cert

        def up() -> bool:
            url = f"https://127.0.0.1:{port}/healthz"
            with urllib.request.urlopen(url, context=insecure, timeout=5) as response:
                return bool(response.status == 200)

        if wait_for(up, 60) is None:
            raise SystemExit(f"gunicorn did not start; see {work / 'gunicorn.log'}")
        batch_pk = queue_import(work, args.import_rows)
        started = dt.datetime.now(tz=dt.UTC)
        tickets_before = Ticket.objects.count()
        logged_file = work / "logged.json"
        locust_env = {
            **os.environ,
            "GOLIVE_LOAD_TARGETS": str(targets_file),
            "GOLIVE_LOAD_LOGGED": str(logged_file),
        }
        began = time.monotonic()
        subprocess.run(
            [args.locust, "-f", str(ROOT / "bench/load/locustfile.py"), "--headless",
             "-u", str(args.users), "-r", str(max(1, args.users // 10)),
             "--run-time", f"{int(args.minutes * 60)}s", "--host", f"https://127.0.0.1:{port}",
             "--csv", str(work / "locust"), "--only-summary", "--stop-timeout", "30"],
            env=locust_env, check=False,
        )  # fmt: skip
        seconds = time.monotonic() - began
        wait_for(lambda: ImportBatch.objects.get(pk=batch_pk).status in ImportBatch.FINAL, 1800)
    finally:
        web.terminate()
        web.wait(timeout=60)
        worker.stop()

    rows = percentiles(work / "locust_stats.csv")
    logged = json.loads(logged_file.read_text())["tickets"] if logged_file.exists() else -1
    created = Ticket.objects.filter(created_at__gte=started).count()
    batch = ImportBatch.objects.get(pk=batch_pk)
    imported = Event.objects.filter(batch_id=batch_pk).count()
    total = next(row for row in rows if row["Name"] == "Aggregated")
    failures = int(total["Failure Count"])

    print(f"\n{args.users} users for {seconds / 60:.1f} min; import of {args.import_rows:,} rows")
    print("\n| endpoint | requests | failures | p50 ms | p95 ms | p99 ms |")
    print("| --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print(
            f"| {row['Type']} {row['Name']} | {row['Request Count']} | {row['Failure Count']} "
            f"| {row['50%']} | {row['95%']} | {row['99%']} |"
        )
    print(f"\nfailed requests: {failures}")
    print(f"tickets: {tickets_before} before, {created} created during the run, {logged} "
          "quick logs locust saw succeed")  # fmt: skip
    print(f"import: {batch.status}, {imported:,} of {args.import_rows:,} rows")
    checks = {
        "zero failed requests": failures == 0,
        "zero lost tickets": created == logged,
        "the import committed every row": batch.status == "committed"
        and imported == args.import_rows,
    }
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'} {name}")
    print(f"logs and locust CSVs in {work}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
