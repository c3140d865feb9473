"""The trust layer (issue 20): corrections the build enforces, a last-changed date and a citation on every page,
the dataset zip, and schema.org JSON-LD checked against a subset of the vocabulary (tests/fixtures)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import REPO, edit_csv, run_cli

from caravan_book.build import sections, trust

VOCABULARY = json.loads((REPO / "tests" / "fixtures" / "schemaorg-subset.json").read_text(encoding="utf-8"))
FIGURE = "figures/2018-crowd-fence-herborn"  # "a group of around 500 migrants": no claim check uses it
JSONLD = re.compile(r'<script type="application/ld\+json">\n(.*?)\n</script>', re.DOTALL)
CITE = re.compile(
    r"<p>The caravan-book team\. \((\d{4}, \w+ \d{1,2})\)\. (.+?)\. In <em>(.+?)</em>\. <a href=\"(\S+)\">"
)


# ---------------------------------------------------------------- the schema.org check


def _is_a(kind: str, wanted: str) -> bool:
    types = VOCABULARY["types"]
    while kind is not None:
        if kind == wanted:
            return True
        kind = types[kind]
    return False


def _data_type_ok(value: object, kind: str) -> bool:
    if not isinstance(value, str):
        return False
    if kind == "URL":
        return bool(re.match(r"^https?://\S+$", value))
    if kind == "Date":
        return bool(re.match(r"^\d{4}-\d{2}-\d{2}$", value))
    if kind == "DateTime":
        return bool(re.match(r"^\d{4}-\d{2}-\d{2}T", value))
    return kind in ("Text", "Language")


def schema_problems(document: dict) -> list[str]:
    """Every @type must be a known type, every property must be defined on the node's type (or a parent type),
    and every value must have one of the property's expected types."""
    problems: list[str] = []
    by_id = {node["@id"]: node for node in document["@graph"] if "@id" in node}

    def node_type(node: dict) -> str | None:
        if set(node) == {"@id"}:
            target = by_id.get(node["@id"])
            return target["@type"] if target else None
        return node.get("@type")

    def check(node: dict, where: str) -> None:
        kind = node.get("@type")
        if kind not in VOCABULARY["types"]:
            problems.append(f"{where}: unknown type {kind!r}")
            return
        for name, value in node.items():
            if name.startswith("@"):
                continue
            spec = VOCABULARY["properties"].get(name)
            if spec is None or not any(
                _is_a(kind, domain) for domain in spec["domain"] if domain in VOCABULARY["types"]
            ):
                problems.append(f"{where}: {kind} has no property {name!r}")
                continue
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict):
                    item_type = node_type(item)
                    if item_type is None or not any(
                        r in VOCABULARY["types"] and _is_a(item_type, r) for r in spec["range"]
                    ):
                        problems.append(f"{where}.{name}: a {item_type} is not one of {spec['range']}")
                    elif set(item) != {"@id"}:
                        check(item, f"{where}.{name}")
                elif not any(_data_type_ok(item, r) for r in spec["range"]):
                    problems.append(f"{where}.{name}: {item!r} is not one of {spec['range']}")

    if document.get("@context") != "https://schema.org":
        problems.append("@context is not https://schema.org")
    for number, node in enumerate(document["@graph"]):
        check(node, f"@graph[{number}]")
    return problems


def test_the_schema_check_finds_a_wrong_property_and_a_wrong_type():
    bad = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Quotation", "spokenByCharacter": "Somebody", "claimReviewed": "x"},
            {"@type": "Quote", "text": "y"},
        ],
    }
    problems = schema_problems(bad)
    assert any("spokenByCharacter" in p for p in problems)
    assert any("no property 'claimReviewed'" in p for p in problems)
    assert any("unknown type 'Quote'" in p for p in problems)


def _book() -> dict:
    return trust.read_citation(REPO)


