"""How well ``caravan-book extract`` proposes what a careful person extracts: precision and recall.

Two kinds of ground truth, compared in the same way:

- the five seed articles (``../shared/seeds``), against the curated rows of ``data/`` for each
  article (``figures.csv``, ``statements.csv``, ``events.csv``, ``defects.csv``, ``sources.csv``, and
  ``incidents.csv`` for the article an incident's row cites);
- each fictional fixture of ``tests/fixtures/``, against its truth file
  ``tests/fixtures/truth/<article name>.yml`` (same columns; what each holds is said at its top).

The extractor runs once per article, in process, into a temporary review folder (with the article's
source id, its publication date and ``--new-incident``, so it proposes the article's ``sources`` row
and an incident row too; a seed article, whose source and incident already are in ``data/``, runs
under stand-in ids ``<source_id>-bench`` and ``<incident>-bench``). Only the review folder's CSV
files are read: the benchmark depends on the extractor's output files, not on its internals (if the
package is reorganised, the one import in :func:`proposals` follows ``extract``).

Matching rules (every comparison is within one article; ``norm`` collapses whitespace, drops
leading and trailing punctuation and quotation marks, makes ’ an ' and lowercases):

- ``contains(a, b)``: ``norm(a)`` contains ``norm(b)`` or ``norm(b)`` contains ``norm(a)`` (both non-empty).
- **figures**: a proposed and a true figure match when their ``value`` is equal and their excerpts
  ``contain`` one another (the same sentence or clause; the old rule, value alone anywhere in the
  article, is kept as ``figures precision (value only)`` for comparison with earlier numbers).
- **direct quotations** (``quote_kind`` direct): match when their ``quote`` ``contain`` one another.
- **reported quotations** (``quote_kind`` reported): match when their excerpts ``contain`` one
  another and their ``quote`` ``contain`` one another or share at least 60% of the longer one's
  words (reported clauses are cut at different places). A proposal of one kind is never a match for
  a row of the other kind (``quotations precision (either kind)``, the old rule for direct quotes,
  counts a proposed direct quote right when it matches a true quote of either kind).
- **events**: match when their ``date`` is equal and their excerpts ``contain`` one another. A
  sentence whose weekday contradicts its printed date is one event: a second event for it on the
  weekday's date is a wrong proposal. ``dated events recall`` counts only the true events whose
  excerpt itself gives a date (``DATE_WORDS``, an independent list, not the extractor's).
- **defects**: match when their excerpts ``contain`` one another. **Weekday conflict kept as one
  event**: for each true defect that prints a weekday with a day and month (``WEEKDAY_CONFLICT``), the
  proposed events whose excerpt ``contain`` it have at most one date.
- **precision** = proposals that match at least one true row / all proposals of that kind;
  **recall** = true rows matched by at least one proposal / all true rows. Several proposals may
  match one row (each counts for precision); no one-to-one assignment is made.
- **attributes of matched rows** (the first matching proposal in article order is the one judged):
  figure ``unit`` and ``qualifier`` equal, and ``metric`` where the truth gives one (the seeds'
  rows; the fixtures give none, as a new incident's metrics are new); figure speaker
  (``attributed_to``) and quotation speaker right; event ``date_precision`` and ``place`` equal (an
  empty place matches an empty one). A **speaker is right** when ``norm`` gives the same text, or the
  true name stands whole inside the proposed one (``Father Tomás Arriaga`` for ``Tomás Arriaga``);
  not the other way round, so ``Huixtla`` for ``Local officials in Huixtla`` is wrong; an empty true
  speaker (the outlet's own voice) wants an empty one. **Speaker accuracy** is the share of matched
  quotations (direct and reported) whose speaker is right.
- **incident**: the proposed incident row's ``start_date`` and ``place`` equal the true ones, and its
  excerpt ``contain`` the true departure (or event) sentence; **headline** equal after ``norm``;
  **new places** (fixtures only): proposed ``places.csv`` rows against the truth's ``places_new``.
- **excerpts verbatim**: the share of proposed excerpts found word for word in the article (100%).

Usage: ``.venv/bin/python benchmarks/extract_benchmark.py [--seeds DIR] [--data DIR] [--truth DIR]
[--only NAME]... [--json PATH] [--wrong KIND]...``; ``NAME`` is ``seeds`` or a fixture's file name without
``.txt``; ``--wrong`` prints to stderr each proposal of ``KIND`` (figures, statements, events, defects) that
matches no true row.
Prints a table (measure × article set) and writes a JSON summary (default
``benchmarks/results/extract-latest.json``). Exit codes: 0 done; 2 bad input (the seed folder
missing, a truth file that does not read or whose excerpts are not in its article, an unknown
``--only`` name), with a one-line error.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import platform
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from caravan_book.data import tables  # noqa: E402
from caravan_book.data.kinds import DAY_OR_NEXT  # noqa: E402
from caravan_book.text.article import collapse  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
TRUTHS = FIXTURES / "truth"
RESULTS = ROOT / "benchmarks" / "results" / "extract-latest.json"
SEEDS = "seeds"

#: An excerpt "gives a date" when it has one of these (an independent list, not the extractor's).
DATE_WORDS = re.compile(
    r"\b(((in|on|since|by|of|early|late|\d{1,2}) )(January|February|March|April|May|June|July|August|September|"
    r"October|November|December)|(January|February|March|April|May|June|July|August|September|October|November|"
    r"December) \d|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today|tonight|ago|this week|"
    r"last week|this month|earlier in the day|past two weeks|(19|20)\d\d)\b"
)

#: A true defect whose excerpt prints a weekday with a day and month ("By Monday, June 2").
WEEKDAY_CONFLICT = re.compile(
    r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),? (\d{1,2} [A-Z][a-z]+|[A-Z][a-z]+\.? \d{1,2})\b"
)

#: The measures, in the order the table prints them: (key, kind) where kind is "pr" (precision and
#: recall), "share" (one share) or "check" (true/false per article, shown as a share).
MEASURES: tuple[tuple[str, str], ...] = (
    ("figures", "pr"),
    ("direct quotations", "pr"),
    ("reported quotations", "pr"),
    ("events", "pr"),
    ("dated events recall", "share"),
    ("speaker accuracy (matched quotations)", "share"),
    ("figure unit right (matched)", "share"),
    ("figure metric right (matched)", "share"),
    ("figure qualifier right (matched)", "share"),
    ("figure speaker right (matched)", "share"),
    ("event date precision right (matched)", "share"),
    ("event place right (matched)", "share"),
    ("defects", "pr"),
    ("weekday conflict kept as one event", "check"),
    ("incident start date right", "check"),
    ("incident place right", "check"),
    ("incident sentence right", "check"),
    ("headline right", "check"),
    ("new places", "pr"),
    ("excerpts verbatim", "share"),
    ("figures precision (value only)", "share"),
    ("quotations precision (either kind)", "share"),
)


class BadInput(Exception):
    """A problem with the benchmark's input, reported as one line with exit code 2."""


