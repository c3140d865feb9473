"""Where the project's files live. Environment variables let tests point at copies."""

from __future__ import annotations

import os
from pathlib import Path

#: The project folder. ``$CARAVAN_BOOK_ROOT`` points the tools at a copy (tests, experiments).
REPO_ROOT = Path(os.environ.get("CARAVAN_BOOK_ROOT", Path(__file__).resolve().parent.parent)).resolve()
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
    default = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
    candidate = Path(os.environ.get("CARAVAN_BOOK_SEEDS", default))
    return candidate if candidate.is_dir() else None
