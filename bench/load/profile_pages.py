"""Each page of the go-live-day load mix, one request at a time, in-process: where the time
goes before anyone tunes a server.

    export DATABASE_URL=postgresql://root@127.0.0.1:5432/golive_bench_perf
    export REDIS_URL=redis://127.0.0.1:6379/13
    .venv/bin/python bench/load/profile_pages.py [--repeat 7] [--pages board,home] [--json F]

The database name must contain ``bench``, and ``REDIS_URL`` must be a Redis database of
its own: the script empties that cache before each page. The first run migrates it and runs
``seed_demo --allow-non-debug`` as bench/load/run_load.py does (a few minutes); later runs
reuse it. The writes in the mix (quick logs, criterion edits, survey answers, sign-ins) add
rows to it, as a load run does.

For every page of bench/load/locustfile.py, signed in as the user locust uses, the script
sends one request with the cache emptied (shown as "empty cache": the first reader after
the page's cache expires; it also compiles the templates), then ``--repeat`` measured ones,
through Django's test client with ``DEBUG=false`` and the production settings of the load
run (HTTPS, a proxy's X-Forwarded-For). Each request runs inside ``CaptureQueriesContext``,
which logs every query with its time. It prints, per page, the median wall time, this
process's CPU time (the web server's share of the work, steadier than wall time on a busy
machine), the query count and the median SQL time, as a table for bench/README.md. Before
measuring it runs ``VACUUM (ANALYZE)`` (see ``main``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.load.html_forms import form_on
from bench.load.run_load import DESCRIPTIONS, django_env, manage, prepare, production_env, targets

PASSWORD = "golive-demo-login"  # noqa: S105 - the documented demo password


def form_data(html: bytes, action: str, text: dict[str, str]) -> dict[str, str]:
    return form_on(html.decode(), action).filled(text)


@dataclass
class Page:
    """One entry of the locust mix: who asks, and ``prepare(client)``, which does what comes
    before the request unmeasured (say, reading the form) and returns the measured call. The
    call checks the response is what a user would see; a failed check stops the run."""

    name: str
    username: str | None
    prepare: Callable[[Any], Callable[[], Any]]
    first: float = 0.0
    walls: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # this process's, not PostgreSQL's
    sql: list[float] = field(default_factory=list)
    slowest: list[dict[str, str]] = field(default_factory=list)  # of the last request
    queries: list[int] = field(default_factory=list)


def device() -> dict[str, str]:
    """Headers of a device of its own behind the trust's proxy, over HTTPS."""
    address = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
    return {"HTTP_X_FORWARDED_FOR": address, "HTTP_X_FORWARDED_PROTO": "https"}


def expect(response: Any, status: int, what: str, contains: str = "") -> Any:
    location = response.headers.get("Location", "")
    if response.status_code != status or (contains and contains not in location):
        raise SystemExit(f"{what}: got {response.status_code} {location}")
    return response


def pages(plan: dict[str, Any]) -> list[Page]:
    htmx = {"HTTP_HX_REQUEST": "true"}
    survey = f"/adoption/feedback/s/{plan['survey_token']}/"

    def get(path: str, **headers: str) -> Callable[[Any], Callable[[], Any]]:
        return lambda client: lambda: expect(client.get(path, **device(), **headers), 200, path)

    def quick_log(client: Any) -> Callable[[], Any]:
        form = client.get("/support/log/", **device()).content
        data = form_data(
            form,
            "/support/log/",
            {"reporter": "Profile nurse, ext 4000", "description": random.choice(DESCRIPTIONS)},
        )
        return lambda: expect(
            client.post("/support/log/", data, **device()), 302, "quick log", "/support/tickets/"
        )

    def criterion_form(client: Any) -> Callable[[], Any]:
        return get(f"/readiness/criteria/{random.choice(plan['criteria'])}/", **htmx)(client)

    def criterion_edit(client: Any) -> Callable[[], Any]:
        path = f"/readiness/criteria/{random.choice(plan['criteria'])}/"
        form = client.get(path, **device(), **htmx).content
        rag = random.choice(["amber", "red"])
        data = form_data(form, path, {"rag": rag, "comment": f"Profile update: {rag}"})

        def post() -> Any:
            response = expect(client.post(path, data, **device(), **htmx), 200, "criterion edit")
            if b"nhsuk-error-summary" in response.content:
                raise SystemExit("criterion edit: the form came back with errors")
            return response

        return post

    def survey_answer(client: Any) -> Callable[[], Any]:
        data = form_data(client.get(survey, **device()).content, survey, {"comment": "Fine."})
        return lambda: expect(client.post(survey, data, **device()), 302, "survey", "thanks")

    def login(client: Any) -> Callable[[], Any]:
        client.logout()
        data = form_data(
            client.get("/accounts/login/", **device()).content,
            "/accounts/login/",
            {"username": "desk", "password": PASSWORD},
        )
        return lambda: expect(client.post("/accounts/login/", data, **device()), 302, "login")

    return [
        Page("GET desk: live board", "desk", get("/support/board/")),
        Page("GET desk: live board (htmx)", "desk", get("/support/board/", **htmx)),
        Page("GET desk: quick log (form)", "desk", get("/support/log/")),
        Page("POST desk: quick log", "desk", quick_log),
        Page("GET desk: ticket queue", "pm", get("/support/tickets/")),
        Page("GET exec: adoption dashboard", "exec", get("/adoption/dashboard/")),
        Page("GET exec: home", "exec", get("/")),
        Page("GET exec: readiness board", "exec", get("/readiness/board/")),
        Page("GET readiness: criterion edit (htmx) (form)", "chair", criterion_form),
        Page("POST readiness: criterion edit (htmx)", "chair", criterion_edit),
        Page("GET survey: form", None, get(survey)),
        Page("POST survey: answer", None, survey_answer),
        Page("GET login page", None, get("/accounts/login/")),
        Page("POST login", None, login),
    ]


