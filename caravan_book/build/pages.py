"""Run the book's pages with papermill, several at a time, skipping the pages whose inputs did not change.

The pages run on warm kernels (``kernels.KernelPool``: one kernel per worker, reused page after page in a
clean namespace); ``start_pool`` starts them early, so their start-up overlaps the data check. Each executed
notebook is written to a temporary file and renamed into place only when it ran cleanly; a
failed one is kept in the ``failed`` folder for inspection (CI uploads it). Workers die with the build, and
a stopped build stops its workers and kernels and leaves no temporary file (see ``processes``).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path

from caravan_book import atomic
from caravan_book.build import kernels, pagecache, processes
from caravan_book.build.execution import failure_message
from caravan_book.build.sections import Page
from caravan_book.settings import CONTEXT_ENV, NOTEBOOKS_DIR, USAGE_LOG_ENV


@dataclass
class PageResult:
    page: str
    ran: bool
    seconds: float = 0.0
    tables: list[str] = field(default_factory=list)
    error: str | None = None
    #: what the page shows (``trust.Shown`` as a dict), worked out in its kernel; None: not asked for, or not known
    shown: dict | None = None


def execute_page(
    page: Page, out_dir: Path, failed_dir: Path, kernel: kernels.WarmKernel, context: str = "", facts: bool = False
) -> PageResult:
    """Run one page's notebook on ``kernel``; on success move it into ``out_dir``. Runs in a worker thread.
    ``facts``: the kernel also reports what the page shows (``PageResult.shown``), for the published-facts check.

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
    env = {name: os.environ.get(name) for name in kernels.PAGE_ENV}
    env.update({USAGE_LOG_ENV: str(usage_log), CONTEXT_ENV: context})
    try:
        try:
            kernel.run(page.source, executed, page.parameters, env)
        except kernels.KernelFailed:
            raise  # the pool replaces the kernel and runs the page again
        except Exception as error:  # reported, with the executed copy kept for inspection
            if executed.is_file() and executed.stat().st_size:
                failed_dir.mkdir(parents=True, exist_ok=True)
                atomic.copy_file(executed, failed_dir / executed.name)
            message = failure_message(page.source.name, page.parameters, error, page.page)
            return PageResult(page.page, True, time.perf_counter() - started, error=message)
        used = sorted(set(usage_log.read_text(encoding="utf-8").split()))
        shown = _shown(kernel, page, usage_log, work / "shown.json") if facts else None
        atomic.write_bytes(out_dir / executed.name, executed.read_bytes())
        return PageResult(page.page, True, time.perf_counter() - started, used, shown=shown)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _shown(kernel: kernels.WarmKernel, page: Page, usage_log: Path, out: Path) -> dict | None:
    """What the page just run shows, as its kernel works it out; None if it could not (the check then works
    it out itself, and reports what is wrong; a kernel that died is replaced before the next page)."""
    try:
        # as long as a page's cell may take: with many rows, the facts take as long as the page's own queries
        kernel.execute(kernels.SHOWN % (page.parameters, str(usage_log), str(out)), timeout=kernels.CELL_TIMEOUT)
        return json.loads(out.read_text(encoding="utf-8"))
    except (kernels.KernelFailed, OSError, ValueError):
        return None


def _job(
    page: Page, out_dir: Path, failed_dir: Path, context: str, facts: bool, kernel: kernels.WarmKernel
) -> PageResult:
    return execute_page(page, out_dir, failed_dir, kernel, context, facts)


def remove_stale(pages: list[Page], out_dir: Path) -> list[str]:
    """Executed notebooks of pages no longer in the book, and leftovers of stopped runs, are removed."""
    atomic.sweep(out_dir)
    wanted = {f"{page.page}.ipynb" for page in pages}
    stale = [p for p in out_dir.glob("*.ipynb") if p.name not in wanted]
    for path in stale:
        path.unlink()
    return [p.stem for p in stale]


def default_jobs() -> int:
    """One kernel per core: as fast as two per core here (benchmarks/), with half the memory."""
    return os.cpu_count() or 1


def _context_file(failed_dir: Path) -> Path:
    return failed_dir.parent / ".last-context.json"


def start_pool(
    pages: list[Page], out_dir: Path, failed_dir: Path, *, jobs: int | None = None, force: bool = False
) -> kernels.KernelPool | None:
    """Start the warm kernels now, before the data check, if some page will likely run: forced, or out of
    date as judged with the last build's context (the real decision comes after the check). None if not."""
    try:
        context = _context_file(failed_dir).read_text(encoding="utf-8")
    except OSError:
        context = None
    cache = pagecache.read(out_dir)
    likely = [p for p in pages if force or context is None or not pagecache.is_current(p, out_dir, cache, context)]
    if not likely:
        return None
    return new_pool(len(likely), jobs=jobs)


