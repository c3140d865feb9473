"""Where the project's files live. Environment variables let tests point at copies."""

from __future__ import annotations

import os
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


def _project_root() -> Path:
    """``$CARAVAN_BOOK_ROOT`` if set (tests, experiments); else the checkout this package lives in (an
    editable install); else, for a package installed with ``pip install .``, the nearest folder holding
    ``sections.yml`` from the current one up (so ``caravan-book build`` run in a checkout builds that
    checkout). That folder is then put in ``$CARAVAN_BOOK_ROOT``, so the kernels and Jupyter Book, which
    run in other folders, use the same project."""
    if "CARAVAN_BOOK_ROOT" in os.environ:
        return Path(os.environ["CARAVAN_BOOK_ROOT"]).resolve()
    if (_CHECKOUT / "sections.yml").is_file():
        return _CHECKOUT
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "sections.yml").is_file():
            os.environ["CARAVAN_BOOK_ROOT"] = str(folder)
            return folder
    return _CHECKOUT


#: The project folder (data/, notebooks/, book/, sections.yml); see ``_project_root``.
REPO_ROOT = _project_root()
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
BOOK_DIR = REPO_ROOT / "book"
GENERATED_DIR = BOOK_DIR / "generated"
STATIC_DIR = BOOK_DIR / "_static"
SECTIONS_FILE = REPO_ROOT / "sections.yml"


def data_dir() -> Path:
    """The data folder in use: ``$CARAVAN_BOOK_DATA`` or the repository's ``data/``."""
    return Path(os.environ.get("CARAVAN_BOOK_DATA", REPO_ROOT / "data")).resolve()


def seeds_dir() -> Path | None:
    """The source articles, if present (``$CARAVAN_BOOK_SEEDS`` or ``../shared/seeds``)."""
    if "CARAVAN_BOOK_SEEDS" in os.environ:
        candidate = Path(os.environ["CARAVAN_BOOK_SEEDS"])
        return candidate if candidate.is_dir() else None
    # beside the checkout the package lives in, or (installed with ``pip install .``) beside the project folder
    for candidate in (_CHECKOUT.parent / "shared" / "seeds", REPO_ROOT.parent / "shared" / "seeds"):
        if candidate.is_dir():
            return candidate
    return None


#: The build tells each kernel facts it may print (e.g. how the excerpts were verified) through this.
CONTEXT_ENV = "CARAVAN_BOOK_BUILD_CONTEXT"
