"""`make run` and `make worker` start Celery's beat as its own process beside the worker
(scripts/run_worker.sh), in one process group: killing the worker, even with SIGKILL, takes
beat down with it, and a second beat cannot start beside a running one. Real processes, with
the embedded default broker (files under a temporary var/), so nothing else is touched."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def _env(var_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "GOLIVE_", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW"))
    }
    return {**env, "GOLIVE_VAR_DIR": str(var_dir), "CELERY": CELERY,
            "WORKER_HEARTBEAT_THREAD": "false"}  # fmt: skip


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _children(pid: int) -> list[int]:
    command = ["ps", "-o", "pid=", "--ppid", str(pid)]
    found = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    return [int(word) for word in found.stdout.split()]


def _wait_for(check: object, timeout: float) -> bool:
    # Waiting for processes to start or stop, not measuring them: the deadline only stops a
    # hung test.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


@contextlib.contextmanager
def _script(
    tmp_path: Path, *command: str, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], list[int]]]:
    """The script, with beat and the worker (and ``command``) started; yields it and the
    processes it started."""
    stderr = (tmp_path / "stderr.txt").open("wb")
    script = subprocess.Popen(  # noqa: S603 - our own script
        [str(ROOT / "scripts" / "run_worker.sh"), *command], cwd=ROOT,
        env={**_env(tmp_path / "var"), **(env or {})},
        stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True,
    )  # fmt: skip
    pidfile = tmp_path / "var" / "celery" / "beat.pid"
    expected = 2 + bool(command)
    started: list[int] = []
    try:
        assert _wait_for(lambda: pidfile.exists() and len(_children(script.pid)) == expected, 90)
        started = _children(script.pid)
        yield script, started
    finally:
        if script.poll() is None:
            os.killpg(script.pid, signal.SIGTERM)
        script.wait(timeout=60)
        if not _wait_for(lambda: not any(_alive(pid) for pid in started), 30):
            os.killpg(script.pid, signal.SIGKILL)
        stderr.close()


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    with _script(tmp_path) as (script, _):
        yield script, tmp_path / "var" / "celery" / "beat.pid"


def test_killing_the_worker_with_sigkill_stops_beat_too(
    running: tuple[subprocess.Popen[bytes], Path],
) -> None:
    script, pidfile = running
    beat = int(pidfile.read_text().strip())
    (worker,) = [pid for pid in _children(script.pid) if pid != beat]

    os.kill(worker, signal.SIGKILL)

    assert _wait_for(lambda: not _alive(beat), 60), "beat outlived the worker"
    assert script.wait(timeout=30) != 0


def test_a_second_beat_refuses_to_start_beside_a_running_one(
    running: tuple[subprocess.Popen[bytes], Path], tmp_path: Path
) -> None:
    _, pidfile = running

    second = subprocess.run(  # noqa: S603 - fixed arguments
        [CELERY, "-A", "golive", "beat", "--pidfile", str(pidfile)], cwd=ROOT,
        env=_env(tmp_path / "var"), capture_output=True, text=True, timeout=90, check=False,
    )  # fmt: skip

    assert second.returncode != 0
    assert "already" in (second.stdout + second.stderr).lower()


def test_make_run_and_make_worker_start_beat_through_the_script_not_embedded() -> None:
    command = ["make", "-n", "run", "worker"]
    planned = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603
    planned_text = planned.stdout

    assert planned_text.count("scripts/run_worker.sh") == 2
    assert "--beat" not in planned_text


# Stand-ins for a worker in warm shutdown (finishing its task) and for one that never stops.
SLOW_TO_STOP = (
    "import signal, sys, time\n"
    "signal.signal(signal.SIGTERM, lambda *_: (time.sleep(3), sys.exit(0)))\n"
    "while True: time.sleep(0.1)\n"
)
NEVER_STOPS = (
    "import signal, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "while True: time.sleep(0.1)\n"
)


def test_the_script_returns_only_once_every_process_it_started_has_ended(
    tmp_path: Path,
) -> None:
    with _script(tmp_path, sys.executable, "-c", SLOW_TO_STOP) as (script, started):
        os.kill(script.pid, signal.SIGTERM)  # as `make run` is stopped
        script.wait(timeout=60)

        left_running = [pid for pid in started if _alive(pid)]

    assert left_running == []


def test_a_process_still_running_after_the_grace_time_is_killed(tmp_path: Path) -> None:
    grace = {"STOP_GRACE_SECONDS": "2"}
    with _script(tmp_path, sys.executable, "-c", NEVER_STOPS, env=grace) as (script, started):
        os.kill(script.pid, signal.SIGTERM)
        script.wait(timeout=60)

        left_running = [pid for pid in started if _alive(pid)]

    assert left_running == []
    assert "still running after 2s; killing it" in (tmp_path / "stderr.txt").read_text()


@pytest.mark.skipif(shutil.which("dash") is None, reason="needs a shell other than bash")
def test_an_old_bash_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    dash = str(shutil.which("dash"))
    old_bash = {**_env(tmp_path / "var"), "BASH_VERSION": "3.2.57(1)-release"}  # macOS's bash
    result = subprocess.run(  # noqa: S603 - our own script
        [dash, str(ROOT / "scripts" / "run_worker.sh")], cwd=ROOT, env=old_bash,
        capture_output=True, text=True, timeout=30, check=False, start_new_session=True,
    )  # fmt: skip

    assert result.returncode == 2
    assert "needs bash 4.3 or later; this is 3.2.57(1)-release" in result.stderr
