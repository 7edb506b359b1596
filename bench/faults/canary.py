"""Canary run: 10,000 valid test NHS numbers go in; none may come out anywhere.

    .venv/bin/python bench/faults/canary.py               # 10,000 canaries (also what CI runs)
    .venv/bin/python bench/faults/canary.py --keep        # keep the artefacts to look at

On a private PostgreSQL and Redis (cluster.py), with every log at DEBUG, it:

1. imports an events extract whose patient ids are 10,000 distinct NHS numbers from the
   999 range (valid check digits, so they are read as real ones and pseudonymised), written
   plain, spaced (999 123 4567) and dashed;
2. imports a second extract using the same numbers in rows that fail (bad timestamps), so
   the batch is rejected and an error report is written;
3. logs a service-desk ticket over the API and comments on it with canaries in the free text
   and the reporter's name;

then collects the database dump (pg_dump), the worker's and this process's logs, everything
the broker carried (Redis MONITOR), the error report, the ticket API response and the CSV and
XLSX exports, and fails if any canary appears in any of them, plain, spaced or dashed.
Uploaded files are not scanned: the rejected upload is kept on purpose (for "commit valid
rows only") until IMPORT_RETENTION_DAYS, and is deleted with its batch.
"""

from __future__ import annotations

import argparse
import io
import logging
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.faults.cluster import wait_for
from bench.faults.run_faults import HEADER, Harness

CANARIES = 10_000
# Ten digits, optionally grouped 3-3-4 by spaces or dashes: every way the numbers went in.
_NUMBER = re.compile(rb"(?<!\d)(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)")


def nhs_check_digit(nine: str) -> int | None:
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def canaries(count: int) -> list[str]:
    """Distinct valid NHS numbers from the 999 range (never issued to patients)."""
    found: list[str] = []
    serial = 0
    while len(found) < count:
        nine = f"999{serial:06d}"
        serial += 1
        check = nhs_check_digit(nine)
        if check is not None:
            found.append(f"{nine}{check}")
    return found


def spelled(number: str, n: int) -> str:
    """Plain or spaced 3-3-4, the two spellings an extract may use (the scan also looks for
    dashed ones, which free text may use)."""
    if n % 2 == 1:
        return f"{number[:3]} {number[3:6]} {number[6:]}"
    return number


def extract(numbers: list[str], *, broken: bool) -> bytes:
    lines = [HEADER]
    for n, number in enumerate(numbers):
        when = "not a time" if broken else f"2026-09-0{1 + n % 7} {8 + n % 10:02d}:{n % 60:02d}:00"
        prefix = "BAD" if broken else "CAN"
        lines.append(f'{prefix}{n},{when},login,,EPR{n % 50},nursing,N/WA,"{spelled(number, n)}"')
    return ("\n".join(lines) + "\n").encode()


@dataclass
class Finding:
    artefact: str
    size: int
    leaked: int
    example: str


def scan(name: str, data: bytes, wanted: set[str]) -> Finding:
    leaked = {
        b"".join(match.groups()).decode()
        for match in _NUMBER.finditer(data)
        if b"".join(match.groups()).decode() in wanted
    }
    example = next(iter(sorted(leaked)), "")
    # Show only the last digits of a leak: this report must not be a leak of its own.
    return Finding(name, len(data), len(leaked), f"******{example[-4:]}" if example else "")


def xlsx_text(body: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(body)) as book:
        return b"\n".join(book.read(member) for member in book.namelist())


