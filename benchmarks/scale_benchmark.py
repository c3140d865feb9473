"""The book with more data: the tables' rows copied ×1, ×10 and ×100 with new ids, in a temporary project.

For each factor: ``caravan-book check`` (wall time, peak memory), then a forced build (wall time, peak memory
of the build and its kernels, and each page's time as the build reports it). The copied rows are the same
facts under new ids (figures, events, statements, comparison facts): a page shows every copy, so its time may
grow with them; what it must not do is grow with rows it filters out. ``--factors 1,10`` picks the factors.
Prints one line per factor and writes ``results/scale-latest.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_benchmark import cli, copy_project, measure

RESULTS = Path(__file__).resolve().parent / "results" / "scale-latest.json"
#: The tables copied, each with its id column.
TABLES = {"figures": "figure_id", "events": "event_id", "statements": "statement_id", "facts": "fact_id"}


def scale(data: Path, factor: int) -> dict[str, int]:
    """Each table of ``TABLES`` in ``data`` with every row ``factor`` times (copies get ids ending -xN)."""
    counts = {}
    for table, key in TABLES.items():
        path = data / f"{table}.csv"
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            fields = list(reader.fieldnames or [])
            rows = list(reader)
        copies = [{**row, key: f"{row[key]}-x{n}"} for n in range(1, factor) for row in rows]
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows + copies)
        counts[table] = len(rows) + len(copies)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--factors", default="1,10,100")
    args = parser.parse_args()
    report = {"load_start": os.getloadavg(), "factors": {}}
    for factor in (int(f) for f in args.factors.split(",")):
        with tempfile.TemporaryDirectory(prefix=f"scale-{factor}-") as tmp:
            root = copy_project(Path(tmp) / "book")
            counts = scale(root / "data", factor)
            check = measure(cli("check"), root)
            try:
                build = measure(cli("build", "--force", "--publish"), root)
                output, failure = build.stderr, None
            except SystemExit as stop:  # a page failed: its time and the reason are still reported
                build, output = None, str(stop.code)
                failure = next((line for line in output.splitlines() if "failed in cell" in line), output[-300:])
            pages = {m[1]: float(m[2]) for m in re.finditer(r"\] (\S+): (?:done|FAILED) in ([\d.]+) s", output)}
            entry = {
                "rows": counts,
                "check_seconds": round(check.seconds, 2),
                "check_peak_mib": round(check.peak_mib),
                "build_seconds": round(build.seconds, 2) if build else None,
                "build_peak_mib": round(build.peak_mib) if build else None,
                "pages_seconds": pages,
                "failure": failure,
            }
            report["factors"][factor] = entry
            numbers = pages.get("numbers-2018-tijuana")
            print(
                f"x{factor}: {counts['figures']} figures; check {entry['check_seconds']} s "
                f"({entry['check_peak_mib']} MiB); build {entry['build_seconds']} s ({entry['build_peak_mib']} MiB "
                f"peak); numbers-2018-tijuana {numbers} s; slowest page {max(pages.values(), default=0)} s"
                + (f"; FAILED: {failure}" if failure else ""),
                flush=True,
            )
    report["load_end"] = os.getloadavg()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
