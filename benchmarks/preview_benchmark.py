"""How fast the live preview shows an edit: `caravan-book preview` on a temporary copy of the project.

Measured from outside, as an editor sees it: the time from saving a file to the moment the preview serves the
page with the change (the browser then reloads within its poll interval, 0.15 s). Three edits, each
``--repeat`` times (medians):

- a sentence of a template only the methods page renders (one page rerun);
- a sentence of a template both numbers pages render (two pages rerun, on two warm kernels);
- one data row (a note in figures.csv: every page that reads figures.csv reruns, after the data check): the
  time until the previewed page (methods) is served, and until every page is.

Also: `caravan-book run` of one section while the preview runs (on its warm kernels) and without it.
Prints one line per figure and writes ``results/preview-latest.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from caravan_book.settings import copy_project  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
PYTHON = sys.executable
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def env_for(root: Path) -> dict[str, str]:
    env = dict(os.environ, CARAVAN_BOOK_ROOT=str(root))
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def get(url: str) -> str:
    with OPENER.open(url, timeout=30) as answer:
        return answer.read().decode()


def wait_until(check, timeout: float = 120.0, step: float = 0.01) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if check():
            return time.perf_counter() - started
        time.sleep(step)
    raise TimeoutError("the preview did not show the edit")


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="preview-bench-") as tmp:
        root = copy_project(Path(tmp) / "book")
        lines: list[str] = []
        process = subprocess.Popen(
            [PYTHON, "-m", "caravan_book", "preview", "methods", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env_for(root), cwd=root,
        )  # fmt: skip
        reader = threading.Thread(target=lambda: lines.extend(line.rstrip() for line in process.stdout), daemon=True)
        reader.start()
        try:
            wait_until(lambda: any(line.startswith("rebuilt in") for line in lines), timeout=600)
            url = next(re.search(r"(http://\S+)", line).group(1) for line in lines if "preview at" in line)
            base = url.split("/book/")[0]
            state = base + "/_preview/state"

            def version() -> int:
                return json.loads(get(state))["version"]

            methods = root / "book" / "templates" / "methods" / "counts.md.j2"
            numbers = root / "book" / "templates" / "numbers" / "long-view.md.j2"
            figures = root / "data" / "figures.csv"
            page = base + "/book/generated/{}.html"
            for n in range(args.repeat):
                word = f"held{n}"
                old = "The book's data holds" if n == 0 else f"The book's data {'held' + str(n - 1)}"
                time.sleep(0.5)
                saved = time.perf_counter()
                replace_in(methods, old, f"The book's data {word}")
                wait_until(lambda word=word: f"The book's data {word}" in get(page.format("methods")))
                results.setdefault("template edit, one page (s)", []).append(time.perf_counter() - saved)

                old = "goes back to fiscal year" if n == 0 else f"reaches{n - 1} back to fiscal year"
                time.sleep(0.5)
                saved = time.perf_counter()
                replace_in(numbers, old, f"reaches{n} back to fiscal year")
                wait_until(lambda n=n: f"reaches{n} back" in get(page.format("numbers-2018-tijuana")))
                wait_until(lambda n=n: f"reaches{n} back" in get(page.format("numbers-2021-tapachula")))
                results.setdefault("template edit, two pages (s)", []).append(time.perf_counter() - saved)

                time.sleep(0.5)
                before = version()
                rebuilt = sum(line.startswith("rebuilt in") for line in lines)
                text = figures.read_text(encoding="utf-8")
                saved = time.perf_counter()
                lines_of = text.splitlines(keepends=True)
                marker = r"The article's (opening line|first line\d+)"
                lines_of[1] = re.sub(marker, f"The article's first line{n}", lines_of[1])
                figures.write_text("".join(lines_of), encoding="utf-8")
                # the previewed page (methods) is served first, then every other page that reads the table
                wait_until(lambda before=before: version() > before and json.loads(get(state))["error"] is None)
                results.setdefault("one data row, the previewed page (s)", []).append(time.perf_counter() - saved)
                wait_until(lambda rebuilt=rebuilt: sum(line.startswith("rebuilt in") for line in lines) > rebuilt)
                results.setdefault("one data row, every page (s)", []).append(time.perf_counter() - saved)

            out = Path(tmp) / "run.html"
            command = [PYTHON, "-m", "caravan_book", "run", "numbers", "-p", "incident", "2018-tijuana", "-o", str(out)]
            for _ in range(args.repeat):
                started = time.perf_counter()
                done = subprocess.run(command, capture_output=True, text=True, env=env_for(root), cwd=root)
                assert done.returncode == 0 and "warm kernel" in done.stdout, done.stdout + done.stderr
                results.setdefault("run numbers, preview running (s)", []).append(time.perf_counter() - started)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            reader.join(timeout=10)
        for _ in range(args.repeat):
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, env=env_for(root), cwd=root)
            assert done.returncode == 0 and "warm kernel" not in done.stdout, done.stdout + done.stderr
            results.setdefault("run numbers, no preview (s)", []).append(time.perf_counter() - started)
    summary = {name: round(statistics.median(values), 2) for name, values in results.items()}
    for name, value in summary.items():
        print(f"{name}: {value} (runs: {', '.join(f'{v:.2f}' for v in results[name])})")
    print("preview's own lines for the edits (after the first build):")
    first = next(n for n, line in enumerate(lines) if line.startswith("rebuilt in"))
    print("\n".join(line for line in lines[first + 1 :] if line.startswith(("rebuilt", "rerunning", "ran "))))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "preview-latest.json").write_text(
        json.dumps({"medians": summary, "runs": results, "load": os.getloadavg(), "lines": lines}, indent=1),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