# ------------------------------------------------------------------------------------ matching
def norm(text: Any) -> str:
    return collapse(str(text or "")).strip(" .,;:!?…'\"“”‘’").replace("’", "'").replace("‘", "'").lower()


def contains(a: Any, b: Any) -> bool:
    a, b = norm(a), norm(b)
    return bool(a) and bool(b) and (a in b or b in a)


def _words(text: Any) -> list[str]:
    return re.findall(r"[\w']+", norm(text))


def similar_clause(a: Any, b: Any) -> bool:
    """Reported clauses: one contains the other, or they share at least 60% of the longer one's words."""
    if contains(a, b):
        return True
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    shared = len(set(wa) & set(wb))
    return shared >= 0.6 * max(len(set(wa)), len(set(wb)))


def speaker_right(proposed: Any, true: Any) -> bool:
    p, t = norm(proposed), norm(true)
    if not t:
        return not p
    return p == t or re.search(rf"(?<![\w']){re.escape(t)}(?![\w'])", p) is not None


def _value(row: dict[str, Any]) -> float | None:
    try:
        return float(str(row.get("value", "")).replace(",", ""))
    except ValueError:
        return None


def figure_match(p: dict, t: dict) -> bool:
    return _value(p) is not None and _value(p) == _value(t) and contains(p.get("excerpt"), t.get("excerpt"))


