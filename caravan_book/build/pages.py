"""Run the book's pages with papermill, several at a time, skipping the pages whose inputs did not change.

Each executed notebook is written to a temporary file and renamed into place only when it ran cleanly; a
failed one is kept in the ``failed`` folder for inspection (CI uploads it). Workers die with the build, and
a stopped build stops its workers and kernels and leaves no temporary file (see ``processes``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from caravan_book import atomic
from caravan_book.build import pagecache, processes
from caravan_book.build.execution import failure_message, run_notebook
from caravan_book.build.sections import Page
from caravan_book.settings import CONTEXT_ENV, USAGE_LOG_ENV


@dataclass
class PageResult:
    page: str
    ran: bool
    seconds: float = 0.0
    tables: list[str] = field(default_factory=list)
    error: str | None = None


def execute_page(page: Page, out_dir: Path, failed_dir: Path) -> PageResult:
    """Run one page's notebook; on success move it into ``out_dir``. Runs in a worker process.

    The notebook runs in a hidden work folder beside the failed folder (``_build/.run-*.tmp``), never in
    ``out_dir``, where Jupyter Book would read a half-written file; a stopped build's work folders are
    removed by the next one.
    """
    started = time.perf_counter()
    work = Path(
        tempfile.mkdtemp(prefix=f".run-{page.page}-", suffix=atomic.TMP_SUFFIX, dir=failed_dir.parent.resolve())
    )
    executed = work / f"{page.page}.ipynb"
    usage_log = work / "tables-used.txt"  # each table the kernel loads is logged here
    usage_log.touch()
    os.environ[USAGE_LOG_ENV] = str(usage_log)
    try:
        try:
            run_notebook(page.source, executed, page.parameters)
        except Exception as error:  # reported, with the executed copy kept for inspection
            if executed.is_file() and executed.stat().st_size:
                failed_dir.mkdir(parents=True, exist_ok=True)
                atomic.copy_file(executed, failed_dir / executed.name)
            message = failure_message(page.source.name, page.parameters, error, page.page)
            return PageResult(page.page, True, time.perf_counter() - started, error=message)
        used = sorted(set(usage_log.read_text(encoding="utf-8").split()))
        atomic.write_bytes(out_dir / executed.name, executed.read_bytes())
        return PageResult(page.page, True, time.perf_counter() - started, used)
    finally:
        os.environ.pop(USAGE_LOG_ENV, None)
        shutil.rmtree(work, ignore_errors=True)


def remove_stale(pages: list[Page], out_dir: Path) -> list[str]:
    """Executed notebooks of pages no longer in the book, and leftovers of stopped runs, are removed."""
    atomic.sweep(out_dir)
    wanted = {f"{page.page}.ipynb" for page in pages}
    stale = [p for p in out_dir.glob("*.ipynb") if p.name not in wanted]
    for path in stale:
        path.unlink()
    return [p.stem for p in stale]


def execute_pages(
    pages: list[Page],
    out_dir: Path,
    failed_dir: Path,
    *,
    jobs: int | None = None,
    force: bool = False,
    context: str = "",
    log: Callable[[str], None] = print,
) -> list[PageResult]:
    """Run the pages that are out of date, in parallel; return one result per page."""
    out_dir.mkdir(parents=True, exist_ok=True)
    removed = remove_stale(pages, out_dir)
    if removed:
        log(f"removed {len(removed)} page(s) no longer in the book: {', '.join(removed)}")
    cache = {k: v for k, v in pagecache.read(out_dir).items() if k not in removed}
    shutil.rmtree(failed_dir, ignore_errors=True)
    results: list[PageResult] = []
    todo = []
    for page in pages:
        if not force and pagecache.is_current(page, out_dir, cache, context):
            results.append(PageResult(page.page, False, tables=cache[page.page]["tables"]))
        else:
            todo.append(page)
    if results:
        log(f"{len(results)} page(s) unchanged, not re-run: {', '.join(r.page for r in results)}")
    if not todo:
        return results
    # two kernels per core: a kernel spends part of its start-up waiting, measured faster here (benchmarks/)
    jobs = max(1, min(jobs or 2 * (os.cpu_count() or 1), len(todo)))
    log(f"running {len(todo)} notebook(s) with papermill, {jobs} at a time")
    os.environ[CONTEXT_ENV] = context
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=processes.worker_init)
    try:
        futures = {pool.submit(execute_page, page, out_dir, failed_dir): page for page in todo}
        for done, future in enumerate(as_completed(futures), 1):
            page = futures[future]
            result = future.result()
            results.append(result)
            status = "FAILED" if result.error else "done"
            log(f"[{done}/{len(todo)}] {page.page}: {status} in {result.seconds:.1f} s")
            if not result.error:
                cache[page.page] = {"key": pagecache.page_key(page, result.tables, context), "tables": result.tables}
                pagecache.write(out_dir, cache)
    except BaseException:
        # stopped (a signal, Ctrl-C) or broken: no worker or kernel may outlive the build
        pool.shutdown(wait=False, cancel_futures=True)
        processes.stop_descendants()
        atomic.sweep(out_dir)
        atomic.sweep(failed_dir.parent)
        raise
    pool.shutdown(wait=True)
    return results
