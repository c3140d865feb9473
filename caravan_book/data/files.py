"""Which file holds which table, and the log of what a page used: a light module (no pandas, no pandera) for
the build's fast path and for the templates."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from caravan_book.settings import data_dir, usage_log

TABLE_FILES = {
    "places": "places.csv",
    "incidents": "incidents.csv",
    "sources": "sources.csv",
    "events": "events.csv",
    "figures": "figures.csv",
    "metrics": "metrics.csv",
    "statements": "statements.csv",
    "facts": "facts.csv",
    "defects": "defects.csv",
    "claims": "claims.csv",
    "corrections": "corrections.csv",
    "provenance": "reference/provenance.csv",
    "encounters_monthly": "reference/cbp_swb_encounters_monthly_fy2018_fy2021.csv",
    "encounters_monthly_fy2022": "reference/cbp_swb_encounters_monthly_fy2022_fy2023.csv",
    "apprehensions_annual": "reference/usbp_southwest_border_apprehensions_by_sector_fy1960_fy2019.csv",
    "usbp_monthly": "reference/usbp_monthly_apprehensions_by_sector_fy2000_fy2019.csv",
    "world": "reference/world-110m.json",
}

_SOURCE_EXCERPT = {"source_id": ("sources", "source_id")}
#: The ids a table's columns point into: table -> {column: (table, column)}. The schemas check them
#: (``schemas.TableSpec.references``); a validated table's cache is keyed by those tables' files too.
REFERENCES: dict[str, dict[str, tuple[str, str]]] = {
    "sources": {"incident": ("incidents", "incident")},
    "incidents": {"place": ("places", "place"), **_SOURCE_EXCERPT},
    "events": {"incident": ("incidents", "incident"), "place": ("places", "place"), **_SOURCE_EXCERPT},
    "figures": {"incident": ("incidents", "incident"), "metric": ("metrics", "metric"), **_SOURCE_EXCERPT},
    "statements": {"incident": ("incidents", "incident"), "about_event": ("events", "event_id"), **_SOURCE_EXCERPT},
    "facts": {"incident": ("incidents", "incident"), **_SOURCE_EXCERPT},
    "defects": _SOURCE_EXCERPT,
    "claims": {"figure_id": ("figures", "figure_id")},
}


def referenced_tables(name: str) -> tuple[str, ...]:
    """The tables the ids of table ``name`` point into."""
    return tuple(sorted({table for table, _ in REFERENCES.get(name, {}).values()}))


#: The lists that ``recording`` hands out, newest last: each gets every use recorded while it is open.
_RECORDERS: list[list[str]] = []


@contextmanager
def recording() -> Iterator[list[str]]:
    """Collect, as well as log, the uses recorded inside the block (``data.memo`` repeats them on a cache hit)."""
    used: list[str] = []
    _RECORDERS.append(used)
    try:
        yield used
    finally:
        _RECORDERS.remove(used)


def record_use(*entries: str) -> None:
    """Append ``entries`` (table names, ``template:NAME``) to the usage log the build asked for, if any: at each
    use, not once per process, so a kernel that runs several pages logs each page's own uses."""
    for used in _RECORDERS:
        used.extend(entries)
    log = usage_log()
    if log and entries:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write("".join(entry + "\n" for entry in entries))


def rows(name: str, folder: Path | None = None) -> list[dict[str, str]]:
    """A table's rows as text, unvalidated, read with the csv module: for the command line's light paths
    (``list``, the allowed values in a message), which must not load pandas. Pages use ``tables.load``."""
    with open((folder or data_dir()) / TABLE_FILES[name], newline="", encoding="utf-8-sig") as fh:
        return [{key: (value or "").strip() for key, value in row.items() if key} for row in csv.DictReader(fh)]


def column(name: str, column: str, folder: Path | None = None) -> list[str]:
    """One column of a table (``rows``), blanks left out."""
    return [row[column] for row in rows(name, folder) if row.get(column)]