def direct_match(p: dict, t: dict) -> bool:
    return contains(p.get("quote"), t.get("quote"))


def reported_match(p: dict, t: dict) -> bool:
    return contains(p.get("excerpt"), t.get("excerpt")) and similar_clause(p.get("quote"), t.get("quote"))


def _iso(value: Any) -> str:
    return value.date().isoformat() if hasattr(value, "date") and callable(value.date) else str(value or "")[:10]


def _counted_from(source: dict) -> str:
    """The publication day the curated data counts an article's dates from: for an article that may be from its
    stated day or the next ("15 or 16 November 2018"), the later day, as data/ bounds its events ("before 16
    October 2018", "on or before 16 November 2018"); the stated day otherwise. ``extract`` is given this day."""
    day = _iso(source["published"])
    if str(source.get("published_precision") or "") == DAY_OR_NEXT:
        day = (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
    return day


def event_match(p: dict, t: dict) -> bool:
    return _iso(p.get("date")) == _iso(t.get("date")) and contains(p.get("excerpt"), t.get("excerpt"))


def defect_match(p: dict, t: dict) -> bool:
    return contains(p.get("excerpt"), t.get("excerpt"))


# ------------------------------------------------------------------------------ ground truth
@dataclass
class Truth:
    """What a careful person extracts from one article, in the columns of data/'s tables."""

    name: str
    group: str  # "seeds" or the fixture's name
    article: Path
    source_id: str
    incident: str
    published: str
    figures: list[dict[str, Any]] = field(default_factory=list)
    statements: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    defects: list[dict[str, Any]] = field(default_factory=list)
    incident_row: dict[str, Any] | None = None
    headline: str = ""
    places_new: list[str] | None = None  # None: not judged (the seeds' places are all in places.csv)


def _records(frame) -> list[dict[str, Any]]:
    return [{k: ("" if v != v else v) for k, v in row.items()} for row in frame.to_dict("records")]  # NaN -> ""


def seed_truths(seeds: Path, data: Path) -> list[Truth]:
    """The five seed articles with their curated rows from ``data/``."""
    if not seeds.is_dir():
        raise BadInput(f"the seed articles are not at {seeds} (use --seeds DIR, or --only a fixture)")
    loaded = {t: tables.load(t, data) for t in ("sources", "figures", "statements", "events", "defects", "incidents")}
    truths = []
    for source in _records(loaded["sources"]):
        sid = source["source_id"]
        path = seeds / source["document"]
        if not path.is_file():
            raise BadInput(f"{path}: the seed article of '{sid}' is missing")
        mine = {t: _records(f[f.source_id == sid]) for t, f in loaded.items() if t not in ("sources", "incidents")}
        incident = next((r for r in _records(loaded["incidents"]) if r["source_id"] == sid), None)
        if incident:
            incident = {**incident, "start_date": _iso(incident["start_date"])}
        truths.append(
            Truth(
                name=sid,
                group=SEEDS,
                article=path,
                source_id=sid,
                incident=source["incident"],
                published=_counted_from(source),
                figures=mine["figures"],
                statements=mine["statements"],
                events=[{**e, "date": _iso(e["date"])} for e in mine["events"]],
                defects=mine["defects"],
                incident_row=incident,
                headline=source["headline"],
            )
        )
    return truths


def fixture_truth(path: Path) -> Truth:
    """A fixture's truth file, checked: its article exists and every excerpt stands in it word for word."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BadInput(f"{path}: does not read as YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(doc, dict) or not {"article", "source_id", "incident", "published"} <= set(doc):
        raise BadInput(f"{path}: needs article, source_id, incident and published at its top level")
    article = path.parent.parent / str(doc["article"])
    if not article.is_file():
        raise BadInput(f"{path}: its article {article} is missing")
    whole = collapse(article.read_text(encoding="utf-8"))
    rows = {t: list(doc.get(t) or []) for t in ("figures", "statements", "events", "defects")}
    incident = doc.get("incident_row")
    for table, items in [*rows.items(), ("incident_row", [incident] if incident else [])]:
        for i, row in enumerate(items, 1):
            excerpt = collapse(str(row.get("excerpt", "")))
            if not excerpt or excerpt not in whole:
                raise BadInput(f"{path}: {table} row {i}: excerpt is not word for word in {article.name}")
            for part in ("quote", "value_text", "as_printed"):
                if part in row and collapse(str(row[part])) not in excerpt:
                    raise BadInput(f"{path}: {table} row {i}: {part} is not in its excerpt")
    return Truth(
        name=article.stem,
        group=article.stem,
        article=article,
        source_id=str(doc["source_id"]),
        incident=str(doc["incident"]),
        published=str(doc["published"]),
        incident_row=incident,
        headline=str((doc.get("source") or {}).get("headline", "")),
        places_new=list(doc.get("places_new") or []),
        **rows,
    )


def fixture_truths(folder: Path = TRUTHS) -> list[Truth]:
    return [fixture_truth(p) for p in sorted(folder.glob("*.yml"))]


# --------------------------------------------------------------------------------- proposals
def proposals(truth: Truth, data: Path) -> dict[str, list[dict[str, str]]]:
    """Run the extractor on the article; the rows of its review folder, table by table."""
    from caravan_book.intake.proposer import extract  # the one line to change if the extractor moves

    known_incidents = set(tables.load("incidents", data)["incident"])
    known_sources = set(tables.load("sources", data)["source_id"])
    incident = f"{truth.incident}-bench" if truth.incident in known_incidents else truth.incident
    source_id = f"{truth.source_id}-bench" if truth.source_id in known_sources else truth.source_id
    with tempfile.TemporaryDirectory() as tmp:
        review = Path(tmp) / "review"
        extract(
            truth.article,
            source_id,
            incident,
            review,
            published=truth.published,
            new_incident=True,
            data=data,
        )
        found = {}
        for csv_file in sorted(review.glob("*.csv")):
            with open(csv_file, newline="", encoding="utf-8") as fh:
                found[csv_file.stem] = list(csv.DictReader(fh))
    return found


# -------------------------------------------------------------------------------- comparison
class Tally:
    """Counts per measure: hits and totals, for precision, recall and shares."""

    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = {}

    def count(self, key: str, hit: bool) -> None:
        c = self.counts.setdefault(key, [0, 0])
        c[0] += int(bool(hit))
        c[1] += 1

    def pr(self, key: str, proposed: list[dict], true: list[dict], match) -> list[tuple[dict, dict]]:
        """Precision and recall of one kind of row; the (true row, first matching proposal) pairs."""
        self.counts.setdefault(f"{key} precision", [0, 0])
        self.counts.setdefault(f"{key} recall", [0, 0])
        for p in proposed:
            self.count(f"{key} precision", any(match(p, t) for t in true))
        pairs = []
        for t in true:
            first = next((p for p in proposed if match(p, t)), None)
            self.count(f"{key} recall", first is not None)
            if first is not None:
                pairs.append((t, first))
        return pairs

    def merge(self, other: Tally) -> None:
        for key, (hits, total) in other.counts.items():
            c = self.counts.setdefault(key, [0, 0])
            c[0] += hits
            c[1] += total


def compare(truth: Truth, found: dict[str, list[dict[str, str]]]) -> Tally:
    tally = Tally()
    figures = found.get("figures", [])
    for t, p in tally.pr("figures", figures, truth.figures, figure_match):
        tally.count("figure unit right (matched)", norm(p.get("unit")) == norm(t.get("unit")))
        if t.get("metric"):
            tally.count("figure metric right (matched)", p.get("metric") == t["metric"])
        tally.count("figure qualifier right (matched)", norm(p.get("qualifier")) == norm(t.get("qualifier")))
        tally.count("figure speaker right (matched)", speaker_right(p.get("attributed_to"), t.get("attributed_to")))
    values = {_value(t) for t in truth.figures}
    for p in figures:
        tally.count("figures precision (value only)", _value(p) in values)

    statements = found.get("statements", [])
    for kind, match in (("direct", direct_match), ("reported", reported_match)):
        mine = [s for s in statements if s.get("quote_kind") == kind]
        theirs = [s for s in truth.statements if s.get("quote_kind") == kind]
        for t, p in tally.pr(f"{kind} quotations", mine, theirs, match):
            tally.count("speaker accuracy (matched quotations)", speaker_right(p.get("speaker"), t.get("speaker")))
    for p in (s for s in statements if s.get("quote_kind") == "direct"):
        tally.count(
            "quotations precision (either kind)",
            any(contains(p.get("quote"), t.get("quote")) for t in truth.statements),
        )

    events = found.get("events", [])
    for t, p in tally.pr("events", events, truth.events, event_match):
        tally.count("event date precision right (matched)", p.get("date_precision") == t.get("date_precision"))
        tally.count("event place right (matched)", norm(p.get("place")) == norm(t.get("place")))
    for t in truth.events:
        if DATE_WORDS.search(str(t.get("excerpt", ""))):
            tally.count("dated events recall", any(event_match(p, t) for p in events))

    tally.pr("defects", found.get("defects", []), truth.defects, defect_match)
    for d in truth.defects:
        if WEEKDAY_CONFLICT.search(str(d.get("excerpt", ""))):
            dates = {_iso(p.get("date")) for p in events if contains(p.get("excerpt"), d.get("excerpt"))}
            tally.count("weekday conflict kept as one event", len(dates) <= 1)

    if truth.incident_row:
        mine_i = (found.get("incidents") or [{}])[0]
        t_i = truth.incident_row
        tally.count("incident start date right", _iso(mine_i.get("start_date")) == _iso(t_i.get("start_date")))
        tally.count("incident place right", norm(mine_i.get("place")) == norm(t_i.get("place")))
        tally.count("incident sentence right", contains(mine_i.get("excerpt"), t_i.get("excerpt")))
    if truth.headline:
        headline = (found.get("sources") or [{}])[0].get("headline", "")
        tally.count("headline right", norm(headline) == norm(truth.headline))
    if truth.places_new is not None:
        new = [{"place": p} for p in truth.places_new]
        tally.pr("new places", found.get("places", []), new, lambda p, t: norm(p.get("place")) == norm(t["place"]))

    whole = collapse(truth.article.read_text(encoding="utf-8"))
    for rows in found.values():
        for r in rows:
            if r.get("excerpt"):
                tally.count("excerpts verbatim", collapse(r["excerpt"]) in whole)
    return tally


# ----------------------------------------------------------------------------------- summary
def _share(c: list[int] | None) -> dict[str, Any] | None:
    if not c or not c[1]:
        return None
    return {"share": round(c[0] / c[1], 4), "hits": c[0], "of": c[1]}


def summarise(tally: Tally) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, kind in MEASURES:
        if kind == "pr":
            out[key] = {
                "precision": _share(tally.counts.get(f"{key} precision")),
                "recall": _share(tally.counts.get(f"{key} recall")),
            }
        else:
            out[key] = _share(tally.counts.get(key))
    return out


#: ``--wrong KIND``: the proposals of a kind, the true rows they are judged against and the rule that matches.
WRONG_KINDS = {
    "figures": ("figures", "figures", figure_match),
    "events": ("events", "events", event_match),
    "defects": ("defects", "defects", defect_match),
    "statements": ("statements", "statements", lambda p, t: direct_match(p, t) or reported_match(p, t)),
}


def wrong(truth: Truth, found: dict[str, list[dict[str, str]]], kind: str) -> list[str]:
    """One line per proposal of ``kind`` that matches no true row (a false positive): article, rule, excerpt."""
    table_name, truth_name, match = WRONG_KINDS[kind]
    true_rows = getattr(truth, truth_name)
    lines = []
    for p in found.get(table_name, []):
        if not any(match(p, t) for t in true_rows):
            when = p.get("date") or p.get("value_text") or p.get("quote_kind") or ""
            lines.append(f"{truth.name}\t{when}\t{p.get('rule', '')}\t{' '.join(str(p.get('excerpt', '')).split())}")
    return lines


def run(truths: list[Truth], data: Path, show_wrong: list[str] | None = None) -> dict[str, Any]:
    """Extract every article, compare, and sum up per article and per set (the seeds; each fixture). For each
    kind in ``show_wrong``, print its false positives to stderr."""
    per_article: dict[str, Any] = {}
    per_set: dict[str, Tally] = {}
    started = time.perf_counter()
    for truth in truths:
        found = proposals(truth, data)
        for kind in show_wrong or []:
            for line in wrong(truth, found, kind):
                print(f"wrong {kind}: {line}", file=sys.stderr)
        tally = compare(truth, found)
        per_article[truth.name] = {"set": truth.group, **summarise(tally)}
        per_set.setdefault(truth.group, Tally()).merge(tally)
    return {
        "generated": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "commit": _commit(),
        "machine": {"python": platform.python_version(), "system": platform.platform()},
        "seconds": round(time.perf_counter() - started, 2),
        "rules": "see the docstring of benchmarks/extract_benchmark.py",
        "sets": {name: summarise(t) for name, t in per_set.items()},
        "articles": per_article,
    }


def _commit() -> str:
    try:
        done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    except OSError:
        return ""
    return done.stdout.strip()


def _cell(value: dict[str, Any] | None) -> str:
    return "–" if value is None else f"{100 * value['share']:.0f}% ({value['hits']}/{value['of']})"


def table(summary: dict[str, Any]) -> str:
    """A Markdown table: one row per measure, one column per article set."""
    sets = list(summary["sets"])
    lines = ["| measure | " + " | ".join(sets) + " |", "| --- |" + " --- |" * len(sets)]
    for key, kind in MEASURES:
        parts = ("precision", "recall") if kind == "pr" else (None,)
        for part in parts:
            label = f"{key} {part}" if part else key
            cells = []
            for name in sets:
                value = summary["sets"][name][key]
                cells.append(_cell(value[part] if part else value))
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds", help="the seed articles")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="the curated data folder")
    parser.add_argument("--truth", type=Path, default=TRUTHS, help="folder of the fixtures' truth files")
    parser.add_argument("--only", action="append", metavar="NAME", help="'seeds' or a fixture name (repeatable)")
    parser.add_argument("--json", type=Path, default=RESULTS, help="where to write the JSON summary")
    parser.add_argument(
        "--wrong",
        action="append",
        choices=sorted(WRONG_KINDS),
        help="print the proposals of this kind that match no true row (repeatable)",
    )
    args = parser.parse_args(argv)
    try:
        fixtures = fixture_truths(args.truth)
        names = [SEEDS, *(t.name for t in fixtures)]
        wanted = args.only or names
        unknown = [n for n in wanted if n not in names]
        if unknown:
            raise BadInput(f"--only {unknown[0]!r}: not one of {', '.join(names)}")
        truths = (seed_truths(args.seeds, args.data) if SEEDS in wanted else []) + [
            t for t in fixtures if t.name in wanted
        ]
    except BadInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    summary = run(truths, args.data, args.wrong)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(summary))
    print(f"\n{len(truths)} articles in {summary['seconds']} s; summary written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
