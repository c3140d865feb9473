#!/usr/bin/env python
"""Measure how fast the book builds, against the plain Jupyter Book way, on this machine.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/build_benchmark.py``; ``--smoke`` runs every
step once on the smallest scale, for the test that keeps this script running). Works on copies of the
project in a temporary folder (the virtual environment is reused), prints one line per figure and writes
``benchmarks/results/latest.json`` (``smoke.json`` with ``--smoke``).

The machine may be shared: each figure is measured several times (``BENCH_REPEAT``, default 3) and the
median reported, and each figure with a baseline is measured *interleaved* with it (ours, baseline, ours,
baseline, ...), so both see the same load; the ratio is the median of the pairs' ratios.

Figures:
- cold build: the whole book from a clean copy (no executed notebooks, no site), with its peak memory
  (the sum of the resident memory of the build and every process below it, sampled every 50 ms);
- baseline: the same pages as plain notebooks (parameters written into each copy) built by
  ``jupyter-book build`` with ``execute_notebooks: force``, with its peak memory;
- warm rebuild: the same command again, nothing changed;
- one data row changed: a cell of figures.csv edited, then rebuilt (and which pages re-ran);
- one section rerun: ``caravan-book run narrative -p incident 2021-tapachula -o page.html``, beside plain
  ``papermill`` on the same notebook and parameters;
- a sweep: a custom book of 32 pages (``build --params``), seconds a page;
- page weight: each page's real first-visit transfer in headless chromium (every request: HTML,
  styles, scripts, images; uncompressed), as ``site_benchmark.py`` measures it. That script also
  runs Lighthouse and the Nu checker on a built site.
"""

from __future__ import annotations

import contextlib
import csv
import itertools
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
import psutil
import yaml

from caravan_book import settings

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results" / "latest.json"
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))  # cold and baseline builds, each from a fresh copy; medians reported
SWEEP_PAGES = 32


def copy_project(dest: Path) -> Path:
    return settings.copy_project(dest, REPO)  # the one copy the tests make too


class Run:
    """One command's wall time, peak memory of its process tree (MiB) and output."""

    def __init__(self, seconds: float, peak_mib: float, stdout: str, stderr: str):
        self.seconds, self.peak_mib, self.stdout, self.stderr = seconds, peak_mib, stdout, stderr


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    try:
        for member in [process, *process.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                total += member.memory_info().rss
    except psutil.Error:
        pass
    return total


def measure(command: list[str], root: Path, cwd: Path | None = None, attempts: int = 1) -> Run:
    """Run and measure ``command``; on a shared machine a kernel can lose its TCP port to another
    process (the baseline's kernels use TCP), so a failed run may be tried again (``attempts``)."""
    for attempt in range(attempts):
        run = _measure_once(command, root, cwd, last=attempt == attempts - 1)
        if run is not None:
            return run
    raise AssertionError("unreachable")


def _measure_once(command: list[str], root: Path, cwd: Path | None, last: bool) -> Run | None:
    env = dict(os.environ, CARAVAN_BOOK_ROOT=str(root))
    started = time.perf_counter()
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd or root
    )
    process = psutil.Process(child.pid)
    peak = 0
    out_parts: list[str] = []
    err_parts: list[str] = []
    import threading

    readers = [
        threading.Thread(target=lambda: out_parts.append(child.stdout.read()), daemon=True),  # type: ignore[union-attr]
        threading.Thread(target=lambda: err_parts.append(child.stderr.read()), daemon=True),  # type: ignore[union-attr]
    ]
    for reader in readers:
        reader.start()
    while child.poll() is None:
        peak = max(peak, _tree_rss(process))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    for reader in readers:
        reader.join()
    stdout, stderr = "".join(out_parts), "".join(err_parts)
    if child.returncode != 0:
        if not last:
            print(f"step failed, trying again: {' '.join(command[:3])}", file=sys.stderr)
            return None
        sys.exit(f"benchmark step failed: {' '.join(command)}\n{stdout}\n{stderr}")
    return Run(seconds, peak / 2**20, stdout, stderr)