def test_a_numbers_and_a_responses_page_make_valid_jsonld_from_the_data():
    from caravan_book.data import tables
    from caravan_book.story import verdicts

    numbers = trust.shown({"incident": "2021-tapachula"}, ["figures", "claims", "sources"])
    responses = trust.shown({"incident": "2018-tijuana"}, ["statements", "sources"])
    day = dt.date(2026, 12, 1)
    for page_shown in (numbers, responses):
        assert schema_problems(trust.jsonld("A page", "https://example.org/p.html", day, _book(), page_shown)) == []
    graph = trust.jsonld("A page", "https://example.org/p.html", day, _book(), numbers)["@graph"]
    reviews = [n for n in graph if n["@type"] == "ClaimReview"]
    assert reviews and all(r["reviewRating"]["alternateName"] in verdicts.labels().values() for r in reviews)
    assert all(r["itemReviewed"]["author"]["name"] and r["itemReviewed"]["appearance"]["headline"] for r in reviews)
    # review 7, M2: a paraphrase is the reporter's sentence, not the speaker's words: only direct quotations
    statements = tables.load("statements")
    direct = statements[(statements["incident"] == "2018-tijuana") & (statements["quote_kind"] == "direct")]
    quotes = [
        n for n in trust.jsonld("p", "https://e.org/", day, _book(), responses)["@graph"] if n["@type"] == "Quotation"
    ]
    assert 0 < len(quotes) == len(responses.quotations) <= len(direct)
    assert {q["text"] for q in quotes} <= set(direct["quote"])


def test_each_claim_review_gives_the_verdict_the_page_prints():
    """Review 7, M3: the metadata said "holds on arrests only" of a claim the page found wrong about arrests."""
    from caravan_book.data.selection import select
    from caravan_book.story import numbers

    page_shown = trust.shown({"incident": "2021-tapachula"}, ["figures", "claims", "sources"])
    rows = {
        row.split("|")[1].strip(): row
        for row in numbers.claims_text(select("2021-tapachula")).splitlines()
        if row.startswith("|") and "**" in row
    }
    graph = trust.jsonld("p", "https://e.org/", dt.date(2026, 12, 1), _book(), page_shown)["@graph"]
    reviews = [n for n in graph if n["@type"] == "ClaimReview"]
    assert len(reviews) == len(page_shown.claims) > 3
    for review in reviews:
        row = next(text for words, text in rows.items() if review["claimReviewed"] in words)
        assert f"**{review['reviewRating']['alternateName']}.**" in row, review["claimReviewed"]


