"""Validate the notebooks' parameters. Every notebook calls these first, and so does the CLI.

A bad value raises :class:`~caravan_book.errors.ParameterError` whose message says what
was wrong and lists the valid choices; in a notebook it shows without a traceback.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from caravan_book.data import tables
from caravan_book.data.kinds import DAY_OR_NEXT
from caravan_book.errors import ParameterError

ALL = "all"
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Selection:
    """What a section tells: one incident, as some sources told it, as known on some day."""

    incident: str
    sources: tuple[str, ...]  # the sources that cover the incident and are selected
    all_sources: bool
    as_of: pd.Timestamp | None

    def title(self) -> str:
        """The incident's title as readers see it (incidents.csv)."""
        return str(tables.load("incidents").set_index("incident").loc[self.incident, "title"])

    def describe(self) -> str:
        told_by = "all sources" if self.all_sources else "sources: " + ", ".join(self.sources)
        known = "everything published" if self.as_of is None else f"as known on {self.as_of:%d %B %Y}"
        return f"Incident: {self.incident} · {told_by} · {known}"


def incident_ids() -> list[str]:
    return tables.load("incidents")["incident"].tolist()


def source_ids() -> list[str]:
    return tables.load("sources")["source_id"].tolist()


def _require_text(name: str, value, example: str) -> str:
    if not isinstance(value, str):
        raise ParameterError(f"{name} must be text such as {example!r}, not {type(value).__name__} {value!r}")
    return value.strip()


def check_incident(value, name: str = "incident") -> str:
    known = incident_ids()
    value = _require_text(name, value, known[0])
    if value not in known:
        raise ParameterError(f"{name} {value!r} is not a known incident; choose one of: {', '.join(known)}")
    return value


def check_sources(value) -> list[str] | None:
    """None means all sources; otherwise a list of known source ids."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", ALL)):
        return None
    if isinstance(value, str):
        chosen = [part.strip() for part in value.split(",") if part.strip()]
    elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        chosen = [v.strip() for v in value]
    else:
        raise ParameterError(f"sources must be 'all', a comma-separated text or a list of source ids, not {value!r}")
    known = source_ids()
    unknown = [s for s in chosen if s not in known]
    if unknown:
        raise ParameterError(f"unknown source(s): {', '.join(unknown)}; choose from: {', '.join(known)} (or 'all')")
    if not chosen:
        raise ParameterError(f"sources is an empty list; choose from: {', '.join(known)} (or 'all')")
    return chosen


def check_as_of(value) -> pd.Timestamp | None:
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none", "latest")):
        return None
    if isinstance(value, (dt.date, pd.Timestamp)):
        stamp = pd.Timestamp(value)
    else:
        text = _require_text("as_of", value, "2018-11-26")
        if not _ISO.match(text):
            raise ParameterError(
                f"as_of {text!r} is not a date written YYYY-MM-DD (for example 2018-11-26), or 'latest'"
            )
        try:
            stamp = pd.Timestamp(dt.date.fromisoformat(text))
        except ValueError:
            raise ParameterError(
                f"as_of {text!r} is not a real calendar date; write YYYY-MM-DD, e.g. 2018-11-26"
            ) from None
    today = pd.Timestamp(dt.date.today())
    if stamp > today:
        raise ParameterError(f"as_of {stamp:%Y-%m-%d} is in the future; use a date up to {today:%Y-%m-%d} or 'latest'")
    return stamp


def select(incident, sources=ALL, as_of=None) -> Selection:
    """Validate a section's parameters; raise ParameterError with the valid choices if any is wrong."""
    incident = check_incident(incident)
    chosen = check_sources(sources)
    as_of_date = check_as_of(as_of)
    covering = tables.load("sources").query("incident == @incident")
    candidates = covering if chosen is None else covering[covering["source_id"].isin(chosen)]
    if candidates.empty:
        raise ParameterError(
            f"none of the chosen sources ({', '.join(chosen or [])}) reports on {incident}; "
            f"sources that do: {', '.join(covering['source_id'])}"
        )
    if as_of_date is not None:
        # an article dated only to one of two days ("day or next") is known by the later one
        # ("on or after" a day: known from that day, the first it can be from)
        later = candidates.get("published_precision", pd.Series(index=candidates.index, dtype=object)) == DAY_OR_NEXT
        known_on = candidates["published"] + pd.to_timedelta(later.astype(int), unit="D")
        known = candidates[known_on <= as_of_date]
        if known.empty:
            first = known_on.min()
            raise ParameterError(
                f"as_of {as_of_date:%Y-%m-%d} is before any chosen source on {incident} was published; "
                f"the earliest was published on {first:%Y-%m-%d}"
            )
        candidates = known
    return Selection(incident, tuple(candidates["source_id"]), chosen is None, as_of_date)


def select_pair(left, right) -> tuple[Selection, Selection]:
    """The two incidents of the comparison section."""
    left = check_incident(left, "left")
    right = check_incident(right, "right")
    if left == right:
        raise ParameterError(
            f"left and right are both {left!r}; choose two different incidents from: {', '.join(incident_ids())}"
        )
    return select(left), select(right)
