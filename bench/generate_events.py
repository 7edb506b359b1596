#!/usr/bin/env python3
"""Write a realistic reference-format EPR events extract (profile ``golive-events``).

    python bench/generate_events.py 1000000 /tmp/events-1m.csv [--gz] [--seed 1]

Every row is valid for the demo trust built by ``seed_demo --staff 4000``: user ids
EPR100001..EPR104000, area codes read from ``golive/demo.py`` (SITES), NHS numbers in the
999 test range with a correct modulus 11 check digit, local (Europe/London) times over the
120 days ending yesterday, so nothing is in the future. The mix is plausible rather than
uniform: each user has a role, a home area and an activity level; the event types follow
the role; activity follows the working day and the week; rows come in time order, as EPR
audit extracts do. Needs nothing but the standard library (no Django), and streams: memory
stays flat whatever N is. About 1,000,000 rows in 3-4 seconds on a 2-core machine.
"""

from __future__ import annotations

import argparse
import ast
import bisect
import datetime as dt
import gzip
import itertools
import random
import sys
import time
from pathlib import Path

HEADER = "event_id,occurred_at,event_type,order_type,user_id,role,area,patient_id\n"
DEMO_FILE = Path(__file__).resolve().parent.parent / "golive" / "demo.py"
DAYS = 120

# Share of staff per role group, as golive/demo.py seeds them.
ROLE_WEIGHTS = {
    "nursing": 45,
    "medical": 18,
    "ahp": 10,
    "admin": 12,
    "support": 8,
    "pharmacy": 3,
    "scientific": 3,
    "other": 1,
}
# What each role group does in the EPR (relative weights).
EVENT_MIX = {
    "nursing": {
        "login": 8,
        "login_failed": 0.4,
        "order_placed": 4,
        "result_viewed": 12,
        "note_signed": 6,
        "documentation": 40,
        "medication_administered": 28,
        "procedure_recorded": 2,
    },
    "medical": {
        "login": 6,
        "login_failed": 0.4,
        "order_placed": 26,
        "result_viewed": 34,
        "note_signed": 20,
        "documentation": 8,
        "medication_administered": 1,
        "procedure_recorded": 5,
    },
    "ahp": {
        "login": 10,
        "login_failed": 0.5,
        "order_placed": 6,
        "result_viewed": 14,
        "note_signed": 14,
        "documentation": 50,
        "procedure_recorded": 6,
    },
    "admin": {
        "login": 55,
        "login_failed": 2,
        "result_viewed": 10,
        "documentation": 33,
    },
    "support": {
        "login": 45,
        "login_failed": 2,
        "order_placed": 3,
        "result_viewed": 5,
        "documentation": 40,
        "procedure_recorded": 5,
    },
    "pharmacy": {
        "login": 8,
        "login_failed": 0.4,
        "order_placed": 10,
        "result_viewed": 20,
        "note_signed": 12,
        "documentation": 20,
        "medication_administered": 30,
    },
    "scientific": {
        "login": 10,
        "login_failed": 0.4,
        "result_viewed": 50,
        "documentation": 30,
        "procedure_recorded": 10,
    },
    "other": {"login": 40, "login_failed": 2, "result_viewed": 8, "documentation": 50},
}
ORDER_MIX = {"pathology": 55, "radiology": 25, "pharmacy": 12, "microbiology": 6, "other": 2}
# Activity by local hour of day (a day shift peak, a quieter night).
HOUR_WEIGHTS = [
    3,
    2,
    2,
    2,
    2,
    3,
    5,
    9,
    14,
    16,
    16,
    15,
    13,
    14,
    15,
    14,
    13,
    11,
    9,
    8,
    7,
    6,
    5,
    4,
]
WEEKDAY_WEIGHTS = [1.0, 1.0, 1.0, 0.98, 0.95, 0.62, 0.55]  # Monday first
EVENTS_WITHOUT_PATIENT = {"login", "login_failed"}
TABLE = 1024  # pre-drawn lookup tables: a random index is cheaper than random.choices


