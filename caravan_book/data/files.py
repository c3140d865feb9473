"""Which file holds which table: a light module (no pandas, no pandera) for the build's fast path."""

from __future__ import annotations

#: When set, each table a process loads is appended to this file (one name a line):
#: the build uses it to know which pages depend on which tables.
USAGE_LOG_ENV = "CARAVAN_BOOK_TABLES_USED"

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
    "world": "reference/world-110m.json",
}
