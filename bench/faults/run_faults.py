"""Fault injection: kill and restart the real parts under imports and prove nothing is lost.

    .venv/bin/python bench/faults/run_faults.py --rows 1000000           # by hand
    .venv/bin/python bench/faults/run_faults.py --rows 200000 --quick    # what CI runs

Starts a private PostgreSQL cluster and Redis (see cluster.py), migrates, and runs:

- kill-worker:        SIGKILL the worker mid-import; restart it, sweep → exactly the file's rows.
- redis-restart:      SIGKILL Redis with batches queued and one running (every queued message
                      is lost: Redis keeps nothing on disk); restart, sweep → every batch
                      reaches a final state, exact counts.
- postgres-restart:   crash PostgreSQL (immediate stop) while a batch is merging; restart →
                      the task retries (or the sweeper re-queues), exact counts.
- duplicate-delivery: the same batch task delivered five times to three workers at once →
                      one claim, one merge, exact counts.
- readyz:             /readyz on gunicorn turns 503 within seconds when Redis or the worker is
                      down, and 200 again after each comes back.

Exits non-zero if any scenario fails; prints a results table (copy it to bench/README.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.faults.cluster import (
    ROOT,
    PrivatePostgres,
    PrivateRedis,
    WebServer,
    Worker,
    wait_for,
)

HEADER = "event_id,occurred_at,event_type,order_type,user_id,role,area,patient_id"
SCENARIOS = ("kill-worker", "redis-restart", "postgres-restart", "duplicate-delivery", "readyz")


@dataclass
class Outcome:
    scenario: str
    ok: bool = True
    facts: dict[str, object] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def expect(self, condition: bool, failure: str) -> None:
        if not condition:
            self.ok = False
            self.failures.append(failure)


def write_extract(path: Path, rows: int, prefix: str) -> None:
    """A valid events extract whose event ids are unique across scenarios."""
    start = dt.datetime(2026, 9, 1, 8, 0)  # noqa: DTZ001 - local wall-clock time, as EPRs write
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for n in range(rows):
            when = start + dt.timedelta(seconds=n % 2_000_000)
            out.write(f"{prefix}{n},{when:%Y-%m-%d %H:%M:%S},login,,EPR{n % 400},nursing,N/WA,\n")


class Harness:
    """The private cluster plus this process's Django, pointed at it."""

    def __init__(self, work: Path, log_level: str = "WARNING") -> None:
        self.work = work
        self.log_level = log_level
        self.postgres = PrivatePostgres(work)
        self.redis = PrivateRedis(work)
        self.workers: list[Worker] = []
        self.web: WebServer | None = None

    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "DATABASE_URL": self.postgres.url,
            "REDIS_URL": self.redis.url,
            "GOLIVE_VAR_DIR": str(self.work / "var"),
            "DJANGO_SETTINGS_MODULE": "golive.settings",
            "IMPORT_STALL_SECONDS": "30",
            "HEARTBEAT_INTERVAL_SECONDS": "5",
            "HEARTBEAT_MAX_AGE_SECONDS": "10",
            "LOG_LEVEL": self.log_level,
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        return env

    def start(self) -> None:
        self.postgres.init()
        self.redis.start()
        os.environ.update(self.env())
        import django  # noqa: PLC0415 - configured only once the private cluster is up

        django.setup()
        from django.core.management import call_command  # noqa: PLC0415

        call_command("migrate", verbosity=0)
        self._make_trust()

    def _make_trust(self) -> None:
        from golive.models import Role  # noqa: PLC0415
        from tests import factories as f  # noqa: PLC0415

        organisation = f.OrganisationFactory(ods_code="RFX", name="Fault Trust")
        site = f.SiteFactory(organisation=organisation, code="N", name="North")
        f.AreaFactory(site=site, code="WA", name="Ward A")
        self.programme = f.ProgrammeFactory(organisation=organisation, name="EPR")
        self.user = f.UserFactory(username="pm")
        f.grant(self.user, Role.PROGRAMME_MANAGER, self.programme)

    def worker(self, name: str, loglevel: str = "WARNING") -> Worker:
        worker = Worker(self.env(), self.work / f"worker-{name}.log", loglevel)
        self.workers.append(worker)
        return worker

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        if self.web is not None:
            self.web.stop()
        self.redis.kill()
        self.postgres.stop()

    # Database access from this process survives the PostgreSQL crash by reconnecting.
    def db(self, read: Callable[[], object]) -> object:
        from django.db import connection  # noqa: PLC0415
        from django.db.utils import InterfaceError, OperationalError  # noqa: PLC0415

        for _ in range(100):
            try:
                return read()
            except (OperationalError, InterfaceError):
                connection.close()
                time.sleep(0.2)
        raise RuntimeError("the database did not come back")

    def upload(self, rows: int, prefix: str) -> int:
        from adoption.imports import services  # noqa: PLC0415

        path = self.work / f"{prefix}.csv"
        write_extract(path, rows, prefix)
        with path.open("rb") as upload:
            batch = services.create_import_batch(
                user=self.user, programme=self.programme, kind="events",
                profile_name="golive-events", upload=upload, file_name=path.name,
            )  # fmt: skip
        path.unlink()
        return batch.pk

    def batch(self, pk: int) -> dict[str, object]:
        from adoption.models import ImportBatch  # noqa: PLC0415

        return self.db(  # type: ignore[return-value]
            lambda: ImportBatch.objects.values(
                "status", "attempts", "rows_read", "rows_inserted", "heartbeat_at"
            ).get(pk=pk)
        )

    def events(self, batch_pk: int) -> int:
        from adoption.models import Event  # noqa: PLC0415

        return self.db(lambda: Event.objects.filter(batch_id=batch_pk).count())  # type: ignore[return-value]

    def final(self, pk: int) -> bool:
        from adoption.models import ImportBatch  # noqa: PLC0415

        return self.batch(pk)["status"] in ImportBatch.FINAL

    def wait_making_progress(self, pk: int, *, stalled_after: float, timeout: float) -> bool:
        """Wait for a batch to finish while it shows progress (its heartbeat or status
        changes); False if it stalls for ``stalled_after`` seconds or ``timeout`` passes."""
        began = last_change = time.monotonic()
        seen: tuple[object, object] | None = None
        while time.monotonic() - began < timeout:
            if self.final(pk):
                return True
            row = self.batch(pk)
            now = (row["status"], row["heartbeat_at"])
            if now != seen:
                seen, last_change = now, time.monotonic()
            elif time.monotonic() - last_change > stalled_after:
                return False
            time.sleep(0.5)
        return False

    def sweep_now(self) -> dict[str, int]:
        """What the periodic sweeper does once IMPORT_STALL_SECONDS (a lost message) and
        IMPORT_HEARTBEAT_STALE_SECONDS (a silent worker) have passed, without waiting for
        them: age the heartbeats and upload times, then sweep."""
        from adoption.imports import tasks  # noqa: PLC0415
        from adoption.models import ImportBatch  # noqa: PLC0415
        from django.conf import settings  # noqa: PLC0415
        from django.utils import timezone  # noqa: PLC0415

        longest = max(settings.IMPORT_STALL_SECONDS, settings.IMPORT_HEARTBEAT_STALE_SECONDS)
        past = timezone.now() - dt.timedelta(seconds=longest + 1)

        def age_and_sweep() -> dict[str, int]:
            unfinished = ImportBatch.objects.exclude(status__in=ImportBatch.FINAL)
            unfinished.filter(heartbeat_at__isnull=False).update(heartbeat_at=past)
            unfinished.update(uploaded_at=past)
            return tasks.sweep_stalled_imports()

        return self.db(age_and_sweep)  # type: ignore[return-value]


