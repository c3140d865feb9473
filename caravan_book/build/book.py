"""Build a book: check the data, run the pages with papermill, write the generated pages, then Jupyter Book.

One build at a time per output folder (a lock; a second build exits 2 saying so). Nothing is lost on
failure: notebooks are renamed into place only when they ran cleanly, and the site is built in a staging
folder and swapped in whole only when Sphinx succeeded. A stopped build stops its workers and kernels and
leaves no temporary file. The up-to-date decision looks at the published site itself, so a damaged site
is rebuilt.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml
from filelock import FileLock, Timeout

from caravan_book import atomic, settings
from caravan_book.build import kernels, pages, processes, sections, site, sphinx_app, trust
from caravan_book.data import ledger
from caravan_book.errors import BuildError, BusyError
from caravan_book.settings import GENERATED_DIR, REPO_ROOT, data_dir

#: The book's Sphinx extensions (``_config.yml``): part of the site's key, as a change to one changes pages.
SPHINX_EXTENSIONS = [
    Path(__file__).with_name(name) for name in ("sphinx_offline.py", "exercise_numbers.py", "trust.py", "reader.py")
]


@dataclass
class Edition:
    """A book to build: its source root (with _config.yml and _toc.yml), pages, and output folders."""

    root: Path
    generated: Path
    site: Path
    pages: list[sections.Page]
    book: sections.Sections
    #: the teacher's guide is written (not in student editions)
    with_guide: bool = True
    #: the table of contents to write to root/_toc.yml (None: the edition wrote its own)
    toc_text: str | None = None
    #: the folder of the build's own work (staging site, failed notebooks, lock); None: beside the site
    work: Path | None = None
    #: the chart medium the pages are run for (figures.MEDIUMS)
    medium: str = "web"
    #: the published-facts manifest this edition is checked against and records (None: not checked)
    published: Path | None = None

    @property
    def stage(self) -> Path:
        return (self.work or self.site.parent) / ".stage"

    @property
    def failed(self) -> Path:
        """Where the executed copy of a failed notebook is kept (CI uploads it)."""
        return (self.work or self.site.parent) / "failed"

    @property
    def lock(self) -> Path:
        return (self.work or self.site.parent) / ".build.lock"


def main_edition() -> Edition:
    book = sections.load()
    return Edition(
        REPO_ROOT,
        GENERATED_DIR,
        REPO_ROOT / "_build" / "html",
        book.pages,
        book,
        True,
        sections.toc_text(book),
        published=data_dir() / trust.MANIFEST,
    )


def read_config(root: Path = REPO_ROOT) -> dict:
    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))


def check_data(log: Callable[[str], None] = print) -> ledger.Verified:
    """Validate every table, then verify every excerpt: against the articles if they are here, otherwise
    against the excerpt ledger (``ledger.verify``); a build always verifies one way or the other.

    Raises DataError (the data's problems, each with file, row and column), UnvouchedError or
    CannotVerifyError. Returns how the excerpts were verified: the methods page says it, and it is part of
    every page's cache key.
    """
    from caravan_book.data import tables
    from caravan_book.data.schemas import TABLES
    from caravan_book.errors import DataError

    problems = []
    for name in TABLES:
        try:
            tables.load(name)
        except DataError as error:
            problems.extend(error.problems)
    if not problems:
        problems = tables.cross_problems()
    if problems:
        raise DataError(problems)
    verified = ledger.verify(data_dir(), log=log)
    log(f"every excerpt verified {verified.describe()}")
    return verified


def build(
    edition: Edition | None = None,
    *,
    jobs: int | None = None,
    force: bool = False,
    publish: bool = False,
    log: Callable[[str], None] = print,
    pool: kernels.KernelPool | None = None,
) -> dict:
    """Build an edition; return timings and what ran. Raises BuildError, DataError, BusyError or
    PublishedFactError (``publish`` accepts changed published facts without a correction). ``pool``: warm
    kernels the caller started already (a custom book's, while its file was checked); closed here."""
    try:
        return _build(edition, jobs=jobs, force=force, publish=publish, log=log, pool=pool)
    except BaseException:
        if pool is not None:  # a build that stopped before its pages ran (busy, bad data): no kernel outlives it
            pool.abort()
        raise


def _build(
    edition: Edition | None,
    *,
    jobs: int | None,
    force: bool,
    publish: bool,
    log: Callable[[str], None],
    pool: kernels.KernelPool | None,
) -> dict:
    edition = edition or main_edition()
    edition.site.parent.mkdir(parents=True, exist_ok=True)
    edition.lock.parent.mkdir(parents=True, exist_ok=True)
    try:
        lock = FileLock(str(edition.lock), timeout=0)
        lock.acquire()
    except Timeout:
        raise BusyError(
            f"another build of {edition.site} is running (lock {edition.lock}); wait for it to finish"
        ) from None
    old_medium = os.environ.get(settings.MEDIUM_ENV)
    os.environ[settings.MEDIUM_ENV] = edition.medium  # the kernels inherit it
    try:
        with processes.stop_on_signals():
            return _build_locked(edition, jobs=jobs, force=force, publish=publish, log=log, pool=pool)
    finally:
        lock.release()
        if old_medium is None:
            os.environ.pop(settings.MEDIUM_ENV, None)
        else:
            os.environ[settings.MEDIUM_ENV] = old_medium


def _build_locked(
    edition: Edition,
    *,
    jobs: int | None,
    force: bool,
    publish: bool = False,
    log: Callable[[str], None],
    pool: kernels.KernelPool | None = None,
) -> dict:
    started = time.perf_counter()
    atomic.sweep(edition.site.parent)
    if edition.work is not None:
        atomic.sweep(edition.work)
    # the warm kernels start (and import the package) while the data is checked
    if pool is None:
        pool = pages.start_pool(edition.pages, edition.generated, edition.failed, jobs=jobs, force=force)
    try:
        excerpts = check_data(log)
    except BaseException:  # bad data or a signal: no kernel may outlive the build, and none is waited for
        if pool is not None:
            pool.abort()
        processes.stop_descendants()
        raise
    if edition.toc_text is not None:
        atomic.write_if_changed(edition.root / "_toc.yml", edition.toc_text)
    toc_changed = (edition.stage / ".toc").is_file() and (edition.stage / ".toc").read_bytes() != (
        edition.root / "_toc.yml"
    ).read_bytes()
    if toc_changed:  # Sphinx keeps the pages of removed sections: start the staging folder afresh
        shutil.rmtree(edition.stage, ignore_errors=True)
    # Sphinx's application is made while the last page runs (``sphinx_app.EarlySphinx``)
    early = sphinx_app.EarlySphinx(edition.root, edition.stage)
    try:
        return _run_and_publish(
            edition, excerpts, early, pool, started, jobs=jobs, force=force, publish=publish, log=log
        )
    finally:
        early.close()


def _run_and_publish(
    edition: Edition,
    excerpts: ledger.Verified,
    early: sphinx_app.EarlySphinx,
    pool: kernels.KernelPool | None,
    started: float,
    *,
    jobs: int | None,
    force: bool,
    publish: bool,
    log: Callable[[str], None],
) -> dict:
    # a warm Jupyter Book build does not copy _static again: a changed style sheet needs a full one
    static_key = site.tree_digest([edition.root / "book" / "_static"])
    static_file = edition.stage / ".static"
    static_changed = not static_file.is_file() or static_file.read_text(encoding="utf-8") != static_key
    results = pages.execute_pages(
        edition.pages,
        edition.generated,
        edition.failed,
        jobs=jobs,
        force=force,
        context=excerpts.to_json(),
        log=log,
        pool=pool,
        last_started=early.start,
        facts=edition.published is not None,  # for trust.prepare, below
    )
    processes.check_stopped()
    errors = [r.error for r in results if r.error]
    if errors:
        raise BuildError(
            f"{len(errors)} notebook(s) failed; the book was not rebuilt and the previous site is left in place. "
            f"The executed copies are in {edition.failed}.\n" + "\n".join(errors)
        )
    executed = time.perf_counter()
    if edition.with_guide:  # written only if its text changed
        from caravan_book.build import guide  # imports pandas: after the kernels have started (``start_pool``)

        guide.render(edition.book, edition.pages, edition.generated, read_config(edition.root))
    if edition.published is not None:  # corrections, dates, citations and JSON-LD (the published book only)
        trust.prepare(
            edition.root,
            edition.pages,
            results,
            edition.generated,
            edition.book,
            manifest_path=edition.published,
            publish=publish,
            log=log,
        )
    sources = [edition.root / "_config.yml", edition.root / "_toc.yml", edition.root / "book", edition.generated]
    sources += SPHINX_EXTENSIONS  # the book's own Sphinx extensions change what the pages show
    key = site.tree_digest(sources)
    sphinx_ran = False
    processes.check_stopped()
    if force or not site.is_current(edition.site, key):
        built = site.jupyter_book(
            edition.root, edition.stage, rebuild_all=static_changed or force, log=log, early=early
        )
        processes.check_stopped()  # before the new site replaces the last good one
        atomic.copy_file(edition.root / "_toc.yml", edition.stage / ".toc")
        atomic.write_text(static_file, static_key)
        site.publish(built, edition.site, key)
        sphinx_ran = True
    else:
        log("site is up to date")
    finished = time.perf_counter()
    return {
        "executed": [r.page for r in results if r.ran],
        "skipped": [r.page for r in results if not r.ran],
        "notebooks_seconds": round(executed - started, 2),
        "sphinx_seconds": round(finished - executed, 2),
        "sphinx_ran": sphinx_ran,
        "total_seconds": round(finished - started, 2),
        "site": str(edition.site),
    }
