"""The reader's trust layer: corrections the build enforces, a date and a citation for every page, the data
that ships with the story, and schema.org JSON-LD.

The build (:func:`prepare`, after the pages ran and before Sphinx) works out what each page shows: the rows of
the sourced tables the page read (its kernel logs them, ``files.USAGE_LOG_ENV``) within its selection, and the
verdicts of the claims it checks. It compares them with what was published, ``data/published.json`` (kept in
the repository, sorted, one fact a line). A published fact that changed or disappeared stops the build with one
line naming the fact and the page (:class:`PublishedFactError`, exit 1, as bad data) unless
``data/corrections.csv`` holds a row for it that was not applied yet; a new fact needs no row. ``caravan-book
build --publish`` accepts the current state as published without a row.

Each page's "last changed" date is the day its digest (its facts, its notebook and parameters or its source
file, its templates) last changed, stored in the manifest, or its latest correction's date if later: it does
not move when nothing the page uses changed. The build writes ``book/generated/trust.json`` (part of the site's
key) and the corrections page; this module's Sphinx half (:func:`setup`) appends the corrections and the "Cite
this page" block to each page, puts the JSON-LD in its ``<head>`` and writes the dataset zip.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import html
import io
import json
import re
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from caravan_book import atomic
from caravan_book.build.filememo import RACY as FILEMEMO_RACY
from caravan_book.errors import ReportedError

MANIFEST = "published.json"
TRUST_FILE = "trust.json"
CORRECTIONS_PAGE = "corrections"
DATASET = "_downloads/caravan-book-data.zip"
#: the fixed time of every member of the dataset zip (a zip cannot store dates before 1980)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
#: The sourced tables whose rows a page shows: table -> (id column, the columns a reader sees).
SHOWN = {
    "incidents": ("incident", ("title", "start_date", "place", "summary", "excerpt")),
    "sources": ("source_id", ("outlet", "headline", "byline", "published", "published_precision")),
    "events": ("event_id", ("date", "date_precision", "place", "summary", "actor", "excerpt")),
    "figures": ("figure_id", ("value", "qualifier", "unit", "as_of", "as_of_precision", "attributed_to", "excerpt")),
    "statements": ("statement_id", ("speaker", "role", "quote", "date", "date_precision", "excerpt")),
    "facts": ("fact_id", ("value", "excerpt")),
    "defects": ("defect_id", ("defect", "excerpt")),
}
CLAIMS = "claims"
#: What a page's metadata says of each article it cites (``jsonld``: a publication day only where one is printed).
SOURCE_FIELDS = ("outlet", "headline", "byline", "published", "published_basis", "published_precision", "label")
#: The notebooks whose pages print quotations and claim checks (others may read those tables only to count
#: them, as the methods page does): only these pages carry them as Quotation and ClaimReview.
QUOTES_SHOWN_ON = ("responses",)
CLAIMS_SHOWN_ON = ("numbers",)
#: The notebooks whose pages print the rows of a table (others read it only to count or select): a correction
#: of a fact is shown only on the pages whose text it changed. A table not named here is printed everywhere.
PRINTED_ON = {
    "events": ("narrative",),
    "statements": ("responses",),
    "claims": ("numbers",),
    "defects": ("methods",),
    "figures": ("numbers", "comparison"),
    "facts": ("comparison", "narrative"),
}
#: The facts a notebook's page prints, by topic, where it prints only some (the narrative page: why they
#: travelled and what they carried; its map names a destination by its place, not by the fact's words; the
#: comparison prints every topic).
FACT_TOPICS_PRINTED_ON = {"narrative": ("stated_reasons", "carried")}


def prints(notebook: str | None, fact_id: str) -> bool:
    """Whether a page made from ``notebook`` prints the fact (so a correction of it changed the page's text)."""
    table = fact_id.split("/", 1)[0]
    where = PRINTED_ON.get(table)
    if where is not None and notebook not in where:
        return False
    topics = FACT_TOPICS_PRINTED_ON.get(notebook or "") if table == "facts" else None
    if topics is None:
        return True
    topic = _fact_topics().get(fact_id.split("/", 1)[1])
    return topic is None or topic in topics  # a fact no longer in the data: shown where it may have been


def _same_sentence() -> dict[str, set[str]]:
    """Each statement's fact id -> the other statements of the same speaker in the same article sentence (a page
    shows such a sentence once: ``queries._one_per_sentence``)."""
    from caravan_book.data import tables

    frame = tables.load("statements")
    groups = frame.groupby(["speaker", "source_id", "excerpt"])["statement_id"].agg(list)
    twins: dict[str, set[str]] = {}
    for ids in groups:
        for sid in ids:
            twins[f"statements/{sid}"] = {f"statements/{other}" for other in ids if other != sid}
    return twins


def _fact_topics() -> dict[str, str]:
    from caravan_book.data import tables

    facts = tables.load("facts")
    return dict(zip(facts["fact_id"], facts["topic"], strict=True))


class PublishedFactError(ReportedError):
    """A published fact would change or disappear without a row in data/corrections.csv (exit 1, as bad data)."""


# ---------------------------------------------------------------- what a page shows


def _cell(value: Any) -> str:
    """A table cell as the manifest stores it: dates as YYYY-MM-DD, whole numbers without ``.0``, blanks empty."""
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp | dt.date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _claim_checks(sel: Any) -> list:
    from caravan_book.data import claims

    return list(claims.claim_checks(sel))


@dataclass
class Shown:
    """What one page shows: its facts (id -> the fields a reader sees), quotations, claims and sources."""

    facts: dict[str, dict[str, str]] = field(default_factory=dict)
    quotations: list[dict[str, str]] = field(default_factory=list)
    claims: list[dict[str, str]] = field(default_factory=list)
    sources: dict[str, dict[str, str]] = field(default_factory=dict)


def _selections(parameters: dict) -> list:
    from caravan_book.data import selection

    if "left" in parameters and "right" in parameters:
        return list(selection.select_pair(parameters["left"], parameters["right"]))
    if "incident" in parameters:
        return [selection.select(parameters["incident"], parameters.get("sources", "all"), parameters.get("as_of"))]
    from caravan_book.data import queries

    # a page of every incident (the methods page) shows the published ones: a draft is for custom books
    return [selection.select(incident) for incident in queries.published_incidents()]


def _rows(table: str, sel: Any):
    from caravan_book.data import queries, tables

    if table == "events":
        return queries.timeline(sel)
    if table == "figures":
        return queries.figures(sel)
    if table == "statements":
        return queries.statements(sel)
    if table == "facts":
        return queries.facts(sel)
    if table == "sources":
        return queries.sources(sel)
    frame = tables.load(table)
    if table == "incidents":
        return frame[frame["incident"] == sel.incident]
    return frame[frame["source_id"].isin(sel.sources)]


def shown(parameters: dict, tables_used: Iterable[str]) -> Shown:
    """The facts a notebook page with these parameters shows, given the tables its kernel read."""
    from caravan_book.data import tables

    used = set(tables_used)
    result = Shown()
    source_rows = tables.load("sources").set_index("source_id")
    for sel in _selections(parameters):
        for sid in sel.sources:
            row = source_rows.loc[sid]
            result.sources[sid] = {k: _cell(row[k]) for k in SOURCE_FIELDS}
        for table, (key, columns) in SHOWN.items():
            if table not in used:
                continue
            for row in _rows(table, sel).to_dict("records"):  # ``_cell`` shows a value as iterrows' would
                result.facts[f"{table}/{row[key]}"] = {c: _cell(row.get(c)) for c in columns}
                if table == "statements" and row["quote_kind"] == "direct":  # a paraphrase is no one's quotation
                    result.quotations.append(
                        {
                            c: _cell(row[c])
                            for c in ("statement_id", "speaker", "role", "institution", "quote", "source_id")
                        }
                    )
        if CLAIMS in used:
            from caravan_book.story import verdicts

            for check in _claim_checks(sel):
                figure = check.figures.iloc[0]  # the first article sentence that makes the claim
                words = _cell(check.words[0] if check.words else None) or _cell(figure["as_printed"])
                verdict = check.holds
                cid = check.claim
                result.facts[f"claims/{cid}"] = {"claim": words, "verdict": verdict}
                result.claims.append(
                    {
                        "claim_id": cid,
                        "claim": words,
                        "verdict": verdict,
                        "label": verdicts.label(check.case, check.holds),  # as the page prints it
                        "by": _cell(figure["attributed_to"]) or source_rows.loc[figure["source_id"], "outlet"],
                        "source_id": str(figure["source_id"]),
                    }
                )
    return result


# ---------------------------------------------------------------- the manifest and the check


def digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def read_manifest(path: Path) -> dict:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"facts": {}, "pages": {}, "applied": []}
    except ValueError as error:
        raise PublishedFactError(f"{path}: not valid JSON ({error}); restore it from git") from None
    manifest.setdefault("facts", {})
    manifest.setdefault("pages", {})
    manifest.setdefault("applied", [])
    return manifest


