"""Private PostgreSQL, Redis, Celery workers and a web server for the fault scripts.

Each fault kills or restarts a real process. Doing that to the machine's own PostgreSQL or
Redis would break everything else using them, so the scripts start their own: a throwaway
PostgreSQL cluster (initdb, run as the ``postgres`` user when we are root, since PostgreSQL
refuses to run as root) and a Redis server that keeps nothing on disk, each on a free port.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(check: Callable[[], bool], timeout: float, every: float = 0.1) -> float | None:
    """Seconds until ``check()`` held, or None if it never did within ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if check():
                return time.monotonic() - started
        except Exception:  # noqa: S110 - the thing we wait for may be down: that is the point
            pass
        time.sleep(every)
    return None


def _pg_bindir() -> Path:
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=True)
        candidate = Path(found.stdout.strip())
        if (candidate / "initdb").exists():
            return candidate
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not versions:
        raise SystemExit("initdb not found: install PostgreSQL's server package")
    return versions[-1].parent


class PrivatePostgres:
    """A PostgreSQL cluster of our own, with trust auth for ``root`` on 127.0.0.1."""

    def __init__(self, work: Path) -> None:
        self.dir = work / "pgdata"
        self.socket_dir = work / "pgsock"
        self.log = work / "postgres.log"
        self.port = free_port()
        self.bindir = _pg_bindir()
        self._as_postgres = os.geteuid() == 0

    @property
    def url(self) -> str:
        return f"postgresql://root@127.0.0.1:{self.port}/golive_faults"

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def init(self) -> None:
        for path in (self.dir, self.socket_dir):
            path.mkdir(parents=True)
        self.log.touch()
        if self._as_postgres:
            postgres = pwd.getpwnam("postgres")
            for path in (self.dir, self.socket_dir, self.log):
                os.chown(path, postgres.pw_uid, postgres.pw_gid)
            self.dir.parent.chmod(0o755)
        self._run("initdb", "-D", str(self.dir), "-U", "root", "-A", "trust", "--no-sync")
        self.start()
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "root", "golive_faults"],
            check=True,
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.dir), "-l", str(self.log), "-o", options, "-w", "start")

    def crash(self) -> None:
        """Stop as a crash would (no checkpoint, clients cut off); recovery runs on start."""
        self._run("pg_ctl", "-D", str(self.dir), "-m", "immediate", "-w", "stop")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", str(self.dir), "-m", "fast", "-w", "stop")


class PrivateRedis:
    def __init__(self, work: Path) -> None:
        self.port = free_port()
        self.log = work / "redis.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        server = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--logfile", str(self.log)],
        )  # fmt: skip
        if wait_for(self.ping, 10) is None:
            raise SystemExit("the private Redis did not start")

    def ping(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    def kill(self) -> None:
        """SIGKILL: everything Redis held (queued messages included) is gone."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
            self.process = None


class Worker:
    """A Celery worker process, as `make run` starts one (solo pool, heartbeat thread)."""

    def __init__(self, env: dict[str, str], log: Path, loglevel: str = "WARNING") -> None:
        self.env = env
        self.log = log
        self.loglevel = loglevel
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "golive", "worker", "--pool", "solo",
                 "--concurrency", "1", "--without-mingle", "--without-gossip",
                 "--loglevel", self.loglevel],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)
            self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None


class WebServer:
    """gunicorn on a free loopback port, as in production."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "golive.wsgi", "--bind",
                 f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "4",
                 "--timeout", "60"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        if wait_for(lambda: self.status("/healthz") == 200, 60) is None:
            raise SystemExit(f"gunicorn did not start; see {self.log}")

    def status(self, path: str) -> int:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as r:
                return int(r.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None
