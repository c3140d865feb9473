"""The build benchmark keeps running: ``--smoke`` does every step once on a copy of the project (a real
build, a warm rebuild, a data edit, a section rerun beside plain papermill), without the baseline build."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO, subprocess_env

pytestmark = pytest.mark.build


def test_the_build_benchmark_runs_in_its_smoke_mode(tmp_path):
    results = tmp_path / "smoke.json"
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "build_benchmark.py"), "--smoke", "--results", str(results)],
        capture_output=True, text=True, env=subprocess_env(), cwd=REPO, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "cold build" in done.stdout and "only pages using figures.csv re-ran: True" in done.stdout
    measured = json.loads(results.read_text(encoding="utf-8"))
    assert measured["cold_build_seconds"] > 0 and measured["cold_build_peak_mib"] > 0
    assert measured["one_section_rerun_seconds"] > 0 and measured["plain_papermill_same_section_seconds"] > 0
