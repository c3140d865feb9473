#!/usr/bin/env python
"""Measure how fast the book builds, against the plain Jupyter Book way, on this machine.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/build_benchmark.py``). Works on
copies of the project in a temporary folder (the virtual environment is reused), prints one
line per figure and writes ``benchmarks/results/latest.json``.

Figures:
- cold build: the whole book from a clean copy (no executed notebooks, no site);
- warm rebuild: the same command again, nothing changed;
- one data row changed: a cell of figures.csv edited, then rebuilt (and which pages re-ran);
- one section rerun: ``caravan-book run narrative -p incident 2021-tapachula -o page.html``;
- baseline: the same pages as plain notebooks (parameters written into each copy) built by
  ``jupyter-book build`` with ``execute_notebooks: force``;
- page weight: each page's real first-visit transfer in headless chromium (every request: HTML,
  styles, scripts, images; uncompressed), as ``site_benchmark.py`` measures it. That script also
  runs Lighthouse and the Nu checker on a built site.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import yaml

from caravan_book import settings

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results" / "latest.json"
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))  # cold and baseline builds, each from a fresh copy; medians reported


def copy_project(dest: Path) -> Path:
    return settings.copy_project(dest, REPO)  # the one copy the tests make too


def timed(command: list[str], root: Path, cwd: Path | None = None) -> tuple[float, subprocess.CompletedProcess]:
    env = dict(os.environ, CARAVAN_BOOK_ROOT=str(root))
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd or root)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"benchmark step failed: {' '.join(command)}\n{done.stdout}\n{done.stderr}")
    return seconds, done


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "caravan_book", *args]


def edit_first_note(path: Path) -> None:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rows[0]["note"] = (rows[0]["note"] or "") + " (edited by the benchmark)"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def baseline_project(dest: Path, built: Path) -> Path:
    """The same pages as plain notebooks, parameters written in, executed by Jupyter Book."""
    root = copy_project(dest)
    generated = root / "book" / "generated"
    generated.mkdir(parents=True)
    pages = yaml.safe_load((root / "sections.yml").read_text())["pages"]
    for page in pages:
        notebook = nbformat.read(root / "notebooks" / f"{page['notebook']}.ipynb", as_version=4)
        for cell in notebook.cells:
            if "parameters" in cell.metadata.get("tags", []) and page.get("parameters"):
                cell.source += "\n" + "\n".join(f"{k} = {v!r}" for k, v in page["parameters"].items())
        nbformat.write(notebook, generated / f"{page['page']}.ipynb")
    shutil.copy2(built / "book" / "generated" / "teachers-guide.md", generated / "teachers-guide.md")
    config = yaml.safe_load((root / "_config.yml").read_text())
    config["execute"]["execute_notebooks"] = "force"
    (root / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return root


def page_weights(site: Path) -> dict[str, int]:
    """First-visit bytes of every page, all requests counted (see site_benchmark.transfers)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    import site_benchmark

    server, base = site_benchmark.serve(site)
    try:
        measured = site_benchmark.transfers(base, site_benchmark.site_pages(site))
    finally:
        server.shutdown()
    return {name: m["decoded_bytes"] for name, m in measured.items()}


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="caravan-bench-"))
    results: dict = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()}
    }
    try:
        cold_runs = []
        for attempt in range(REPEAT):
            root = copy_project(work / f"book-{attempt}")
            cold_runs.append(timed(cli("build"), root)[0])
        cold = statistics.median(cold_runs)
        warm_runs = [timed(cli("build"), root)[0] for _ in range(3)]
        warm = statistics.median(warm_runs)

        edit_first_note(root / "data" / "figures.csv")
        changed, done = timed(cli("build"), root)
        rerun_pages = sorted(re.findall(r"\] (\S+): done", done.stderr))

        rerun, _ = timed(
            cli("run", "narrative", "-p", "incident", "2021-tapachula", "-o", str(work / "page.html")), root, cwd=work
        )

        jupyter_book = str(Path(sys.executable).with_name("jupyter-book"))
        baseline_runs = []
        for attempt in range(REPEAT):
            base_root = baseline_project(work / f"baseline-{attempt}", root)
            baseline_runs.append(
                timed([jupyter_book, "build", str(base_root), "-W", "-n", "--keep-going"], base_root)[0]
            )
        baseline = statistics.median(baseline_runs)

        weights = page_weights(root / "_build" / "html")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    results.update(
        {
            "cold_build_seconds": round(cold, 2),
            "cold_build_runs_seconds": [round(c, 2) for c in cold_runs],
            "warm_rebuild_seconds": round(warm, 2),
            "warm_rebuild_runs_seconds": [round(w, 2) for w in warm_runs],
            "one_data_row_changed_seconds": round(changed, 2),
            "one_data_row_changed_reran": rerun_pages,
            "one_section_rerun_seconds": round(rerun, 2),
            "baseline_execute_force_seconds": round(baseline, 2),
            "baseline_runs_seconds": [round(b, 2) for b in baseline_runs],
            "warm_as_share_of_cold": round(warm / cold, 3),
            "cold_as_share_of_baseline": round(cold / baseline, 3),
            "first_visit_bytes": weights,
        }
    )
    expected = {"numbers-2018-tijuana", "numbers-2021-tapachula", "comparison", "methods"}
    lines = [
        f"cold build (clean copy, median of {REPEAT}) {cold:8.2f} s   runs: {', '.join(f'{c:.2f}' for c in cold_runs)}",
        f"warm rebuild, nothing changed           {warm:8.2f} s   ({warm / cold:.1%} of cold; target <= 10%)",
        f"rebuild after one figures.csv row edit  {changed:8.2f} s   re-ran: {', '.join(rerun_pages)}",
        f"one section rerun (run -o page.html)    {rerun:8.2f} s",
        f"baseline: jupyter-book, execute force   {baseline:8.2f} s   "
        f"(cold is {cold / baseline:.1%} of it; target <= 60%)"
        f"   runs: {', '.join(f'{b:.2f}' for b in baseline_runs)}",
    ]
    lines += [f"first visit {name:<44} {size / 1024:8.1f} KiB" for name, size in weights.items()]
    lines.append(f"only pages using figures.csv re-ran: {set(rerun_pages) <= expected}")
    print("\n".join(lines))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
