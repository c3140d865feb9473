"""The one place the package reads its settings: where the project's files live and the environment
variables the tools read and set. No other module reads ``os.environ`` for a ``CARAVAN_BOOK_*`` name; the
README's settings table lists the same variables (``tests/test_house.py`` holds the two together).

Set by people (tests and experiments point them at copies):

- ``CARAVAN_BOOK_ROOT``: the project folder (see ``_project_root``);
- ``CARAVAN_BOOK_DATA``: the data folder (default: ``data/`` in the project);
- ``CARAVAN_BOOK_SEEDS``: the source articles (default: ``../shared/seeds``);
- ``CARAVAN_BOOK_CHROMIUM``: the browser for handouts and tests (default: ``/usr/bin/chromium``).

Set by the tools for the processes they start (kernels, workers), not by hand:

- ``CARAVAN_BOOK_MEDIUM``: where the output goes, ``web``, ``page`` or ``print``;
- ``CARAVAN_BOOK_BUILD_CONTEXT``: facts of the build a page may print (how the excerpts were verified);
- ``CARAVAN_BOOK_TABLES_USED``: a file each kernel appends the tables and templates it used to (the page cache).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT_ENV = "CARAVAN_BOOK_ROOT"
DATA_ENV = "CARAVAN_BOOK_DATA"
SEEDS_ENV = "CARAVAN_BOOK_SEEDS"
CHROMIUM_ENV = "CARAVAN_BOOK_CHROMIUM"
MEDIUM_ENV = "CARAVAN_BOOK_MEDIUM"
#: The build tells each kernel facts it may print (e.g. how the excerpts were verified) through this.
CONTEXT_ENV = "CARAVAN_BOOK_BUILD_CONTEXT"
#: When set, each table a process loads and each template it renders is appended to this file (one a
#: line): the build uses it to know which pages depend on which tables and templates.
USAGE_LOG_ENV = "CARAVAN_BOOK_TABLES_USED"
#: The folder of the chart drawings' cache (default ``_build/chart-cache`` in the project).
CHART_CACHE_ENV = "CARAVAN_BOOK_CHART_CACHE"
#: Every variable above, for the README's table (``tests/test_house.py``).
VARIABLES = (ROOT_ENV, DATA_ENV, SEEDS_ENV, CHROMIUM_ENV, MEDIUM_ENV, CONTEXT_ENV, USAGE_LOG_ENV, CHART_CACHE_ENV)

#: Where the output goes: "web" (the Sphinx site, default), "student" (a student edition: as "web", less what
#: would answer its exercises), "page" (a standalone HTML page, and handouts, which remove the solutions
#: themselves) or "print" (exercises without solutions). Charts are SVG in all of them.
MEDIUMS = ("web", "student", "page", "print")

_CHECKOUT = Path(__file__).resolve().parent.parent


def _project_root() -> Path:
    """``$CARAVAN_BOOK_ROOT`` if set (tests, experiments); else the checkout this package lives in (an
    editable install); else, for a package installed with ``pip install .``, the nearest folder holding
    ``sections.yml`` from the current one up (so ``caravan-book build`` run in a checkout builds that
    checkout). That folder is then put in ``$CARAVAN_BOOK_ROOT``, so the kernels and Jupyter Book, which
    run in other folders, use the same project."""
    if ROOT_ENV in os.environ:
        return Path(os.environ[ROOT_ENV]).resolve()
    if (_CHECKOUT / "sections.yml").is_file():
        return _CHECKOUT
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "sections.yml").is_file():
            os.environ[ROOT_ENV] = str(folder)
            return folder
    return _CHECKOUT


#: The project folder (data/, notebooks/, book/, sections.yml); see ``_project_root``.
REPO_ROOT = _project_root()
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
BOOK_DIR = REPO_ROOT / "book"
GENERATED_DIR = BOOK_DIR / "generated"
STATIC_DIR = BOOK_DIR / "_static"
SECTIONS_FILE = REPO_ROOT / "sections.yml"


#: What a project is: the files and folders a build reads (tests and benchmarks copy these, ``copy_project``).
PROJECT_FILES = ("_config.yml", "_toc.yml", "sections.yml", "CITATION.cff", "book", "notebooks", "data")


def copy_project(dest: Path, source: Path | None = None) -> Path:
    """A copy of the project in ``source`` (default: this one) at ``dest``, without outputs, for a build
    that must not touch the working tree (point ``$CARAVAN_BOOK_ROOT`` at it)."""
    source = source or REPO_ROOT
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        if (source / name).is_dir():
            ignore = shutil.ignore_patterns("generated", ".ipynb_checkpoints")
            shutil.copytree(source / name, dest / name, ignore=ignore, dirs_exist_ok=True)
        else:
            shutil.copy2(source / name, dest / name)
    return dest


def root_is_set() -> bool:
    """Whether the project folder was given (``$CARAVAN_BOOK_ROOT``), not found."""
    return ROOT_ENV in os.environ


def data_dir() -> Path:
    """The data folder in use: ``$CARAVAN_BOOK_DATA`` or the repository's ``data/``."""
    return Path(os.environ.get(DATA_ENV, REPO_ROOT / "data")).resolve()


def seeds_dir() -> Path | None:
    """The source articles, if present (``$CARAVAN_BOOK_SEEDS`` or ``../shared/seeds``)."""
    if SEEDS_ENV in os.environ:
        candidate = Path(os.environ[SEEDS_ENV])
        return candidate if candidate.is_dir() else None
    # beside the checkout the package lives in, or (installed with ``pip install .``) beside the project folder
    for candidate in (_CHECKOUT.parent / "shared" / "seeds", REPO_ROOT.parent / "shared" / "seeds"):
        if candidate.is_dir():
            return candidate
    return None


def chromium() -> Path:
    """The browser for handouts, benchmarks and tests: ``$CARAVAN_BOOK_CHROMIUM`` or Debian's."""
    return Path(os.environ.get(CHROMIUM_ENV, "/usr/bin/chromium"))


def medium() -> str:
    """The output medium of this process (``$CARAVAN_BOOK_MEDIUM``; ``web`` when unset or unknown)."""
    value = os.environ.get(MEDIUM_ENV, "web")
    return value if value in MEDIUMS else "web"


@contextmanager
def output_medium(value: str) -> Iterator[None]:
    """Set the output medium (``$CARAVAN_BOOK_MEDIUM``) for this process and the kernels it starts, while
    the block runs."""
    old = os.environ.get(MEDIUM_ENV)
    os.environ[MEDIUM_ENV] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(MEDIUM_ENV, None)
        else:
            os.environ[MEDIUM_ENV] = old


def build_context() -> str:
    """What the build told this kernel (``$CARAVAN_BOOK_BUILD_CONTEXT``; empty outside a build)."""
    return os.environ.get(CONTEXT_ENV, "")


def usage_log() -> str | None:
    """The file this process logs the tables and templates it uses to, if the build asked for one."""
    return os.environ.get(USAGE_LOG_ENV) or None


def chart_cache_dir() -> Path:
    """Where drawn charts are kept between pages and builds: ``$CARAVAN_BOOK_CHART_CACHE`` or ``_build/chart-cache``."""
    return Path(os.environ.get(CHART_CACHE_ENV) or REPO_ROOT / "_build" / "chart-cache")
