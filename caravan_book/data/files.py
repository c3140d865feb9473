"""Which file holds which table, and the log of what a page used: a light module (no pandas, no pandera) for
the build's fast path and for the templates."""

from __future__ import annotations

from caravan_book.settings import usage_log

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
    "provenance": "reference/provenance.csv",
    "encounters_monthly": "reference/cbp_swb_encounters_monthly_fy2018_fy2021.csv",
    "encounters_monthly_fy2022": "reference/cbp_swb_encounters_monthly_fy2022_fy2023.csv",
    "apprehensions_annual": "reference/usbp_southwest_border_apprehensions_by_sector_fy1960_fy2019.csv",
    "world": "reference/world-110m.json",
}


def record_use(*entries: str) -> None:
    """Append ``entries`` (table names, ``template:NAME``) to the usage log the build asked for, if any: at each
    use, not once per process, so a kernel that runs several pages logs each page's own uses."""
    log = usage_log()
    if log and entries:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write("".join(entry + "\n" for entry in entries))
