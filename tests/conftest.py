"""Shared fixtures: copies of the project, the command line as a subprocess, and one built book.

Tests that build work on copies of the project (``CARAVAN_BOOK_ROOT``), never on the
working tree, so a test can break a notebook or a data row without touching the real one.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

from caravan_book import publish
from caravan_book.paths import seeds_dir

REPO = Path(__file__).resolve().parent.parent
#: The source articles, where the one setting (``paths.seeds_dir``) says they are; a clone has none
#: (then this names a folder that does not exist). Run with CARAVAN_BOOK_SEEDS=/nowhere to test as a clone.
SEEDS = seeds_dir() or REPO / ".no-source-articles"
PROJECT_FILES = ("_config.yml", "_toc.yml", "sections.yml", "book", "notebooks", "data")


def require_seeds() -> Path:
    """The source articles (``paths.seeds_dir``). A clone does not have them (they are other outlets' work):
    there the few tests that truly compare excerpts with the articles are skipped, saying why; everything
    else verifies the excerpts against the ledger."""
    if SEEDS.is_dir():
        return SEEDS
    pytest.skip("the source articles are not here ($CARAVAN_BOOK_SEEDS or ../shared/seeds); this test reads them")


def copy_project(dest: Path) -> Path:
    """The files a build reads, without any outputs."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(
                source, dest / name, ignore=shutil.ignore_patterns("generated", "vega-bundle.js", ".ipynb_checkpoints")
            )
        else:
            shutil.copy2(source, dest / name)
    return dest


def run_cli(*args, root: Path | None = None, cwd: Path | None = None, env: dict | None = None, timeout: int = 900):
    """``python -m caravan_book ARGS`` in a subprocess, as a user would run it."""
    full_env = dict(os.environ)
    full_env.pop("CARAVAN_BOOK_ROOT", None)
    if root is not None:
        full_env["CARAVAN_BOOK_ROOT"] = str(root)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "caravan_book", *map(str, args)],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd or REPO,
        timeout=timeout,
    )


def edit_csv(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell of a CSV file (``row`` counts data rows from 0)."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
        fields = list(rows[0].keys())
    rows[row][column] = value
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def _build_into(root: Path) -> None:
    done = run_cli("build", root=root)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="session")
def built_book(tmp_path_factory, worker_id) -> Path:
    """A copy of the project with the published book built into its _build/html. READ-ONLY: a test that
    changes data, notebooks or the site works on ``book_copy`` instead.

    Built once per test session, whatever the number of xdist workers: the first worker to get the lock
    builds it in the session's shared temporary folder, the others wait and reuse it. (``--dist loadgroup``
    would do this, but pytest-xdist 3.8 ignores it with pytest 9.2.)
    """
    if worker_id == "master":  # not under xdist: the session's own folder
        root = copy_project(tmp_path_factory.mktemp("book"))
        _build_into(root)
        return root
    shared = tmp_path_factory.getbasetemp().parent  # one folder for all workers of this session
    root = shared / "built-book"
    with FileLock(str(shared / "built-book.lock")):
        if not (root / ".built").is_file():
            shutil.rmtree(root, ignore_errors=True)
            copy_project(root)
            _build_into(root)
            (root / ".built").touch()
    return root


@pytest.fixture
def book_copy(built_book, tmp_path) -> Path:
    """A private copy of the built book (sources, executed notebooks, caches and site), to change freely."""
    return Path(shutil.copytree(built_book, tmp_path / "book", symlinks=True))


@pytest.fixture
def project_copy(tmp_path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture
def data_copy(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(REPO / "data", target)
    return target


# ---------------------------------------------------------------- headless Debian chromium
CHROMIUM = Path(publish.CHROMIUM)
LOCAL = ("file:", "data:", "blob:", "about:")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium is required: apt-get install chromium (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=list(publish.CHROMIUM_FLAGS),
        )
        yield browser
        browser.close()


def open_offline(browser, path: Path):
    """Open a page with every non-local request blocked; return page, console errors, blocked requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    page = context.new_page()
    errors: list[str] = []
    remote: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: (errors.append(f"dialog opened: {dialog.message}"), dialog.dismiss()))

    def block(route):
        remote.append(route.request.url)
        route.abort()

    context.route(lambda url: not url.startswith(LOCAL), block)
    page.on("request", lambda request: remote.append(request.url) if not request.url.startswith(LOCAL) else None)
    page.goto(path.as_uri(), wait_until="load")
    return context, page, errors, remote


def wait_for_charts(page) -> int:
    count = page.locator(".caravan-chart").count()
    if count:
        page.wait_for_function(
            "n => document.querySelectorAll('.caravan-chart[data-rendered=true] svg').length === n",
            arg=count,
            timeout=20000,
        )
    return count
