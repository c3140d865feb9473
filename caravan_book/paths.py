"""Where the project's files live. Environment variables let tests point at copies."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
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
    candidate = Path(os.environ.get("CARAVAN_BOOK_SEEDS", REPO_ROOT.parent / "shared" / "seeds"))
    return candidate if candidate.is_dir() else None
