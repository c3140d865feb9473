"""Shared fixtures: copies of the project, the command line as a subprocess, and one built book.

Every test has one kind, a pytest mark (registered in pyproject.toml): ``browser`` (headless chromium,
the Nu checker, axe, Lighthouse), ``build`` (the command line, kernels, papermill or Sphinx in a
subprocess) or ``unit`` (in-process and fast: ``make test-fast`` runs only these). A test marks itself
``build`` or ``browser`` (or its module does, with ``pytestmark``); a test that uses the built book or a
project copy is ``build`` and one that uses the browser is ``browser`` without saying so; every other
test is ``unit``, and a unit test that starts Python, Java, chromium or make in a subprocess fails, asking
to be marked.

Tests that build work on copies of the project (``CARAVAN_BOOK_ROOT``), never on the
working tree, so a test can break a notebook or a data row without touching the real one.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from filelock import FileLock

from caravan_book import settings
from caravan_book.build import publish
from caravan_book.settings import seeds_dir

REPO = Path(__file__).resolve().parent.parent
#: The source articles, where the one setting (``settings.seeds_dir``) says they are; a clone has none
#: (then this names a folder that does not exist). Run with CARAVAN_BOOK_SEEDS=/nowhere to test as a clone.
SEEDS = seeds_dir() or REPO / ".no-source-articles"


def _incident_ids() -> list[str]:
    with open(REPO / "data" / "incidents.csv", newline="", encoding="utf-8-sig") as fh:
        return [row["incident"] for row in csv.DictReader(fh)]


#: The incidents as messages and ``list`` name them: every id of data/incidents.csv, in the file's order
#: (read here with the csv module, so a new story needs no edit in the tests).
INCIDENT_IDS = _incident_ids()
INCIDENTS = ", ".join(INCIDENT_IDS)


def require_seeds() -> Path:
    """The source articles (``settings.seeds_dir``). A clone does not have them (they are other outlets' work):
    there the few tests that truly compare excerpts with the articles are skipped, saying why; everything
    else verifies the excerpts against the ledger."""
    if SEEDS.is_dir():
        return SEEDS
    pytest.skip("the source articles are not here ($CARAVAN_BOOK_SEEDS or ../shared/seeds); this test reads them")


def copy_project(dest: Path) -> Path:
    """The files a build reads, without any outputs (``settings.copy_project``, as the benchmarks copy)."""
    return settings.copy_project(dest, REPO)


def subprocess_env(root: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment of every subprocess a test starts: ``caravan_book`` is imported from this
    checkout (``PYTHONPATH``), not from whichever checkout the venv has installed, and the kernels
    papermill starts inherit it. ``root`` is the project copy to work on (``CARAVAN_BOOK_ROOT``)."""
    env = dict(os.environ)
    env.pop("CARAVAN_BOOK_ROOT", None)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])])
    if root is not None:
        env["CARAVAN_BOOK_ROOT"] = str(root)
    env.update(extra)
    return env


def run_cli(*args, root: Path | None = None, cwd: Path | None = None, env: dict | None = None, timeout: int = 900):
    """``python -m caravan_book ARGS`` in a subprocess, as a user would run it."""
    return subprocess.run(
        [sys.executable, "-m", "caravan_book", *map(str, args)],
        capture_output=True,
        text=True,
        env=subprocess_env(root, **(env or {})),
        cwd=cwd or REPO,
        timeout=timeout,
    )


# ---------------------------------------------------------------- the kind of each test
KINDS = ("unit", "build", "browser")
BUILD_FIXTURES = {"built_book", "book_copy", "project_copy"}
BROWSER_FIXTURES = {"browser", "served_site"}


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        kinds = {mark.name for mark in item.iter_markers() if mark.name in KINDS}
        uses = set(item.fixturenames)
        if uses & BROWSER_FIXTURES:
            kinds.add("browser")
        elif uses & BUILD_FIXTURES and "browser" not in kinds:
            kinds.add("build")
        if "unit" in kinds and len(kinds) > 1:
            raise pytest.UsageError(f"{item.nodeid} is marked unit but is {' and '.join(sorted(kinds - {'unit'}))}")
        for kind in kinds or {"unit"}:
            if not item.get_closest_marker(kind):
                item.add_marker(kind)


#: Programs behind which a kernel, a build or a browser runs: a unit test may not start them (a quick
#: helper such as git or uname, which the standard library and the benchmark call, is left alone).
HEAVY_PROGRAMS = ("python", "java", "chromium", "make", "node", "npx", "papermill", "jupyter", "sphinx", "caravan-book")


@pytest.fixture(autouse=True)
def _unit_tests_stay_in_process(request, monkeypatch):
    """A unit test that starts a kernel, the command line, a build or a browser fails at once, naming its mark."""
    if request.node.get_closest_marker("unit"):
        start = subprocess.Popen.__init__

        def refuse(self, args, *rest, **kwargs):
            program = Path(str(args if isinstance(args, str | os.PathLike) else args[0]).split()[0]).name
            if program.startswith(HEAVY_PROGRAMS) or program == Path(sys.executable).name:
                pytest.fail(f"{request.node.nodeid} starts {args}: mark it build (or browser)", pytrace=False)
            return start(self, args, *rest, **kwargs)

        monkeypatch.setattr(subprocess.Popen, "__init__", refuse)


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
def kernel_tmp() -> Iterator[Path]:
    """An empty temporary folder for a command's TMPDIR, where its kernels put their connection and socket files:
    directly in the system's temporary folder, as a socket's path may be at most 107 bytes long."""
    folder = Path(tempfile.mkdtemp(prefix="cb-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


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


def count_charts(page) -> int:
    """The page's charts, each drawn: they are SVG written at build time, so nothing is waited for."""
    count = page.locator(".caravan-chart").count()
    assert page.locator(".caravan-chart[data-rendered=true] svg").count() == count, "a chart without its drawing"
    return count


def generated_pages(site: Path) -> dict:
    """Each generated page of a built book (``site`` is the project folder), parsed, by page name."""
    from bs4 import BeautifulSoup

    from caravan_book.build import sections

    folder = site / "_build" / "html" / "book" / "generated"
    return {
        p.page: BeautifulSoup((folder / f"{p.page}.html").read_text(encoding="utf-8"), "html.parser")
        for p in sections.load().pages
    }