def demo_areas(path: Path = DEMO_FILE) -> list[str]:
    """``SITE/CODE`` for every area the demo trust has, read from ``SITES`` without Django."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        target = getattr(node, "target", None) or (getattr(node, "targets", None) or [None])[0]
        if isinstance(target, ast.Name) and target.id == "SITES" and node.value is not None:
            sites = node.value
            break
    else:
        raise SystemExit(f"SITES not found in {path}")
    codes = []
    for site_key, value in zip(sites.keys, sites.values, strict=True):
        rows = value.elts[1].elts  # (name, [(code, name, type, specialty), ...])
        codes.extend(f"{site_key.value}/{row.elts[0].value}" for row in rows)
    return codes


def nhs_check_digit(nine: str) -> int | None:
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def test_nhs_numbers(rng: random.Random, count: int) -> list[str]:
    """Valid NHS numbers from the 999 range, which is never issued to real patients."""
    found: set[str] = set()
    while len(found) < count:
        nine = f"999{rng.randrange(10**6):06d}"
        check = nhs_check_digit(nine)
        if check is not None:
            found.add(f"{nine}{check}")
    numbers = sorted(found)
    rng.shuffle(numbers)
    return numbers


def drawn(rng: random.Random, weights: dict[str, float]) -> list[str]:
    return rng.choices(list(weights), list(weights.values()), k=TABLE)


def generate(rows: int, out, *, seed: int, staff: int, today: dt.date) -> None:
    rng = random.Random(seed)
    areas = demo_areas()
    theatres_and_services = [
        a
        for a in areas
        if a.split("/")[1]
        in {
            "THM",
            "THD",
            "RAD",
            "PHA",
            "PATH",
            "THS",
            "RADS",
            "PHS",
            "RIVX",
            "ED",
            "UTC",
        }
    ]
    roles = list(ROLE_WEIGHTS)
    role_tables = {role: drawn(rng, EVENT_MIX[role]) for role in roles}
    order_table = drawn(rng, ORDER_MIX)
    # Each user: id, role label in the extract (3% blank, as EPRs leave it unset), home area,
    # and an activity weight (a few heavy users, a long tail).
    users = []
    weights = []
    for index in range(1, staff + 1):
        role = rng.choices(roles, list(ROLE_WEIGHTS.values()))[0]
        label = "" if rng.random() < 0.03 else role
        users.append((f"EPR{100000 + index}", label, rng.choice(areas), role_tables[role]))
        weights.append(rng.lognormvariate(0, 0.9))
    cumulative = list(itertools.accumulate(weights))
    patients = test_nhs_numbers(rng, max(500, min(rows // 12, 900_000)))
    n_patients = len(patients)

    first = today - dt.timedelta(days=DAYS)
    days = [first + dt.timedelta(days=i) for i in range(DAYS)]
    day_weights = [WEEKDAY_WEIGHTS[d.weekday()] for d in days]
    scale = rows / sum(day_weights)
    counts = [int(w * scale) for w in day_weights]
    for i in range(rows - sum(counts)):
        counts[i % DAYS] += 1
    hour_cum = list(itertools.accumulate(HOUR_WEIGHTS))
    seconds = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]

    write = out.write
    write(HEADER)
    event_id = 7_000_000_000 + seed * 100_000_000
    random_ = rng.random
    bits = rng.getrandbits
    total_hours = hour_cum[-1]
    total_users = cumulative[-1]
    for day, count in zip(days, counts, strict=True):
        prefix = day.isoformat() + " "
        tods = sorted(
            bisect.bisect(hour_cum, random_() * total_hours) * 3600 + bits(12) % 3600
            for _ in range(count)
        )
        lines = []
        append = lines.append
        for tod in tods:
            user_id, role, home, table = users[bisect.bisect(cumulative, random_() * total_users)]
            event_type = table[bits(10)]
            r = random_()
            area = home if r < 0.9 else theatres_and_services[bits(10) % len(theatres_and_services)]
            if event_type == "order_placed" or (event_type == "result_viewed" and r < 0.7):
                order = order_table[bits(10)]
            else:
                order = ""
            patient = (
                ""
                if event_type in EVENTS_WITHOUT_PATIENT
                else patients[
                    int(random_() * random_() * n_patients)  # some patients have many events
                ]
            )
            event_id += 1
            append(
                f"{event_id},{prefix}{seconds[tod]},{event_type},{order},{user_id},{role},"
                f"{area},{patient}\n"
            )
        write("".join(lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", type=int, help="number of data rows")
    parser.add_argument("out", type=Path, help="output file (.csv or .csv.gz)")
    parser.add_argument("--gz", action="store_true", help="gzip the output (level 1)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--staff", type=int, default=4000, help="demo staff count (EPR ids)")
    parser.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=None,
        help="the extract ends the day before this date (default: today)",
    )
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("rows must be at least 1")
    started = time.perf_counter()
    today = args.today or dt.date.today()  # noqa: DTZ011 - a local calendar day
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.gz:
        with gzip.open(args.out, "wt", encoding="utf-8", newline="", compresslevel=1) as out:
            generate(args.rows, out, seed=args.seed, staff=args.staff, today=today)
    else:
        with args.out.open("w", encoding="utf-8", newline="", buffering=1 << 20) as out:
            generate(args.rows, out, seed=args.seed, staff=args.staff, today=today)
    elapsed = time.perf_counter() - started
    size = args.out.stat().st_size
    print(
        f"{args.rows:,} rows -> {args.out} ({size / 1e6:,.1f} MB) in {elapsed:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