def measure(page: Page, client: Any, repeat: int) -> None:
    """One request with the cache emptied (as the first reader after it expires), then
    ``repeat`` measured ones, the page's caches as a running server has them."""
    from django.core.cache import cache  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    for attempt in range(repeat + 1):
        call = page.prepare(client)
        if attempt == 0:
            cache.clear()  # this run's own Redis database (REDIS_URL)
        with CaptureQueriesContext(connection) as captured:
            began, cpu = time.perf_counter(), time.process_time()
            call()
            wall, cpu = time.perf_counter() - began, time.process_time() - cpu
        if attempt == 0:
            page.first = wall
            continue
        page.walls.append(wall)
        page.cpu.append(cpu)
        page.queries.append(len(captured.captured_queries))
        page.sql.append(sum(float(q["time"]) for q in captured.captured_queries))
        page.slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))


def ms(seconds: list[float]) -> str:
    return f"{statistics.median(seconds) * 1000:.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="measured requests per page")
    parser.add_argument("--pages", default="", help="only pages whose name has one of these")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--top", type=int, default=0, help="show each page's N slowest queries")
    work = Path(tempfile.gettempdir()) / "golive-profile"
    parser.add_argument("--work-dir", type=Path, default=work, help="var dir, static files")
    args = parser.parse_args()
    database = os.environ.get("DATABASE_URL", "")
    if "bench" not in database or not database.startswith("postgresql"):
        parser.error("DATABASE_URL must point at a PostgreSQL database whose name has 'bench'")

    args.work_dir.mkdir(parents=True, exist_ok=True)
    env = django_env(dict(os.environ), args.work_dir / "var")
    served = production_env(env)
    served["ALLOWED_HOSTS"] += ",testserver"  # the test client's host name
    served["CELERY_BROKER_URL"] = "memory://"  # writes queue work; nothing here runs it
    manage(served, "collectstatic", "--noinput", "-v0")  # DEBUG=false needs the manifest
    prepare(served)  # migrate, seed once, then django.setup() with these settings
    targets_file = args.work_dir / "targets.json"
    targets(targets_file)
    from django.db import connection  # noqa: PLC0415

    with connection.cursor() as cursor:
        # This machine's PostgreSQL runs without autovacuum, so a freshly seeded database
        # has no statistics and plans as if its tables were empty; production's would have
        # analysed them long before go-live day.
        cursor.execute("VACUUM (ANALYZE)")
    from django.contrib.auth import get_user_model  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    plan = json.loads(targets_file.read_text())
    wanted = [word.strip() for word in args.pages.split(",") if word.strip()]
    chosen = [p for p in pages(plan) if not wanted or any(w in p.name for w in wanted)]
    users = get_user_model().objects
    for page in chosen:
        client = Client()
        if page.username:
            client.force_login(users.get(username=page.username))
        measure(page, client, args.repeat)
        print(f"  {page.name}: {statistics.median(page.walls) * 1000:.0f} ms", file=sys.stderr)
        for query in page.slowest[: args.top]:
            took = float(query["time"]) * 1000
            print(f"    {took:6.1f} ms  {query['sql'][:150]}", file=sys.stderr)

    print(f"\nmedians of {args.repeat} requests per page, after one with an empty cache")
    print("\n| page | user | empty cache ms | ms | Python CPU ms | queries | SQL ms |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for page in chosen:
        print(
            f"| {page.name} | {page.username or '-'} | {page.first * 1000:.0f} "
            f"| {ms(page.walls)} | {ms(page.cpu)} | {statistics.median(page.queries):.0f} "
            f"| {ms(page.sql)} |"
        )
    total = sum(statistics.median(p.walls) for p in chosen)
    cpu = sum(statistics.median(p.cpu) for p in chosen)
    print(f"\nsums of the medians: {total * 1000:.0f} ms, Python CPU {cpu * 1000:.0f} ms")
    if args.json:
        rows = {
            p.name: {
                "first": p.first,
                "wall": p.walls,
                "cpu": p.cpu,
                "queries": p.queries,
                "sql": p.sql,
            }
            for p in chosen
        }
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
