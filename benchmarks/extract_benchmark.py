"""How much of the curated data ``caravan-book extract`` proposes, article by article.

Runs the extractor on each of the five seed articles (with the article's id, incident and
publication date from ``data/sources.csv``) and compares its proposals with the curated rows of
``data/``:

- figures: a curated figure is found when a proposed figure of the same article has its value;
- direct quotations: found when a proposed quotation of the same article contains the curated quote,
  or is contained in it (quotes are compared with whitespace and end punctuation ignored);
- dated events: curated events whose excerpt itself gives a date (a month, a weekday, a relative
  time such as "earlier this week"); found when a proposed event of the same article has the same
  date and an excerpt that contains the curated one or is contained in it. All events are reported too;
- precision: the share of proposals that match a curated row of the same article in the same way;
- verbatim: the share of proposed excerpts found word for word in their article (must be 100%).

Usage: ``python benchmarks/extract_benchmark.py [--seeds DIR]``; prints one line per figure.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from caravan_book import tables  # noqa: E402
from caravan_book.article import collapse  # noqa: E402
from caravan_book.extract import Proposal, extract  # noqa: E402

#: An excerpt "gives a date" when it has one of these (an independent list, not the extractor's).
DATE_WORDS = re.compile(
    r"\b(((in|on|since|by|of|early|late|\d{1,2}) )(January|February|March|April|May|June|July|August|September|"
    r"October|November|December)|(January|February|March|April|May|June|July|August|September|October|November|"
    r"December) \d|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today|tonight|ago|this week|"
    r"last week|this month|earlier in the day|past two weeks|(19|20)\d\d)\b"
)


def norm(text: str) -> str:
    return collapse(str(text)).strip(" .,;:!?…'\"“”‘’").replace("’", "'").lower()


def overlaps(a: str, b: str) -> bool:
    a, b = norm(a), norm(b)
    return bool(a) and bool(b) and (a in b or b in a)


def run(seeds: Path) -> dict[str, tuple[int, int]]:
    data = ROOT / "data"
    sources = tables.load("sources", data)
    figures, statements, events = (tables.load(t, data) for t in ("figures", "statements", "events"))
    tally: dict[str, list[int]] = {
        k: [0, 0]
        for k in (
            "figures recall",
            "figures precision",
            "direct quotations recall",
            "direct quotations precision",
            "dated events recall",
            "all events recall",
            "events precision",
            "excerpts verbatim",
            "metric guessed right (found figures)",
            "speaker named right (found direct quotations)",
        )
    }

    def count(key: str, hit: bool) -> None:
        tally[key][0] += int(hit)
        tally[key][1] += 1

    for source in sources.itertuples():
        article = (seeds / source.document).read_text(encoding="utf-8")
        with tempfile.TemporaryDirectory() as tmp:
            _, proposal = extract(
                seeds / source.document,
                source.source_id,
                source.incident,
                Path(tmp) / "review",
                published=source.published.date().isoformat(),
                data=data,
            )
        mine = _rows(proposal, source.source_id)
        theirs_f = figures[figures.source_id == source.source_id]
        theirs_s = statements[statements.source_id == source.source_id]
        theirs_e = events[events.source_id == source.source_id]
        values = {float(r["value"]) for r in mine["figures"]}
        for value, metric in zip(theirs_f["value"], theirs_f["metric"], strict=True):
            count("figures recall", float(value) in values)
            if float(value) in values:
                guesses = {r["metric"] for r in mine["figures"] if float(r["value"]) == float(value)}
                count("metric guessed right (found figures)", metric in guesses)
        curated_values = set(theirs_f["value"].astype(float))
        for r in mine["figures"]:
            count("figures precision", float(r["value"]) in curated_values)
        proposed_quotes = [r["quote"] for r in mine["statements"] if r["quote_kind"] == "direct"]
        direct = [r for r in mine["statements"] if r["quote_kind"] == "direct"]
        for quote, speaker in theirs_s.loc[theirs_s.quote_kind == "direct", ["quote", "speaker"]].itertuples(
            index=False
        ):
            found = [r for r in direct if overlaps(quote, r["quote"])]
            count("direct quotations recall", bool(found))
            if found:
                count("speaker named right (found direct quotations)", any(r["speaker"] == speaker for r in found))
        for quote in proposed_quotes:
            count("direct quotations precision", any(overlaps(quote, q) for q in theirs_s["quote"]))
        proposed_events = [(date.fromisoformat(r["date"]), r["excerpt"]) for r in mine["events"]]
        for row in theirs_e.itertuples():
            hit = any(d == row.date.date() and overlaps(row.excerpt, e) for d, e in proposed_events)
            count("all events recall", hit)
            if DATE_WORDS.search(row.excerpt):
                count("dated events recall", hit)
        for d, e in proposed_events:
            count(
                "events precision",
                any(d == row.date.date() and overlaps(row.excerpt, e) for row in theirs_e.itertuples()),
            )
        whole = collapse(article)
        for table in mine.values():
            for r in table:
                if r.get("excerpt"):
                    count("excerpts verbatim", collapse(r["excerpt"]) in whole)
    return {k: (v[0], v[1]) for k, v in tally.items()}


def _rows(proposal: Proposal, source_id: str) -> dict[str, list[dict]]:
    return {t: [r for r in rows if r.get("source_id", source_id) == source_id] for t, rows in proposal.rows.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    args = parser.parse_args()
    if not args.seeds.is_dir():
        print(f"error: the seed articles are not at {args.seeds} (use --seeds DIR)", file=sys.stderr)
        return 2
    targets = {
        "figures recall": 95,
        "direct quotations recall": 90,
        "dated events recall": 80,
        "excerpts verbatim": 100,
    }
    for key, (hits, total) in run(args.seeds).items():
        share = 100 * hits / total if total else 0.0
        target = f"  (target ≥ {targets[key]}%)" if key in targets else ""
        print(f"{key}: {share:.1f}% ({hits} of {total}){target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