def timed(command: list[str], root: Path, cwd: Path | None = None) -> tuple[float, Run]:
    run = measure(command, root, cwd)
    return run.seconds, run


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
    pages = [page for part in yaml.safe_load((root / "sections.yml").read_text())["parts"] for page in part["pages"]]
    for page in pages:
        if "notebook" not in page:  # a Markdown page ({file: ...}), copied with book/
            continue
        notebook = nbformat.read(root / "notebooks" / f"{page['notebook']}.ipynb", as_version=4)
        for cell in notebook.cells:
            if "parameters" in cell.metadata.get("tags", []) and page.get("parameters"):
                cell.source += "\n" + "\n".join(f"{k} = {v!r}" for k, v in page["parameters"].items())
        nbformat.write(notebook, generated / f"{page['page']}.ipynb")
    # the pages and data the build writes besides the notebooks (teacher's guide, corrections, trust.json)
    for made in (built / "book" / "generated").iterdir():
        if made.suffix in (".md", ".json") and not made.name.startswith("."):
            shutil.copy2(made, generated / made.name)
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


def sweep_file(root: Path, dest: Path) -> Path:
    """A custom book of ``SWEEP_PAGES`` pages: each incident's three pages with all its sources, with each source
    alone and with each source and the next one in sources.csv (21 + 9 pages), and the comparison both ways round
    (2 pages)."""
    with open(root / "data" / "sources.csv", newline="", encoding="utf-8-sig") as fh:
        sources = list(csv.DictReader(fh))
    incidents = sorted({s["incident"] for s in sources})
    pages: list[dict] = []
    for notebook in ("narrative", "numbers", "responses"):
        for incident in incidents:
            own = [s["source_id"] for s in sources if s["incident"] == incident]
            choices = ["all", *own, *(",".join(pair) for pair in itertools.pairwise(own) if len(own) > 2)]
            pages += [{"notebook": notebook, "parameters": {"incident": incident, "sources": c}} for c in choices]
    for left, right in itertools.permutations(incidents, 2):
        pages.append({"notebook": "comparison", "parameters": {"left": left, "right": right}})
    if len(pages) != SWEEP_PAGES:  # the figure is seconds a page: the count must be the one reported
        raise SystemExit(f"the sweep has {len(pages)} pages, not {SWEEP_PAGES}: the data's sources changed")
    dest.write_text(yaml.safe_dump({"title": "Sweep", "pages": pages}, sort_keys=False))
    return dest