def write_manifest(path: Path, manifest: dict) -> None:
    """Sorted keys, one fact field a line: a corrected fact is a small diff."""
    atomic.write_if_changed(path, json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def in_reading_order(rows: Iterable[dict]) -> list[dict]:
    """Corrections as a reader follows them: newest day first, and the corrections of one fact on one day in the
    order they were made (their number), so each replaced one stands above the one that replaced it."""
    by_seq = sorted(rows, key=lambda r: int(r.get("seq") or 1))
    return sorted(by_seq, key=lambda r: (r["date"], r["fact_id"]), reverse=True)


def correction_key(row: dict) -> str:
    """'2026-12-01 claims/x'; a later correction of the same fact on the same day gets its number, '... (2)'."""
    seq = int(row.get("seq") or 1)
    return f"{row['date']} {row['fact_id']}" + (f" ({seq})" if seq > 1 else "")


def _grown(old: dict, new: dict | None) -> bool:
    """Whether a fact only gained columns the manifest did not track yet, every tracked one unchanged."""
    return new is not None and set(old) < set(new) and all(old[k] == new[k] for k in old)


def _changes(old: dict, new: dict | None) -> str:
    if new is None:
        return "is no longer shown"
    fields = [
        f"{k}: {old.get(k, '')!r} -> {new.get(k, '')!r}"
        for k in sorted(set(old) | set(new))
        if old.get(k) != new.get(k)
    ]
    return "changed (" + "; ".join(fields) + ")"


@dataclass
class PageState:
    """One page as the build sees it now: its doc name, title, digest and facts."""

    page: str
    docname: str
    title: str
    digest: str
    shown: Shown = field(default_factory=Shown)


def reconcile(
    manifest: dict, pages: list[PageState], corrections: list[dict], *, today: dt.date, publish: bool = False
) -> dict:
    """The manifest after this build, or PublishedFactError for the first published fact that changed or went
    without a correction row not applied yet (``publish`` accepts every change)."""
    pending: dict[str, list[str]] = {}
    for row in corrections:
        key = correction_key(row)
        if key not in manifest["applied"]:
            pending.setdefault(row["fact_id"], []).append(key)
    facts = dict(manifest["facts"])
    applied = set(manifest["applied"])
    problems: list[str] = []
    current: dict[str, dict[str, str]] = {}
    for state in pages:
        current.update(state.shown.facts)
    used: dict[str, list[str]] = {}  # page -> correction keys applied to it in this build
    for state in pages:
        before = manifest["pages"].get(state.page, {})
        for fid in before.get("facts", []):
            old, new = manifest["facts"].get(fid), state.shown.facts.get(fid)
            if old is None or old == new:
                continue
            if fid in pending:
                used.setdefault(state.page, []).extend(pending[fid])
            elif _grown(old, new):  # a column newly tracked (a date's precision): nothing already tracked changed
                continue
            elif not publish:
                problems.append(f"published fact {fid} on page {state.page} {_changes(old, new)}")
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise PublishedFactError(
            f"{problems[0]}; add a row for it to data/corrections.csv (date, fact_id, wrong, right, why) "
            f"or accept the change with `caravan-book build --publish`{more}"
        )
    for keys in used.values():
        applied.update(keys)
    for fid in list(facts):
        if fid not in current:
            del facts[fid]
    facts.update(current)
    out_pages = {}
    for state in pages:
        before = manifest["pages"].get(state.page, {})
        keys = sorted(set(before.get("corrections", [])) | set(used.get(state.page, [])))
        changed = before.get("changed") if before.get("digest") == state.digest else today.isoformat()
        out_pages[state.page] = {
            "changed": changed,
            "corrections": keys,
            "digest": state.digest,
            "facts": sorted(state.shown.facts),
        }
    return {"applied": sorted(applied), "facts": facts, "pages": out_pages}


# ---------------------------------------------------------------- citation and JSON-LD


def read_citation(root: Path) -> dict:
    """The book's title, authors, address and licences, from CITATION.cff (the one source of them)."""
    try:
        cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    except OSError:
        raise PublishedFactError(f"{root / 'CITATION.cff'}: not found; every page's citation is made from it") from None
    authors = [
        a.get("name") or " ".join(filter(None, [a.get("given-names"), a.get("family-names")])) for a in cff["authors"]
    ]
    licences = cff["license"] if isinstance(cff["license"], list) else [cff["license"]]
    return {"title": cff["title"], "authors": authors, "url": cff["url"].rstrip("/") + "/", "licenses": licences}


def long_date(when: dt.date) -> str:
    return f"{when.day} {when:%B %Y}"


def apa_date(when: dt.date) -> str:
    """The date as an APA-style reference gives it: 2026, December 1."""
    return f"{when.year}, {when:%B} {when.day}"


def _bibtex_text(text: str) -> str:
    return re.sub(r"([{}\\&%$#_])", r"\\\1", text)


def citation_copies(title: str, book: dict, when: dt.date, url: str, key: str) -> dict[str, str]:
    """The page's citation as BibTeX and as CSL-JSON (plain text; the page escapes it)."""
    author = " and ".join("{" + _bibtex_text(a) + "}" for a in book["authors"])
    bibtex = (
        f"@misc{{caravan-book-{key},\n"
        f"  title = {{{_bibtex_text(title)}}},\n"
        f"  author = {{{author}}},\n"
        f"  howpublished = {{{_bibtex_text(book['title'])}}},\n"
        f"  year = {{{when.year}}},\n"
        f"  date = {{{when.isoformat()}}},\n"
        f"  url = {{{url}}},\n"
        f"}}"
    )
    csl = {
        "id": f"caravan-book-{key}",
        "type": "webpage",
        "title": title,
        "container-title": book["title"],
        "author": [{"literal": a} for a in book["authors"]],
        "issued": {"date-parts": [[when.year, when.month, when.day]]},
        "URL": url,
    }
    return {"bibtex": bibtex, "csl": json.dumps([csl], indent=2, ensure_ascii=False)}


def script_json(value: Any) -> str:
    """JSON for inside a ``<script>`` element: ``<``, ``>`` and ``&`` escaped, so data text cannot close it."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _source_work(source: dict) -> dict:
    work: dict[str, Any] = {"@type": "NewsArticle", "headline": source["headline"]}
    if source.get("outlet") and source["outlet"] != "unnamed outlet":
        work["publisher"] = {"@type": "Organization", "name": source["outlet"]}
    if source.get("byline"):
        work["author"] = {"@type": "Person", "name": source["byline"]}
    # only a date the article prints: a worked-out one ("25 or 26 November 2018†") has no schema.org form, and
    # its one stored day would say more than the text does
    if source.get("published") and source.get("published_basis") == "stated" and not source.get("published_precision"):
        work["datePublished"] = source["published"]
    return work


def jsonld(title: str, url: str, changed: dt.date, book: dict, page_shown: Shown) -> dict:
    """The page as a schema.org Article citing its sources, with a Quotation per quotation and a ClaimReview
    per checked claim."""
    article_id = url + "#article"
    organisation = [{"@type": "Organization", "name": a} for a in book["authors"]]
    article: dict[str, Any] = {
        "@type": "Article",
        "@id": article_id,
        "headline": title,
        "url": url,
        "dateModified": changed.isoformat(),
        "inLanguage": "en",
        "author": organisation,
        "isPartOf": {"@type": "Book", "name": book["title"], "url": book["url"]},
        "license": [LICENCE_URLS.get(name, name) for name in book["licenses"]],
    }
    if page_shown.sources:
        article["citation"] = [_source_work(page_shown.sources[s]) for s in sorted(page_shown.sources)]
    graph: list[dict] = [article]
    for quote in page_shown.quotations:
        node: dict[str, Any] = {
            "@type": "Quotation",
            "@id": f"{url}#quote-{quote['statement_id']}",
            "text": quote["quote"],
            "spokenByCharacter": {
                "@type": "Person" if quote["role"] and quote["speaker"] != quote["institution"] else "Organization",
                "name": quote["speaker"],
            },
            "isPartOf": {"@id": article_id},
        }
        if node["spokenByCharacter"]["@type"] == "Person":  # an institution speaking has no job title
            node["spokenByCharacter"]["jobTitle"] = quote["role"]
        if quote["source_id"] in page_shown.sources:
            node["citation"] = _source_work(page_shown.sources[quote["source_id"]])
        graph.append(node)
    for claim in page_shown.claims:
        appearance = (
            _source_work(page_shown.sources[claim["source_id"]]) if claim["source_id"] in page_shown.sources else None
        )
        item: dict[str, Any] = {"@type": "Claim", "author": {"@type": "Organization", "name": claim["by"]}}
        if appearance:
            item["appearance"] = appearance
        graph.append(
            {
                "@type": "ClaimReview",
                "@id": f"{url}#claim-{claim['claim_id']}",
                "url": url,
                "claimReviewed": claim["claim"],
                "itemReviewed": item,
                "author": organisation,
                "datePublished": changed.isoformat(),
                "isPartOf": {"@id": article_id},
                "reviewRating": {"@type": "Rating", "alternateName": claim["label"]},
            }
        )
    return {"@context": "https://schema.org", "@graph": graph}


LICENCE_URLS = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "MIT": "https://opensource.org/license/mit",
}


# ---------------------------------------------------------------- the build step


def _file_title(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return path.stem


def _templates_digest(templates_dir: Path, names: Iterable[str]) -> list[str]:
    parts = []
    for name in names:
        folder = templates_dir / name
        for file in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if file.is_file():
                parts.append(str(file.relative_to(templates_dir)) + hashlib.sha256(file.read_bytes()).hexdigest())
    return parts


def _corrections() -> list[dict]:
    from caravan_book.data import tables

    frame = tables.load("corrections")
    rows = [{k: _cell(v) for k, v in row.items()} for row in frame.to_dict("records")]
    subjects = _subjects()
    seen: dict[tuple[str, str], int] = {}
    standing: dict[tuple[str, str], list[dict]] = {}  # the corrections of a fact not replaced yet
    for number, row in enumerate(
        rows, start=1
    ):  # a second correction of one fact on one day is told apart by its number
        row["number"] = str(number)  # the reader's "correction N": its line in the log
        chain = standing.setdefault((row["date"], row["fact_id"]), [])
        for earlier in list(chain):
            # a later correction replaces an earlier one of the same part of the fact (a date, the words, a
            # verdict); one that names no part replaces, or is replaced by, any (corrections.csv's ``part``)
            if not earlier.get("part") or not row.get("part") or earlier["part"] == row["part"]:
                earlier["replaced_by"] = row["number"]
                chain.remove(earlier)
        chain.append(row)
        table, _, key = row["fact_id"].partition("/")
        if (table, key) in subjects:  # which statement or event: its first words (review 4, m3)
            row["kind"], row["begins"] = table, subjects[(table, key)]
        seen[(row["date"], row["fact_id"])] = seq = seen.get((row["date"], row["fact_id"]), 0) + 1
        if seq > 1:
            row["seq"] = str(seq)
    return rows


#: How many of a corrected statement's or event's first words tell a reader which one it is.
SUBJECT_WORDS = 6


def _subjects() -> dict[tuple[str, str], str]:
    """(table, id) -> the first words of a statement's quotation, or of an event's sentence in its article: the
    article's own words, so that corrections of like rows ("The statement by Donald Trump was dated ...") can be
    told apart."""
    from caravan_book.data import tables

    found: dict[tuple[str, str], str] = {}
    for table, key, column in (("statements", "statement_id", "quote"), ("events", "event_id", "excerpt")):
        frame = tables.load(table)
        for ident, words in zip(frame[key], frame[column], strict=True):
            if isinstance(words, str) and words.strip():
                first = words.strip().strip('“”"').split()
                found[(table, str(ident))] = " ".join(first[:SUBJECT_WORDS]).rstrip(",;:.")
    return found


def prepare(
    root: Path,
    pages: list,
    results: list,
    generated: Path,
    book_sections: Any,
    *,
    manifest_path: Path,
    publish: bool = False,
    today: dt.date | None = None,
    log: Callable[[str], None] = print,
    record: bool = True,
    memo: dict | None = None,
) -> None:
    """Check the pages' facts against the manifest, update it, and write the corrections page and trust.json.
    Without ``record`` (the preview) the manifest is neither written nor enforced: a changed fact is shown as
    it would be published."""
    from caravan_book.build import sections
    from caravan_book.story import templates

    today = today or dt.date.today()
    templates_dir = templates.TEMPLATES_DIR
    used = {r.page: r.tables for r in results}
    # what a page that ran shows, as its kernel worked it out (``pages.execute_page``); the others' is worked out here
    from_kernels = {r.page: Shown(**r.shown) for r in results if r.shown is not None}
    states = []
    # ``memo`` (the preview, from build to build): what a page shows, while the data files and its inputs stay
    data_stamp = [(p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in _data_files(manifest_path.parent)]
    for page in pages:
        memo_key = json.dumps([page.parameters, sorted(used.get(page.page, [])), data_stamp], default=str)
        page_shown = (
            from_kernels.get(page.page) or (memo or {}).get(memo_key) or shown(page.parameters, used.get(page.page, []))
        )
        if memo is not None:
            memo[memo_key] = page_shown
        key = digest(
            {
                "facts": page_shown.facts,
                "notebook": hashlib.sha256(page.source.read_bytes()).hexdigest(),
                "parameters": page.parameters,
                "templates": _templates_digest(templates_dir, [page.notebook, "common", "trust"]),
            }
        )
        states.append(
            PageState(
                page.page, f"book/generated/{page.page}", sections.page_title(book_sections, page), key, page_shown
            )
        )
    corrections = _corrections()
    manifest = read_manifest(manifest_path)
    titles = {s.page: (s.title, s.docname) for s in states}
    notebook_of = {page.page: page.notebook for page in pages}
    # the corrections page lists every correction; it is written first so its own digest is known
    book = read_citation(root)
    entries = []
    twin_statements = _same_sentence()
    for row in in_reading_order(corrections):
        on_pages = sorted(
            p
            for p, entry in manifest["pages"].items()
            if correction_key(row) in entry.get("corrections", []) or row["fact_id"] in entry.get("facts", [])
        )
        on_pages += [s.page for s in states if row["fact_id"] in s.shown.facts and s.page not in on_pages]
        if not on_pages:  # a statement shown inside another's article sentence: the pages of that one
            twins = twin_statements.get(row["fact_id"], set())
            on_pages = [s.page for s in states if twins & set(s.shown.facts)]
        on_pages = [p for p in on_pages if prints(notebook_of.get(p), row["fact_id"])]
        links = [(titles[p][0], f"{p}.ipynb") for p in sorted(set(on_pages)) if p in titles]
        entries.append({**row, "when": long_date(dt.date.fromisoformat(row["date"])), "links": links})
    corrections_md = templates.render("trust/corrections.md.j2", entries=entries)
    atomic.write_if_changed(generated / f"{CORRECTIONS_PAGE}.md", corrections_md)
    for entry in book_sections.spec.parts:
        for item in entry.pages:
            file = getattr(item, "file", None)
            if file is None:
                continue
            path = root / f"{file}.md"
            if not path.is_file():
                continue
            text = path.read_bytes()
            states.append(PageState(file.replace("/", "-"), file, _file_title(path), hashlib.sha256(text).hexdigest()))
    root_doc = book_sections.spec.root
    if (root / f"{root_doc}.md").is_file():
        path = root / f"{root_doc}.md"
        states.append(
            PageState(
                root_doc.replace("/", "-"), root_doc, _file_title(path), hashlib.sha256(path.read_bytes()).hexdigest()
            )
        )
    structured = {
        s.page: Shown(
            s.shown.facts,
            s.shown.quotations if notebook_of.get(s.page) in QUOTES_SHOWN_ON else [],
            s.shown.claims if notebook_of.get(s.page) in CLAIMS_SHOWN_ON else [],
            s.shown.sources,
        )
        for s in states
    }
    updated = reconcile(manifest, states, corrections, today=today, publish=publish or not record)
    if record:
        write_manifest(manifest_path, updated)
    by_key = {correction_key(r): r for r in corrections}
    current_facts = {fact for s in states for fact in s.shown.facts}
    trust: dict[str, Any] = {"book": book, "pages": {}, "data": data_digest(manifest_path.parent)}
    for state in states:
        entry = updated["pages"][state.page]
        here = set(state.shown.facts)
        keys = set(entry["corrections"]) | {
            correction_key(r)
            for r in corrections
            # or a statement the page shows inside another's sentence (review 9, m1)
            if r["fact_id"] in here
            or (r["fact_id"] not in current_facts and twin_statements.get(r["fact_id"], set()) & here)
        }
        shown_here = [
            by_key[k] for k in keys if k in by_key and prints(notebook_of.get(state.page), by_key[k]["fact_id"])
        ]
        rows = in_reading_order(shown_here)
        changed = max([dt.date.fromisoformat(entry["changed"])] + [dt.date.fromisoformat(r["date"]) for r in rows])
        url = book["url"] + state.docname + ".html"
        trust["pages"][state.docname] = {
            "title": state.title,
            "url": url,
            "changed": changed.isoformat(),
            "corrections": [{**r, "when": long_date(dt.date.fromisoformat(r["date"]))} for r in rows],
            "citation": citation_copies(state.title, book, changed, url, state.page),
            "jsonld": script_json(jsonld(state.title, url, changed, book, structured[state.page])),
            "dataset": state.page == "methods",
        }
    atomic.write_if_changed(generated / TRUST_FILE, json.dumps(trust, indent=1, sort_keys=True, ensure_ascii=False))
    log(
        f"published facts checked: {len(updated['facts'])} facts on {len(states)} pages, "
        f"{len(corrections)} correction(s)"
    )


# ---------------------------------------------------------------- the dataset zip


def data_digest(folder: Path) -> str:
    return digest(
        [[str(p.relative_to(folder)), hashlib.sha256(p.read_bytes()).hexdigest()] for p in _data_files(folder)]
    )


def _data_files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and not any(x.startswith(".") for x in p.relative_to(folder).parts)
    )


def dataset_zip(folder: Path, readme: str) -> bytes:
    """The whole data folder, with its data dictionary (README.md), provenance and a README for the zip, as a zip
    whose bytes depend only on the files (fixed times, sorted names)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        members = [("caravan-book-data/README-zip.md", readme.encode())]
        members += [
            (f"caravan-book-data/data/{p.relative_to(folder).as_posix()}", p.read_bytes()) for p in _data_files(folder)
        ]
        for name, data in sorted(members):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


# ---------------------------------------------------------------- the Sphinx half


def _markdown(text: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).render(text)


def _trust_data(app: Any) -> dict:
    cached = getattr(app, "_caravan_trust", None)
    if cached is None:
        path = Path(app.srcdir) / "book" / "generated" / TRUST_FILE
        cached = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"pages": {}}
        app._caravan_trust = cached
    return cached