def new_pool(pages: int, *, jobs: int | None = None, log: Callable[[str], None] | None = None) -> kernels.KernelPool:
    """Warm kernels, started now, for ``pages`` pages to come: one per core (or ``jobs``), or per page if fewer."""
    return kernels.KernelPool(max(1, min(jobs or default_jobs(), pages)), NOTEBOOKS_DIR, log)


def run_one(page: Page, out_dir: Path, failed_dir: Path, pool: kernels.KernelPool, context: str = "") -> PageResult:
    """Run one page of the book on ``pool`` now, before the others (the preview's page), recording its key as
    ``execute_pages`` does, so that a later ``execute_pages`` finds it current. Other pages' files are left
    as they are."""
    result = pool.submit(functools.partial(_job, page, out_dir, failed_dir, context, False)).result()
    if not result.error:
        _record(page, result, out_dir, pagecache.read(out_dir), context)
    return result


def _record(page: Page, result: PageResult, out_dir: Path, cache: dict, context: str) -> None:
    """A page that ran cleanly: its key and the tables it read, in the cache of ``out_dir``."""
    cache[page.page] = {"key": pagecache.page_key(page, result.tables, context), "tables": result.tables}
    pagecache.write(out_dir, cache)


def execute_pages(
    pages: list[Page],
    out_dir: Path,
    failed_dir: Path,
    *,
    jobs: int | None = None,
    force: bool = False,
    context: str = "",
    log: Callable[[str], None] = print,
    pool: kernels.KernelPool | None = None,
    keep_pool: bool = False,
    first: str | None = None,
    last_started: Callable[[], None] | None = None,
    facts: bool = False,
) -> list[PageResult]:
    """Run the pages that are out of date on warm kernels (``pool``, or a new one), several at a time;
    return one result per page. The pool's kernels are shut down before this returns, unless ``keep_pool``
    (the preview keeps its kernels for the whole session). ``first``: a page to run before the others.
    ``last_started``: called once the last page has started, while it runs (a kernel is free from then on).
    ``facts``: each kernel also reports what its pages show (``PageResult.shown``)."""
    try:
        return _execute_pages(
            pages, out_dir, failed_dir, jobs, force, context, log, pool, keep_pool, first, last_started, facts
        )
    except BaseException:
        # stopped (a signal, Ctrl-C) or broken: no kernel may outlive the build, nor its connection files
        if pool is not None:
            pool.abort()
        processes.stop_descendants()
        atomic.sweep(out_dir)
        atomic.sweep(failed_dir.parent)
        raise


def _execute_pages(
    pages: list[Page],
    out_dir: Path,
    failed_dir: Path,
    jobs: int | None,
    force: bool,
    context: str,
    log: Callable[[str], None],
    pool: kernels.KernelPool | None,
    keep_pool: bool = False,
    first: str | None = None,
    last_started: Callable[[], None] | None = None,
    facts: bool = False,
) -> list[PageResult]:
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
    atomic.write_text(_context_file(failed_dir), context)
    todo.sort(key=lambda page: page.page != first)
    if not todo:
        if pool is not None and not keep_pool:  # started for pages that turned out to be current: not waited for
            pool.abort()
        return results
    if pool is None:
        pool = new_pool(len(todo), jobs=jobs, log=log)
    pool.log = log
    log(f"running {len(todo)} notebook(s) with papermill on {pool.size} warm kernel(s)")
    futures = {pool.submit(functools.partial(_job, page, out_dir, failed_dir, context, facts)): page for page in todo}
    if last_started is not None and len(todo) <= pool.size:
        last_started()
    for done, future in enumerate(as_completed(futures), 1):
        if last_started is not None and done == len(todo) - pool.size:
            last_started()
        page = futures[future]
        try:
            result = future.result()
        except kernels.KernelFailed as failed:  # on a fresh kernel too: the page's own doing (a hang, an exit)
            message = failure_message(page.source.name, page.parameters, failed, page.page)
            result = PageResult(page.page, True, error=message)
        processes.check_stopped()
        results.append(result)
        status = "FAILED" if result.error else "done"
        log(f"[{done}/{len(todo)}] {page.page}: {status} in {result.seconds:.1f} s")
        if not result.error:
            _record(page, result, out_dir, cache, context)
    if not keep_pool:
        pool.close(wait=True)
    return results