def median(values: list[float]) -> float:
    return statistics.median(values)


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="every step once, no baseline build, no sweep")
    parser.add_argument("--results", type=Path, help="the JSON file to write (default: benchmarks/results/...)")
    args = parser.parse_args(argv)
    repeat = 1 if args.smoke else REPEAT
    work = Path(tempfile.mkdtemp(prefix="caravan-bench-"))
    results: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "system": platform.platform(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            "shared": "the machine may be shared with other work: see the load averages; figures are medians",
        },
        "smoke": args.smoke,
    }
    jupyter_book = str(Path(sys.executable).with_name("jupyter-book"))
    papermill_bin = str(Path(sys.executable).with_name("papermill"))
    try:
        cold_runs: list[Run] = []
        baseline_runs: list[Run] = []
        root = work / "none"
        for attempt in range(repeat):  # interleaved: ours, then the baseline, under the same load
            root = copy_project(work / f"book-{attempt}")
            cold_runs.append(measure(cli("build"), root))
            base_root = baseline_project(work / f"baseline-{attempt}", root)
            if not args.smoke:
                baseline_runs.append(
                    measure([jupyter_book, "build", str(base_root), "-W", "-n", "--keep-going"], base_root, attempts=3)
                )
        cold = median([r.seconds for r in cold_runs])
        warm_runs = [measure(cli("build"), root).seconds for _ in range(repeat)]
        warm = median(warm_runs)

        edit_first_note(root / "data" / "figures.csv")
        changed_run = measure(cli("build"), root)
        rerun_pages = sorted(re.findall(r"\] (\S+): done", changed_run.stderr))

        rerun_runs, papermill_runs = [], []
        for _ in range(repeat):
            rerun_runs.append(
                measure(
                    cli("run", "narrative", "-p", "incident", "2021-tapachula", "-o", str(work / "page.html")),
                    root,
                    cwd=work,
                ).seconds
            )
            papermill_runs.append(
                measure(
                    [papermill_bin, "-p", "incident", "2021-tapachula", "--no-progress-bar",
                     str(root / "notebooks" / "narrative.ipynb"), str(work / "papermill.ipynb")],
                    root, cwd=root / "notebooks",
                ).seconds
            )  # fmt: skip
        sweep_seconds = None
        if not args.smoke:
            sweep = sweep_file(root, work / "sweep.yml")
            swept = measure(cli("build", "--params", str(sweep), "--out", str(work / "sweep-out")), root)
            ran = re.search(r"\((\d+) notebook\(s\) run", swept.stdout)
            if not ran or int(ran.group(1)) != SWEEP_PAGES:  # seconds a page: every page must have run
                sys.exit(f"the sweep ran {ran.group(1) if ran else 'no'} notebooks, not {SWEEP_PAGES}")
            sweep_seconds = swept.seconds

        weights = page_weights(root / "_build" / "html")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    baseline = median([r.seconds for r in baseline_runs]) if baseline_runs else None
    pair_ratios = [c.seconds / b.seconds for c, b in zip(cold_runs, baseline_runs, strict=False)]
    cold_peak = median([r.peak_mib for r in cold_runs])
    base_peak = median([r.peak_mib for r in baseline_runs]) if baseline_runs else None
    rerun, plain = median(rerun_runs), median(papermill_runs)
    results.update(
        {
            "cold_build_seconds": round(cold, 2),
            "cold_build_runs_seconds": [round(r.seconds, 2) for r in cold_runs],
            "cold_build_peak_mib": round(cold_peak, 1),
            "warm_rebuild_seconds": round(warm, 2),
            "warm_rebuild_runs_seconds": [round(w, 2) for w in warm_runs],
            "one_data_row_changed_seconds": round(changed_run.seconds, 2),
            "one_data_row_changed_reran": rerun_pages,
            "one_section_rerun_seconds": round(rerun, 2),
            "one_section_rerun_runs_seconds": [round(r, 2) for r in rerun_runs],
            "plain_papermill_same_section_seconds": round(plain, 2),
            "baseline_execute_force_seconds": round(baseline, 2) if baseline else None,
            "baseline_runs_seconds": [round(b.seconds, 2) for b in baseline_runs],
            "baseline_peak_mib": round(base_peak, 1) if base_peak else None,
            "cold_as_share_of_baseline_pairs": [round(r, 3) for r in pair_ratios],
            "cold_as_share_of_baseline": round(median(pair_ratios), 3) if pair_ratios else None,
            "sweep_pages": SWEEP_PAGES if sweep_seconds else None,
            "sweep_seconds": round(sweep_seconds, 2) if sweep_seconds else None,
            "sweep_seconds_a_page": round(sweep_seconds / SWEEP_PAGES, 3) if sweep_seconds else None,
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "first_visit_bytes": weights,
        }
    )
    # the pages that read figures.csv: the numbers pages, the comparison, methods, and the narrative and responses
    # pages (every news lead gives the other versions of a number it states)
    expected = {"numbers-2018-tijuana", "numbers-2021-tapachula", "comparison", "methods"}
    expected |= {
        "narrative-2018-tijuana",
        "narrative-2021-tapachula",
        "responses-2018-tijuana",
        "responses-2021-tapachula",
    }
    runs = ", ".join(f"{r.seconds:.2f}" for r in cold_runs)
    lines = [
        f"cold build (clean copy, median of {repeat})  {cold:8.2f} s   peak {cold_peak:7.0f} MiB   runs: {runs}",
    ]
    if baseline:
        lines.append(
            f"baseline: jupyter-book, execute force    {baseline:8.2f} s   peak {base_peak:7.0f} MiB   "
            f"runs: {', '.join(f'{b.seconds:.2f}' for b in baseline_runs)}"
        )
        lines.append(
            f"cold / baseline (median of pairs)        {median(pair_ratios):8.1%}     (target <= 30%); "
            f"peak memory {cold_peak / base_peak:.2f}x (target <= 2x)"
        )
    lines += [
        f"warm rebuild, nothing changed            {warm:8.2f} s   ({warm / cold:.1%} of cold)",
        f"rebuild after one figures.csv row edit   {changed_run.seconds:8.2f} s   re-ran: {', '.join(rerun_pages)}",
        f"one section rerun (run -o page.html)     {rerun:8.2f} s   plain papermill: {plain:.2f} s",
    ]
    if sweep_seconds:
        lines.append(
            f"sweep of {SWEEP_PAGES} pages (build --params)      {sweep_seconds:8.2f} s   "
            f"{sweep_seconds / SWEEP_PAGES:.2f} s a page (target <= 0.3)"
        )
    lines += [f"first visit {name:<44} {size / 1024:8.1f} KiB" for name, size in weights.items()]
    lines.append(f"only pages using figures.csv re-ran: {set(rerun_pages) <= expected}")
    lines.append(
        f"load average at start {results['machine']['load_average_at_start']}, at end {results['load_average_at_end']}"
    )
    print("\n".join(lines))
    target = args.results or (RESULTS.with_name("smoke.json") if args.smoke else RESULTS)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