def kill_worker(h: Harness, rows: int) -> Outcome:
    out = Outcome("kill-worker")
    worker = h.worker("kill")
    worker.start()
    pk = h.upload(rows, "kw")
    started = wait_for(lambda: int(h.batch(pk)["rows_read"]) > 0, 120)  # type: ignore[call-overload]
    out.expect(started is not None, "the worker never started the batch")
    worker.kill()
    at_kill = h.batch(pk)
    out.facts["status when killed"] = at_kill["status"]
    out.facts["rows read when killed"] = at_kill["rows_read"]
    out.expect(h.events(pk) == 0, "rows were committed before the kill")
    worker.start()
    out.facts["sweep"] = h.sweep_now()
    out.expect(wait_for(lambda: h.final(pk), 900) is not None, "the batch never finished")
    done = h.batch(pk)
    out.facts["final"] = f"{done['status']}, attempt {done['attempts']}"
    out.expect(done["status"] == "committed", f"batch ended {done['status']}")
    out.expect(h.events(pk) == rows, f"{h.events(pk)} events, expected {rows}")
    worker.stop()
    return out


def redis_restart(h: Harness, rows: int) -> Outcome:
    out = Outcome("redis-restart")
    worker = h.worker("redis")
    worker.start()
    sizes = {"ra": rows // 2, "rb": rows // 4, "rc": rows // 4}
    batches = {prefix: h.upload(size, prefix) for prefix, size in sizes.items()}
    running = wait_for(lambda: int(h.batch(batches["ra"])["rows_read"]) > 0, 120)  # type: ignore[call-overload]
    out.expect(running is not None, "the first batch never started")
    h.redis.kill()
    out.facts["statuses when Redis died"] = {p: h.batch(pk)["status"] for p, pk in batches.items()}
    time.sleep(3)
    h.redis.start()
    # The running batch may finish meanwhile; the queued ones lost their messages with Redis.
    wait_for(lambda: h.batch(batches["ra"])["status"] != "validating", 300)
    if not worker.alive():
        out.facts["worker"] = "exited when Redis died; restarted"
        worker.start()
    out.facts["sweep"] = h.sweep_now()
    finished = wait_for(lambda: all(h.final(pk) for pk in batches.values()), 900)
    out.expect(finished is not None, "not every batch reached a final state")
    for prefix, pk in batches.items():
        done = h.batch(pk)
        count = h.events(pk)
        out.facts[f"batch {prefix}"] = f"{done['status']}, attempt {done['attempts']}, {count} rows"
        out.expect(done["status"] == "committed", f"batch {prefix} ended {done['status']}")
        out.expect(count == sizes[prefix], f"batch {prefix}: {count} rows, not {sizes[prefix]}")
    worker.stop()
    return out


def postgres_restart(h: Harness, rows: int) -> Outcome:
    out = Outcome("postgres-restart")
    worker = h.worker("postgres")
    worker.start()
    pk = h.upload(rows, "pg")
    merging = wait_for(lambda: h.batch(pk)["status"] == "loading", 300, every=0.02)
    out.expect(merging is not None, "never saw the batch merging")
    h.postgres.crash()
    out.facts["crashed during"] = "merge (status loading)"
    time.sleep(2)
    h.postgres.start()
    # The task puts the batch back in the queue once PostgreSQL answers again and its retry
    # (back-off 5 s) processes it from the start. Only if the batch stops making progress is
    # the sweeper brought in (as it would be after IMPORT_STALL_SECONDS).
    out.facts["recovered by"] = "the task's own retry"
    if not h.wait_making_progress(pk, stalled_after=45, timeout=900):
        if not worker.alive():
            worker.start()
        out.facts["recovered by"] = "the sweeper"
        out.facts["sweep"] = h.sweep_now()
        wait_for(lambda: h.final(pk), 900)
    done = h.batch(pk)
    out.facts["final"] = f"{done['status']}, attempt {done['attempts']}"
    out.expect(done["status"] == "committed", f"batch ended {done['status']}")
    count = h.events(pk)
    out.expect(count == rows, f"{count} events, expected {rows}")
    worker.stop()
    return out


def duplicate_delivery(h: Harness, rows: int) -> Outcome:
    from adoption.imports import tasks  # noqa: PLC0415

    out = Outcome("duplicate-delivery")
    pk = h.upload(rows, "dd")  # queued once by the upload, with no worker yet
    for _ in range(4):
        tasks.run_import.delay(pk)
    workers = [h.worker(f"dup{n}") for n in range(3)]
    for worker in workers:
        worker.start()
    out.expect(wait_for(lambda: h.final(pk), 900) is not None, "the batch never finished")
    time.sleep(3)  # let any late delivery try its claim
    done = h.batch(pk)
    out.facts["final"] = f"{done['status']}, attempt {done['attempts']}"
    out.expect(done["attempts"] == 1, f"claimed {done['attempts']} times")
    count = h.events(pk)
    out.expect(count == rows, f"{count} events, expected {rows}")
    for worker in workers:
        worker.stop()
    return out


def readyz(h: Harness, _rows: int) -> Outcome:
    out = Outcome("readyz")
    worker = h.worker("readyz")
    worker.start()
    h.web = WebServer(h.env(), h.work / "gunicorn.log")
    h.web.start()
    web = h.web

    def ready() -> bool:
        return web.status("/readyz") == 200

    def unavailable() -> bool:
        return web.status("/readyz") == 503

    steps: list[tuple[str, Callable[[], None], Callable[[], bool]]] = [
        ("ready at start", lambda: None, ready),
        ("503 after Redis killed", h.redis.kill, unavailable),
        ("200 after Redis restarted", h.redis.start, ready),
        ("503 after worker killed", worker.kill, unavailable),
        ("200 after worker restarted", worker.start, ready),
    ]
    for label, action, check in steps:
        action()
        seconds = wait_for(check, 60, every=0.25)
        out.facts[label] = "never" if seconds is None else f"{seconds:.1f} s"
        out.expect(seconds is not None and seconds <= 30, f"{label}: took {seconds}")
    web.stop()
    h.web = None
    worker.stop()
    return out


RUNNERS: dict[str, Callable[[Harness, int], Outcome]] = {
    "kill-worker": kill_worker,
    "redis-restart": redis_restart,
    "postgres-restart": postgres_restart,
    "duplicate-delivery": duplicate_delivery,
    "readyz": readyz,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--quick", action="store_true", help="smaller side batches (CI)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder and logs")
    parser.add_argument("--json", type=Path, help="also write the outcomes here")
    args = parser.parse_args()
    chosen = [name.strip() for name in args.scenarios.split(",") if name.strip()]
    unknown = set(chosen) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")

    work = Path(tempfile.mkdtemp(prefix="golive-faults-"))
    harness = Harness(work)
    outcomes: list[Outcome] = []
    started = time.monotonic()
    try:
        harness.start()
        for name in chosen:
            rows = args.rows if name != "duplicate-delivery" or not args.quick else 20_000
            began = time.monotonic()
            outcome = RUNNERS[name](harness, rows)
            outcome.facts["rows"] = rows
            outcome.facts["seconds"] = round(time.monotonic() - began, 1)
            outcomes.append(outcome)
            verdict = "PASS" if outcome.ok else "FAIL"
            print(f"{verdict} {name}: {json.dumps(outcome.facts, default=str)}")
            for failure in outcome.failures:
                print(f"    {failure}")
            sys.stdout.flush()
    finally:
        harness.stop()
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            import shutil  # noqa: PLC0415

            shutil.rmtree(work, ignore_errors=True)
    print("\n| scenario | result | facts |\n| --- | --- | --- |")
    for outcome in outcomes:
        facts = "; ".join(f"{key}: {value}" for key, value in outcome.facts.items())
        print(f"| {outcome.scenario} | {'pass' if outcome.ok else 'FAIL'} | {facts} |")
    print(f"\nall scenarios: {time.monotonic() - started:.0f} s (root: {ROOT})")
    if args.json:
        args.json.write_text(json.dumps([o.__dict__ for o in outcomes], default=str, indent=2))
    return 0 if outcomes and all(o.ok for o in outcomes) and len(outcomes) == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main())