def _outdated(app: Any, env: Any, added: set, changed: set, removed: set) -> list[str]:
    """Pages whose trust block changed are written again, though their sources did not change."""
    pages = _trust_data(app)["pages"]
    seen = getattr(env, "caravan_trust", {})
    from caravan_book.story import templates

    wording = _templates_digest(templates.TEMPLATES_DIR, ["trust"])  # an edited block is written again too
    now = {doc: digest([entry, wording]) for doc, entry in pages.items()}
    env.caravan_trust = now
    return [doc for doc, key in now.items() if seen.get(doc) != key and doc in env.found_docs]


def _page_context(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    from markupsafe import Markup

    from caravan_book.story import templates

    entry = _trust_data(app)["pages"].get(pagename)
    if entry is None or "body" not in context:
        return
    values = {
        "title": entry["title"],
        "book": _trust_data(app)["book"]["title"],
        "authors": ", ".join(_trust_data(app)["book"]["authors"]),
        "when": long_date(dt.date.fromisoformat(entry["changed"])),
        "apa_date": apa_date(dt.date.fromisoformat(entry["changed"])),
        "url": Markup(html.escape(entry["url"])),
        "corrections": entry["corrections"],
        "bibtex": Markup(html.escape(entry["citation"]["bibtex"])),
        "csl": Markup(html.escape(entry["citation"]["csl"])),
        "dataset": Markup(html.escape(context["pathto"](DATASET, 1))) if entry["dataset"] else None,
    }
    block = _markdown(templates.render("trust/page-end.md.j2", **values))
    context["body"] += f'\n<section class="caravan-trust" aria-label="Corrections and citation">\n{block}</section>\n'
    context["metatags"] = context.get("metatags", "") + (
        f'\n<script type="application/ld+json">\n{entry["jsonld"]}\n</script>'
    )


def _write_dataset(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html" or not _trust_data(app)["pages"]:
        return
    from caravan_book.settings import data_dir
    from caravan_book.story import templates

    folder = data_dir()
    readme = templates.render("trust/dataset-readme.md.j2", book=_trust_data(app)["book"]["title"])
    target = Path(app.outdir) / DATASET
    started = time.time_ns()
    inputs = (readme, tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in _data_files(folder)))
    with contextlib.suppress(OSError):  # the zip this process last wrote, of the same files: kept (the preview)
        last = _WRITTEN.get(target)
        # a file written just before the zip was made may have changed since with the same time: not trusted
        if (
            last
            and last[:2] == (inputs, target.stat().st_mtime_ns)
            and all(last[2] - stamp[1] > FILEMEMO_RACY for stamp in inputs[1])
        ):
            return
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_bytes(target, dataset_zip(folder, readme))
    _WRITTEN[target] = (inputs, target.stat().st_mtime_ns, started)


#: The dataset zip each Sphinx output folder last got here, with the inputs it was made of.
_WRITTEN: dict[Path, tuple] = {}


def setup(app: Any) -> dict:
    app.connect("env-get-outdated", _outdated)
    app.connect("html-page-context", _page_context, priority=800)
    app.connect("build-finished", _write_dataset)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
