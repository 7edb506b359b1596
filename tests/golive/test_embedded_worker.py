"""The first-run setup (`make run`) must do background work for real: a worker beside the web
server, on kombu's filesystem transport, with no Redis installed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEND_AND_WAIT = """
import django
django.setup()
from golive.tasks import ping
print(ping.delay().get(timeout=60))
"""


def _embedded_env(var_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    }
    env.update(GOLIVE_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="golive.settings")
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def test_embedded_worker_runs_a_task_through_the_filesystem_broker(tmp_path: Path) -> None:
    env = _embedded_env(tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=180,
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "golive",
            "worker",
            "--pool",
            "solo",
            "--concurrency",
            "1",
            "--without-mingle",
            "--without-gossip",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        result = subprocess.run(  # noqa: S603 - fixed command line
            [sys.executable, "-c", SEND_AND_WAIT],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    assert result.stdout.strip() == "pong", result.stderr
    assert (tmp_path / "golive.sqlite3").exists()