def load_canaries(harness: Harness, numbers: list[str]) -> dict[str, bytes] | None:
    """Put the canaries in through imports and the desk; return what users can get out."""
    from adoption.imports import services  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415
    from django.urls import reverse  # noqa: PLC0415
    from golive.models import Area  # noqa: PLC0415
    from tests import factories as f  # noqa: PLC0415

    area = Area.objects.get(code="WA")
    go_live = f.GoLiveFactory(programme=harness.programme, name="Wave 1", areas=[area])
    batches = {}
    for label, rows, broken in (("valid", numbers, False), ("rejected", numbers[:2000], True)):
        batches[label] = services.create_import_batch(
            user=harness.user, programme=harness.programme, kind="events",
            profile_name="golive-events", upload=io.BytesIO(extract(rows, broken=broken)),
            file_name=f"{label}.csv",
        ).pk  # fmt: skip
    if wait_for(lambda: all(harness.final(pk) for pk in batches.values()), 600) is None:
        print("the canary imports did not finish")
        return None
    print(f"imports: { {label: harness.batch(pk)['status'] for label, pk in batches.items()} }")

    client = Client(HTTP_HOST="localhost")
    client.force_login(harness.user)
    ticket = client.post(
        "/api/v1/tickets/",
        {
            "reporter_name": f"Ward clerk re {numbers[1]}",
            "reporter_contact": f"ext 4471 / {numbers[2][:3]}-{numbers[2][3:6]}-{numbers[2][6:]}",
            "area": area.pk,
            "description": f"Cannot open the record for {numbers[0]} or {numbers[3]}",
            "go_live": go_live.pk,
        },
        content_type="application/json",
    )
    if ticket.status_code != 201:
        print(f"logging the ticket failed: {ticket.status_code} {ticket.content[:300]!r}")
        return None
    bodies = {"ticket API (create)": ticket.content}
    urls = {
        "ticket API (read)": f"/api/v1/tickets/{ticket.json()['id']}/",
        "import error report": reverse("adoption:error_report", args=[batches["rejected"]]),
        "import batch page": reverse("adoption:batch", args=[batches["rejected"]]),
        "ticket export CSV": reverse("support:export_csv"),
        "ticket export XLSX": reverse("support:export_xlsx"),
        "staff export CSV": reverse("staff_export"),
    }
    for name, url in urls.items():
        response = client.get(url)
        body = response.content
        if name.endswith("XLSX") and response.status_code == 200:
            body = xlsx_text(body)
        bodies[f"{name} [{response.status_code}]"] = body
    return bodies


def run(keep: bool) -> int:
    work = Path(tempfile.mkdtemp(prefix="golive-canary-"))
    harness = Harness(work, log_level="DEBUG")
    numbers = canaries(CANARIES)
    artefacts: dict[str, bytes] = {}
    monitor: subprocess.Popen[bytes] | None = None
    try:
        harness.start()
        own_log = work / "this-process.log"
        handler = logging.FileHandler(own_log)
        logging.getLogger().addHandler(handler)
        logging.getLogger().setLevel(logging.DEBUG)
        broker_log = work / "broker-monitor.log"
        with broker_log.open("wb") as out:
            monitor = subprocess.Popen(
                ["redis-cli", "-p", str(harness.redis.port), "MONITOR"], stdout=out
            )
        time.sleep(0.5)
        worker = harness.worker("canary", loglevel="DEBUG")
        worker.start()
        bodies = load_canaries(harness, numbers)
        if bodies is None:
            return 1
        worker.stop()
        monitor.terminate()
        monitor.wait(timeout=10)
        handler.close()
        artefacts = {
            "database dump (pg_dump)": subprocess.run(
                [
                    "pg_dump",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(harness.postgres.port),
                    "-U",
                    "root",
                    "golive_faults",
                ],
                capture_output=True,
                check=True,
            ).stdout,
            "broker traffic (MONITOR)": broker_log.read_bytes(),
            "worker log (DEBUG)": (work / "worker-canary.log").read_bytes(),
            "web/this process log (DEBUG)": own_log.read_bytes(),
            "PostgreSQL server log": harness.postgres.log.read_bytes(),
            **bodies,
        }
    finally:
        if monitor is not None and monitor.poll() is None:
            monitor.kill()
        harness.stop()
        if keep:
            print(f"artefacts kept in {work}")
        else:
            import shutil  # noqa: PLC0415

            shutil.rmtree(work, ignore_errors=True)
    wanted = set(numbers)
    # The scan must be able to fail: the file that went in holds every canary.
    control = scan("control: the extract that went in", extract(numbers, broken=False), wanted)
    if control.leaked != len(numbers):
        print(f"the scan is broken: it found {control.leaked} canaries in the extract")
        return 1
    return report([scan(name, body, wanted) for name, body in artefacts.items()])


def report(findings: list[Finding]) -> int:
    print(f"\n{CANARIES:,} canary NHS numbers (999 range), plain, spaced or dashed\n")
    print("| artefact | bytes | canaries found |\n| --- | --- | --- |")
    for finding in findings:
        shown = f"{finding.leaked} (e.g. {finding.example})" if finding.leaked else "0"
        print(f"| {finding.artefact} | {finding.size:,} | {shown} |")
    # The server log may rightly be empty; everything else must have been exercised.
    empty = [f.artefact for f in findings if f.size == 0 and "PostgreSQL" not in f.artefact]
    if empty:
        print(f"\nempty artefacts (the run did not exercise them): {', '.join(empty)}")
    leaked = [finding for finding in findings if finding.leaked]
    return 1 if leaked or empty or not findings else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the artefacts")
    return run(parser.parse_args().keep)


if __name__ == "__main__":
    sys.exit(main())