def test_the_metadata_gives_a_publication_day_only_where_the_article_prints_one():
    """Review 7, M1: a worked-out date ("on or after 23 October 2021†") has no day to give schema.org."""
    from caravan_book.data import tables

    sources = tables.load("sources").set_index("source_id")
    printed = {
        row["headline"]: f"{row['published']:%Y-%m-%d}"
        for _, row in sources.iterrows()
        if row["published_basis"] == "stated"
    }
    dated, works = {}, 0

    def walk(node):
        nonlocal works
        if isinstance(node, dict):
            if node.get("@type") == "NewsArticle":
                works += 1
                if "datePublished" in node:
                    dated[node["headline"]] = node["datePublished"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for incident in ("2018-tijuana", "2021-tapachula"):
        page_shown = trust.shown({"incident": incident}, ["statements", "figures", "claims", "sources"])
        walk(trust.jsonld("p", "https://e.org/", dt.date(2026, 12, 1), _book(), page_shown))
    assert works > len(printed) and dated == printed


def test_data_text_cannot_close_the_script_element():
    hostile = 'He said "</script><script>alert(1)</script>" & <b>left</b>'
    text = trust.script_json({"text": hostile})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["text"] == hostile


# ---------------------------------------------------------------- the manifest and corrections


def _state(page: str, facts: dict, key: str = "d1") -> trust.PageState:
    return trust.PageState(page, f"book/generated/{page}", page.title(), key, trust.Shown(facts=facts))


def _published(facts: dict, day: str = "2026-11-01") -> dict:
    empty = {"facts": {}, "pages": {}, "applied": []}
    return trust.reconcile(empty, [_state("numbers", facts)], [], today=dt.date.fromisoformat(day))


def test_a_changed_published_fact_stops_with_one_line_naming_it_and_its_page():
    manifest = _published({FIGURE: {"qualifier": "about", "value": "500"}})
    with pytest.raises(trust.PublishedFactError) as raised:
        trust.reconcile(
            manifest,
            [_state("numbers", {FIGURE: {"qualifier": "nearly", "value": "500"}})],
            [],
            today=dt.date(2026, 12, 2),
        )
    message = str(raised.value)
    assert "\n" not in message and raised.value.exit_code == 1
    assert f"published fact {FIGURE} on page numbers changed (qualifier: 'about' -> 'nearly')" in message
    assert "data/corrections.csv" in message and "--publish" in message


def test_a_removed_fact_stops_too_and_a_new_fact_needs_no_row():
    manifest = _published({FIGURE: {"value": "500"}})
    with pytest.raises(trust.PublishedFactError, match="is no longer shown"):
        trust.reconcile(manifest, [_state("numbers", {})], [], today=dt.date(2026, 12, 2))
    grown = trust.reconcile(
        manifest,
        [_state("numbers", {FIGURE: {"value": "500"}, "facts/new": {"value": "x"}}, "d2")],
        [],
        today=dt.date(2026, 12, 2),
    )
    assert grown["pages"]["numbers"]["facts"] == ["facts/new", FIGURE]


def test_a_newly_tracked_column_needs_no_row_but_applies_one_waiting_for_it():
    """Review 4, M1: a date's precision ("15 or 16 November") is part of the published fact; the first build that
    tracks it passes every fact, and applies a correction row written for the change it records."""
    manifest = _published({FIGURE: {"date": "2018-11-15"}, "events/e": {"date": "2018-11-15"}})
    row = {"date": "2026-12-03", "fact_id": "events/e", "wrong": "w", "right": "r", "why": "y"}
    after = trust.reconcile(
        manifest,
        [
            _state(
                "numbers",
                {
                    FIGURE: {"date": "2018-11-15", "date_precision": ""},
                    "events/e": {"date": "2018-11-15", "date_precision": "day or next"},
                },
                "d2",
            )
        ],
        [row],
        today=dt.date(2026, 12, 3),
    )
    assert after["applied"] == ["2026-12-03 events/e"]
    assert after["facts"]["events/e"]["date_precision"] == "day or next"
    with pytest.raises(trust.PublishedFactError, match="date_precision"):  # tracked from now on
        trust.reconcile(
            after,
            [
                _state(
                    "numbers",
                    {
                        FIGURE: {"date": "2018-11-15", "date_precision": "on or before"},
                        "events/e": after["facts"]["events/e"],
                    },
                    "d3",
                )
            ],
            [],
            today=dt.date(2026, 12, 4),
        )


def test_a_correction_row_lets_the_change_through_once_and_is_recorded_on_the_page():
    manifest = _published({FIGURE: {"qualifier": "about"}})
    row = {"date": "2026-12-03", "fact_id": FIGURE, "wrong": "w", "right": "r", "why": "y"}
    after = trust.reconcile(
        manifest, [_state("numbers", {FIGURE: {"qualifier": "nearly"}}, "d2")], [row], today=dt.date(2026, 12, 3)
    )
    assert after["applied"] == [f"2026-12-03 {FIGURE}"]
    assert after["pages"]["numbers"]["corrections"] == [f"2026-12-03 {FIGURE}"]
    assert after["facts"][FIGURE] == {"qualifier": "nearly"}
    with pytest.raises(trust.PublishedFactError):  # the same row does not cover a second change
        trust.reconcile(
            after, [_state("numbers", {FIGURE: {"qualifier": "at least"}}, "d3")], [row], today=dt.date(2026, 12, 4)
        )
    accepted = trust.reconcile(
        after,
        [_state("numbers", {FIGURE: {"qualifier": "at least"}}, "d3")],
        [row],
        today=dt.date(2026, 12, 4),
        publish=True,
    )
    assert accepted["facts"][FIGURE] == {"qualifier": "at least"}


def test_the_last_changed_date_moves_only_when_the_pages_digest_does():
    manifest = _published({FIGURE: {"value": "500"}}, day="2026-11-01")
    same = trust.reconcile(manifest, [_state("numbers", {FIGURE: {"value": "500"}})], [], today=dt.date(2026, 12, 9))
    assert same == manifest and same["pages"]["numbers"]["changed"] == "2026-11-01"
    edited = trust.reconcile(
        manifest, [_state("numbers", {FIGURE: {"value": "500"}}, "template edited")], [], today=dt.date(2026, 12, 9)
    )
    assert edited["pages"]["numbers"]["changed"] == "2026-12-09"


def test_a_later_correction_replaces_an_earlier_one_only_of_the_same_part():
    """Review 8, M1: a fix of an event's words was shown as replaced by a later fix of its date."""
    rows = {row["number"]: row for row in trust._corrections()}
    by_fact: dict[str, list[dict]] = {}
    for row in rows.values():
        by_fact.setdefault(row["fact_id"], []).append(row)
    chains = 0
    for fact, chain in by_fact.items():
        for earlier, later in itertools.combinations(chain, 2):
            if earlier.get("part") and later.get("part") and earlier["part"] != later["part"]:
                chains += 1
                assert earlier.get("replaced_by") != later["number"], (fact, earlier["number"], later["number"])
        last = chain[-1]
        assert "replaced_by" not in last, fact  # the latest correction of a fact always stands
    assert chains >= 3
    standing = {rows[n]["fact_id"] for n in rows if "replaced_by" not in rows[n]}
    assert {"events/2018-mission-authorised-independent-ap", "claims/2021-record"} <= standing


def test_corrections_csv_is_checked_like_the_other_tables(data_copy):
    from caravan_book.data.tables import check_folder

    with open(data_copy / "corrections.csv", encoding="utf-8", newline="") as fh:
        row = len(list(csv.reader(fh))) + 1  # the new row's number, counting the header as row 1
    with open(data_copy / "corrections.csv", "a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow(["3 December 2026", "figures/Not An Id", "w", "r", ""])
    problems = [str(p) for p in check_folder(data_copy)]
    assert any(f"corrections.csv, row {row}, column 'date'" in p for p in problems), problems
    assert any(f"corrections.csv, row {row}, column 'fact_id'" in p for p in problems), problems
    assert any(f"corrections.csv, row {row}, column 'why'" in p for p in problems), problems


# ---------------------------------------------------------------- citation file and licence


def test_citation_cff_has_the_shape_of_citation_file_format_1_2():
    """cffconvert 2.0.0 validated it (``cffconvert --validate``); this keeps the fields the build reads."""
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["message"] and cff["title"]
    assert all(isinstance(a, dict) and (a.get("name") or a.get("family-names")) for a in cff["authors"])
    assert re.match(r"^https://\S+/$", cff["url"])
    assert set(cff["license"]) == {"CC-BY-4.0", "MIT"}
    licence = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "CC BY 4.0" in licence and "MIT licence" in licence and "remain the work of their outlets" in licence


# ---------------------------------------------------------------- the dataset zip


def test_the_dataset_zip_is_the_same_bytes_every_time_and_holds_the_dictionary():
    one = trust.dataset_zip(REPO / "data", "# README\n")
    assert one == trust.dataset_zip(REPO / "data", "# README\n")
    names = zipfile.ZipFile(io.BytesIO(one)).namelist()
    for name in ("README-zip.md", "data/README.md", "data/reference/provenance.csv", "data/excerpts-ledger.json"):
        assert f"caravan-book-data/{name}" in names
    assert all(info.date_time == trust.ZIP_TIME for info in zipfile.ZipFile(io.BytesIO(one)).infolist())


# ---------------------------------------------------------------- the built book


def _pages(site: Path) -> list[Path]:
    return [p for p in (site / "book").rglob("*.html")]


def test_every_page_has_a_citation_a_date_and_valid_jsonld(built_book):
    site = built_book / "_build" / "html"
    pages = _pages(site)
    book = sections.load()
    assert len(pages) >= len(book.pages) + 2  # the section pages, the introduction and the glossary at least
    for page in pages:
        text = page.read_text(encoding="utf-8")
        cite = CITE.search(text)
        assert cite, f"{page.name}: no citation"
        assert cite.group(4).endswith(page.relative_to(site).as_posix()), page.name
        assert re.search(r"Last changed on \d{1,2} \w+ \d{4}", text), page.name
        # the citation code (BibTeX, CSL-JSON) only on Sources and methods, with the data download (review 4, m2)
        code = "@misc{caravan-book-" in text and "&quot;container-title&quot;" in text
        assert code == (page.name == "methods.html"), page.name
        blocks = JSONLD.findall(text)
        assert len(blocks) == 1 and "</" not in blocks[0], page.name
        document = json.loads(blocks[0])
        assert schema_problems(document) == [], page.name
        assert document["@graph"][0]["@type"] == "Article"
    responses = (site / "book" / "generated" / "responses-2018-tijuana.html").read_text(encoding="utf-8")
    assert '"@type":"Quotation"' in responses and '"spokenByCharacter"' in responses
    numbers = (site / "book" / "generated" / "numbers-2021-tapachula.html").read_text(encoding="utf-8")
    assert '"@type":"ClaimReview"' in numbers
    methods = (site / "book" / "generated" / "methods.html").read_text(encoding="utf-8")
    assert '"Quotation"' not in methods  # it counts the quotations but does not print them
    corrections = (site / "book" / "generated" / "corrections.html").read_text(encoding="utf-8")
    with open(built_book / "data" / "corrections.csv", encoding="utf-8", newline="") as fh:
        logged = list(csv.DictReader(fh))
    assert ("No corrections yet." in corrections) == (not logged)  # review 2's corrections are logged
    for row in logged:
        why = row["why"].replace("'", "&#x27;").split("(")[0].strip()[:40]
        assert why in corrections.replace("&#39;", "&#x27;"), row


NUMBER = re.compile(r"\d(?:[\d,.]*\d)?")


def test_every_number_a_correction_gives_is_on_a_page_that_shows_its_fact(built_book):
    """A correction's "right" column is typed by a person: each number in it must be one the book shows now, on
    a page that carries the corrected fact (the manifest says which), not only in the corrections list."""
    from bs4 import BeautifulSoup

    site = built_book / "_build" / "html"
    manifest = json.loads((built_book / "data" / "published.json").read_text(encoding="utf-8"))["pages"]
    files = {path.stem: path for path in _pages(site)}
    texts = {}
    for key in manifest:
        path = files.get(key.rsplit("book-generated-", 1)[-1].removeprefix("book-"))
        texts[key] = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text(" ") if path else ""
    with open(built_book / "data" / "corrections.csv", encoding="utf-8", newline="") as fh:
        latest = {row["fact_id"]: row for row in csv.DictReader(fh)}  # a later row replaces an earlier one
    unseen, checked = [], 0
    for fact, row in latest.items():
        pages = [key for key, page in manifest.items() if fact in page["facts"]]
        if not pages:  # a fact the book no longer shows (a removed event): nothing to compare with
            continue
        shown = set(NUMBER.findall(" ".join(texts[key] for key in pages)))
        for number in NUMBER.findall(row["right"]):
            checked += 1
            if number not in shown:
                unseen.append(f"{fact}: {number} ({', '.join(pages)})")
    assert checked > 50 and not unseen, unseen


def test_the_methods_page_links_the_dataset_zip_which_passes_check(built_book, tmp_path):
    site = built_book / "_build" / "html"
    methods = (site / "book" / "generated" / "methods.html").read_text(encoding="utf-8")
    link = re.search(r'<a class="caravan-dataset" href="([^"]+)" download>', methods)
    assert link and "remain the work of their outlets" in methods
    archive = (site / "book" / "generated" / link.group(1)).resolve()
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(tmp_path)
    folder = tmp_path / "caravan-book-data" / "data"
    assert "data dictionary" in (tmp_path / "caravan-book-data" / "README-zip.md").read_text(encoding="utf-8")
    done = run_cli("check", "--data", folder, env={"CARAVAN_BOOK_SEEDS": str(tmp_path / "no-articles")})
    assert done.returncode == 0, done.stderr
    assert "against the ledger" in done.stdout


def test_a_changed_figure_stops_the_build_until_a_correction_says_it(book_copy):
    data = book_copy / "data"
    with open(data / "figures.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    row = next(i for i, r in enumerate(rows) if f"figures/{r['figure_id']}" == FIGURE)
    assert rows[row]["qualifier"] == "about"
    edit_csv(data / "figures.csv", row, "qualifier", "nearly")  # the excerpt is unchanged: the ledger stays valid
    stopped = run_cli("build", root=book_copy)
    assert stopped.returncode == 1, stopped.stderr
    lines = [line for line in stopped.stderr.splitlines() if line.startswith("error:")]
    # the numbers page shows it, and the narrative page's lead gives it among the versions of a number it states
    assert len(lines) == 1, lines
    assert re.search(rf"published fact {FIGURE} on page (?:numbers|narrative)-2018-tijuana changed", lines[0]), lines
    assert "Traceback" not in stopped.stderr
    with open(data / "corrections.csv", "a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow(
            ["2026-12-03", FIGURE, "The crowd was given as about 500", "nearly 500", "a test corrects it"]
        )
    done = run_cli("build", root=book_copy)
    assert done.returncode == 0, done.stderr
    generated = book_copy / "_build" / "html" / "book" / "generated"
    page = (generated / "numbers-2018-tijuana.html").read_text(encoding="utf-8")
    assert re.search(
        r"Correction \d+, 3 December 2026:</strong> The crowd was given as about 500\. Now: nearly 500\.", page
    )
    assert "Last changed on 3 December 2026" in page
    listing = (generated / "corrections.html").read_text(encoding="utf-8")
    assert "No corrections yet." not in listing and "3 December 2026" in listing
    assert 'href="numbers-2018-tijuana.html"' in listing
    manifest = json.loads((data / "published.json").read_text(encoding="utf-8"))
    assert manifest["facts"][FIGURE]["qualifier"] == "nearly" and f"2026-12-03 {FIGURE}" in manifest["applied"]


def test_dates_do_not_move_when_nothing_a_page_uses_changed(book_copy):
    manifest_file = book_copy / "data" / "published.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    for entry in manifest["pages"].values():
        entry["changed"] = "2026-11-02"  # as if published a month ago
    manifest_file.write_text(
        json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    for _ in range(2):
        (book_copy / "notes-unrelated.txt").write_text("a file no page uses\n", encoding="utf-8")
        for file in (book_copy / "data").glob("*.csv"):
            file.touch()  # a newer time, the same bytes
        done = run_cli("build", root=book_copy)
        assert done.returncode == 0, done.stderr
        after = json.loads(manifest_file.read_text(encoding="utf-8"))
        assert {e["changed"] for e in after["pages"].values()} == {"2026-11-02"}
        glossary = (book_copy / "_build" / "html" / "book" / "glossary.html").read_text(encoding="utf-8")
        assert "Last changed on 2 November 2026" in glossary
    glossary_source = book_copy / "book" / "glossary.md"
    glossary_source.write_text(
        glossary_source.read_text(encoding="utf-8") + "\nA sentence added by a test.\n", encoding="utf-8"
    )
    done = run_cli("build", root=book_copy)
    assert done.returncode == 0, done.stderr
    after = json.loads(manifest_file.read_text(encoding="utf-8"))
    assert after["pages"]["book-glossary"]["changed"] == dt.date.today().isoformat()
    assert after["pages"]["numbers-2018-tijuana"]["changed"] == "2026-11-02"


def test_a_project_without_citation_cff_stops_in_one_line(tmp_path):
    with pytest.raises(trust.PublishedFactError) as raised:
        trust.read_citation(tmp_path)
    assert "CITATION.cff: not found" in str(raised.value) and "\n" not in str(raised.value)


def test_a_correction_shows_only_on_pages_whose_text_it_changed(built_book):
    """Review 3, m4: a correction of an event is shown on the narrative pages, of a claim on the numbers pages,
    of a known defect on the methods page, never on a page that only reads the table to count or select; and
    no correction note speaks in the book's internal review codes."""
    generated = built_book / "book" / "generated"
    notebook_of = {page.page: page.notebook for page in sections.load().pages}
    shown = json.loads((generated / trust.TRUST_FILE).read_text(encoding="utf-8"))["pages"]
    seen = 0
    for docname, entry in shown.items():
        notebook = notebook_of.get(docname.rsplit("/", 1)[-1])
        for row in entry["corrections"]:
            seen += 1
            assert trust.prints(notebook, row["fact_id"]), (docname, row["fact_id"])
            assert not re.search(r"standards review|\breview \d|\b[CM]\d\b", " ".join(row.values())), row
    assert seen
    for name in ("responses-2018-tijuana", "responses-2021-tapachula"):  # the review's cases: no timeline,
        for row in shown[f"book/generated/{name}"]["corrections"]:  # methods or claims correction here
            assert row["fact_id"].split("/")[0] in ("statements", "sources"), (name, row["fact_id"])
    # review 7, m3: a comparison fact the narrative does not print (the force used), and the methods page, which
    # only counts the facts, carry no correction of it
    narrative = {row["fact_id"] for row in shown["book/generated/narrative-2021-tapachula"]["corrections"]}
    assert "facts/2021-force-used-mailonline" not in narrative
    assert not any(row["fact_id"].startswith("facts/") for row in shown["book/generated/methods"]["corrections"])
    assert "facts/2021-force-used-mailonline" in {
        row["fact_id"] for row in shown["book/generated/comparison"]["corrections"]
    }
    html = (built_book / "_build" / "html" / "book" / "generated" / "narrative-2021-tapachula.html").read_text(
        encoding="utf-8"
    )
    assert "three record claims" not in html  # the methods page's correction is not on the narrative page


def _entries(html: str) -> dict[str, str]:
    """A page's correction entries by their number: "Correction N, ..." up to the end of its list item."""
    found = {}
    for part in html.split("<strong>Correction ")[1:]:
        number = part.split(",", 1)[0]
        found[number] = part.split("</li>", 1)[0]
    return found


def test_several_corrections_of_one_fact_on_one_day_read_in_order(built_book):
    """Review 5, M1: on the corrections page and every page footer, the corrections of one fact on one day stand
    in the order they were made, each earlier one says "replaced by correction N below" (the next one of the same
    part of the fact) or, if none changed that part again, "Now:", so a reader can tell what is current; over
    every fact corrected more than once."""
    with open(built_book / "data" / "corrections.csv", encoding="utf-8", newline="") as fh:
        logged = list(csv.DictReader(fh))
    groups: dict[tuple[str, str], list[str]] = {}
    parts = {str(number): row.get("part") or "" for number, row in enumerate(logged, start=1)}
    for number, row in enumerate(logged, start=1):
        groups.setdefault((row["date"], row["fact_id"]), []).append(str(number))
    several = {key: numbers for key, numbers in groups.items() if len(numbers) > 1}
    assert several  # the log has such facts (review 5 found them)
    generated = built_book / "_build" / "html" / "book" / "generated"
    shown = json.loads((built_book / "book" / "generated" / trust.TRUST_FILE).read_text(encoding="utf-8"))["pages"]
    pages = {"corrections": (generated / "corrections.html").read_text(encoding="utf-8")}
    for docname, entry in shown.items():
        if entry["corrections"]:
            pages[docname] = (built_book / "_build" / "html" / f"{docname}.html").read_text(encoding="utf-8")
    checked = 0
    for name, html in pages.items():
        entries = _entries(html)
        order = list(entries)
        for key, numbers in several.items():
            here = [n for n in numbers if n in entries]
            if not here:
                continue
            assert here == numbers, (name, key)  # all of them, or none
            assert [order.index(n) for n in numbers] == sorted(order.index(n) for n in numbers), (name, key)
            for at, earlier in enumerate(numbers):
                # replaced by the next correction of the same part of the fact (review 8, M1), or standing
                mine = parts[earlier]
                later = next((n for n in numbers[at + 1 :] if not mine or not parts[n] or parts[n] == mine), None)
                if later:
                    assert f"(replaced by correction {later} below)" in entries[earlier], (name, key, earlier)
                    assert "Now:" not in entries[earlier], (name, key, earlier)
                else:
                    assert "Now:" in entries[earlier] and "replaced by" not in entries[earlier], (name, key, earlier)
            checked += 1
    assert checked >= len(several)
