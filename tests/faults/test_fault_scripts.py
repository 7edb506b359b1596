"""The fault-injection scripts (bench/faults/) in their quick form: real worker, Redis and
PostgreSQL processes killed and restarted, and nothing lost or doubled. Run them by hand with
a 1,000,000-row extract (see bench/README.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_every_fault_scenario_ends_with_exactly_the_files_rows_and_readyz_tracks_outages(
    tmp_path: Path,
) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    result = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, "bench/faults/run_faults.py", "--rows", "100000", "--quick",
         "--json", str(tmp_path / "outcomes.json")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    report = result.stdout + result.stderr[-4000:]
    assert result.returncode == 0, report
    for scenario in ("kill-worker", "redis-restart", "postgres-restart", "duplicate-delivery",
                     "readyz"):  # fmt: skip
        assert f"PASS {scenario}" in result.stdout, report


def test_ten_thousand_canary_nhs_numbers_appear_in_no_dump_log_broker_message_or_export() -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    result = subprocess.run(
        [sys.executable, "bench/faults/canary.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    table = result.stdout[result.stdout.find("| artefact") :]
    assert result.returncode == 0, table or (result.stdout + result.stderr)[-4000:]
    assert "| database dump (pg_dump) |" in table
    assert "| broker traffic (MONITOR) |" in table
